"""URLs of the events app (mounted in safepassage.config.urls)."""

from django.urls import path

from safepassage.events import views

app_name = "events"

urlpatterns = [
    path("", views.event_list_view, name="event_list"),
    path("manage/", views.manage_events_view, name="manage_events"),
    path("manage/new/", views.event_create_view, name="event_create"),
    path("manage/<uuid:event_id>/", views.event_edit_view, name="event_edit"),
    path("manage/<uuid:event_id>/publish/", views.event_publish_view, name="event_publish"),
    path(
        "manage/<uuid:event_id>/programme/new/",
        views.programme_item_add_view,
        name="programme_item_add",
    ),
    path(
        "manage/<uuid:event_id>/programme/<uuid:item_id>/",
        views.programme_item_edit_view,
        name="programme_item_edit",
    ),
    path(
        "manage/<uuid:event_id>/programme/<uuid:item_id>/remove/",
        views.programme_item_remove_view,
        name="programme_item_remove",
    ),
    path("<slug:slug>/", views.event_view, name="event"),
    path("<slug:slug>/tally/", views.event_tally_view, name="event_tally"),
    path("<slug:slug>/calendar.ics", views.event_calendar_view, name="event_calendar"),
]
