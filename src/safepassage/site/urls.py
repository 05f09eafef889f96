from django.urls import path

from safepassage.site import views

app_name = "site"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("dashboard/", views.dashboard_view, name="dashboard"),
    path("language/", views.set_language_view, name="set_language"),
]
