"""Routes of the staff pledge reports, included into the donations URLconf."""

from django.urls import path

from safepassage.donations.staff_reports import views

urlpatterns = [
    path("staff/<uuid:organisation_id>/pledges/", views.pledge_list_view, name="pledge_list"),
    path(
        "staff/<uuid:organisation_id>/pledges/export.csv",
        views.pledge_export_view,
        name="pledge_export",
    ),
    path(
        "staff/<uuid:organisation_id>/pledges/totals/",
        views.program_totals_view,
        name="program_totals",
    ),
]
