"""URLs of the cases app (mounted in safepassage.config.urls)."""

from django.urls import URLPattern

app_name = "cases"

urlpatterns: list[URLPattern] = []
