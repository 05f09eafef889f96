"""URLs of the cases app (mounted in safepassage.config.urls)."""

from django.urls import path

from safepassage.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.queue_view, name="queue"),
    path("new/", views.create_view, name="create"),
    path("tasks/", views.my_tasks_view, name="my_tasks"),
    path("retention/<uuid:organisation_id>/", views.retention_view, name="retention"),
    path(
        "documents/<uuid:document_id>/",
        views.download_document_view,
        name="download_document",
    ),
    path(
        "documents/<uuid:document_id>/delete/",
        views.delete_document_view,
        name="delete_document",
    ),
    path("tasks/<uuid:task_id>/done/", views.complete_task_view, name="complete_task"),
    path(
        "attention/<uuid:attention_id>/dismiss/",
        views.dismiss_attention_view,
        name="dismiss_attention",
    ),
    path("<uuid:case_id>/", views.detail_view, name="detail"),
    path("<uuid:case_id>/state/", views.transition_view, name="transition"),
    path("<uuid:case_id>/triage/", views.workflow_fields_view, name="workflow_fields"),
    path("<uuid:case_id>/notes/new/", views.note_view, name="add_note"),
    path("<uuid:case_id>/household/new/", views.household_view, name="add_household_member"),
    path("<uuid:case_id>/members/new/", views.add_member_view, name="add_member"),
    path(
        "<uuid:case_id>/members/<uuid:user_id>/remove/",
        views.remove_member_view,
        name="remove_member",
    ),
    path("<uuid:case_id>/take/", views.take_view, name="take"),
    path("<uuid:case_id>/tasks/new/", views.add_task_view, name="add_task"),
    path("<uuid:case_id>/referrals/new/", views.refer_view, name="refer"),
    path(
        "referrals/<uuid:referral_id>/accept/",
        views.accept_referral_view,
        name="accept_referral",
    ),
    path(
        "referrals/<uuid:referral_id>/revoke/",
        views.revoke_referral_view,
        name="revoke_referral",
    ),
    path("<uuid:case_id>/documents/new/", views.upload_document_view, name="upload_document"),
]
