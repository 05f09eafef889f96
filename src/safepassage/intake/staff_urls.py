"""Staff URLs of the intake app, mounted at ``cases/`` beside the cases app's own."""

from django.urls import path

from safepassage.intake import staff_views

app_name = "intake_staff"

urlpatterns = [
    path("<uuid:case_id>/messages/", staff_views.messages_view, name="messages"),
    path("<uuid:case_id>/messages/reply/", staff_views.reply_view, name="reply"),
]
