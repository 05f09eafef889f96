"""URLs of the donations app (mounted in safepassage.config.urls)."""

from django.urls import URLPattern

app_name = "donations"

urlpatterns: list[URLPattern] = []
