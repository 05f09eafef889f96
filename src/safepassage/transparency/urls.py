"""URLs of the transparency app (mounted at /transparency/ in safepassage.config.urls)."""

from django.urls import path

from safepassage.transparency import views

app_name = "transparency"

urlpatterns = [path("", views.transparency_view, name="page")]
