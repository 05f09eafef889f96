"""Routes of gifts, included into the donations URLconf (namespace ``donations``)."""

from django.urls import path

from safepassage.donations.gifts import views

urlpatterns = [
    path("gifts/webhook/<str:provider>/", views.gift_webhook_view, name="gift_webhook"),
    path("staff/<uuid:organisation_id>/gifts/", views.gift_list_view, name="gift_list"),
    path("staff/<uuid:organisation_id>/gifts/new/", views.gift_new_view, name="gift_new"),
    path(
        "staff/<uuid:organisation_id>/gifts/export.csv",
        views.gift_export_view,
        name="gift_export",
    ),
    path(
        "staff/<uuid:organisation_id>/gifts/<uuid:gift_id>/",
        views.gift_detail_view,
        name="gift_detail",
    ),
    path(
        "staff/<uuid:organisation_id>/gifts/<uuid:gift_id>/receipt.pdf",
        views.gift_receipt_pdf_view,
        name="gift_receipt_pdf",
    ),
    path("staff/<uuid:organisation_id>/totals/", views.gift_totals_view, name="gift_totals"),
]
