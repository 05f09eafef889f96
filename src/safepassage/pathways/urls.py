"""URLs of the pathways app (mounted at /pathways/ in safepassage.config.urls)."""

from django.urls import path

from safepassage.pathways import views

app_name = "pathways"

urlpatterns = [
    path("", views.board_view, name="board"),
    path("new/", views.create_view, name="create"),
    path("<uuid:pathway_id>/", views.detail_view, name="detail"),
    path("<uuid:pathway_id>/edit/", views.edit_view, name="edit"),
    path("<uuid:pathway_id>/contacts/new/", views.add_contact_view, name="add_contact"),
    path(
        "<uuid:pathway_id>/contacts/<uuid:contact_id>/remove/",
        views.remove_contact_view,
        name="remove_contact",
    ),
    path("<uuid:pathway_id>/visas/new/", views.add_visa_type_view, name="add_visa_type"),
    path(
        "<uuid:pathway_id>/visas/<uuid:visa_type_id>/remove/",
        views.remove_visa_type_view,
        name="remove_visa_type",
    ),
    path("<uuid:pathway_id>/quota/", views.quota_view, name="quota"),
    path("<uuid:pathway_id>/cases/link/", views.link_case_view, name="link_case"),
    path(
        "<uuid:pathway_id>/cases/<uuid:case_id>/unlink/",
        views.unlink_case_view,
        name="unlink_case",
    ),
    path("case/<uuid:case_id>/", views.case_pathways_view, name="case_pathways"),
]
