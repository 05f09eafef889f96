"""URLs of the events app (mounted in safepassage.config.urls)."""

from django.urls import URLPattern

app_name = "events"

urlpatterns: list[URLPattern] = []
