"""Routes of the reports page, included into the donations URLconf."""

from django.urls import path

from safepassage.donations.reports import views

urlpatterns = [
    path("staff/<uuid:organisation_id>/reports/", views.report_view, name="report"),
    path(
        "staff/<uuid:organisation_id>/reports/<slug:table>.csv",
        views.report_csv_view,
        name="report_csv",
    ),
    path(
        "staff/<uuid:organisation_id>/reports/report.pdf", views.report_pdf_view, name="report_pdf"
    ),
]
