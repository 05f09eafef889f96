from django.urls import path

from safepassage.organisations import views

app_name = "organisations"

urlpatterns = [
    path("<uuid:organisation_id>/", views.organisation_view, name="detail"),
    path("<uuid:organisation_id>/invite/", views.invite_view, name="invite"),
]
