"""URLs of the ledger app (mounted in safepassage.config.urls)."""

from django.urls import URLPattern

app_name = "ledger"

urlpatterns: list[URLPattern] = []
