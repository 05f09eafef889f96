"""The applicant's URLs, all under one neutral prefix (mounted at ``help/``)."""

from django.urls import path

from safepassage.intake import views

app_name = "intake"

urlpatterns = [
    path("", views.start_view, name="start"),
    path("safety/", views.safety_view, name="safety"),
    path("exit/", views.exit_view, name="exit"),
    path("check/", views.sign_in_view, name="sign_in"),
    path("status/", views.status_view, name="status"),
    path("withdraw/", views.withdraw_view, name="withdraw"),
    path("sign-out/", views.sign_out_view, name="sign_out"),
]
