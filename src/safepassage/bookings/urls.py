from django.urls import path

from safepassage.bookings import views

app_name = "bookings"

urlpatterns = [
    path("<uuid:organisation_id>/allocation/", views.runs_view, name="runs"),
    path("allocation/<uuid:run_id>/", views.run_view, name="run"),
    path("allocation/<uuid:run_id>/accept/", views.run_accept_view, name="run_accept"),
    path("allocation/<uuid:run_id>/cancel/", views.run_cancel_view, name="run_cancel"),
    path("<uuid:organisation_id>/trips/", views.trips_view, name="trips"),
    path("trips/<uuid:trip_id>/", views.trip_view, name="trip"),
    path("trips/<uuid:trip_id>/send/", views.trip_send_view, name="trip_send"),
    path("trips/<uuid:trip_id>/progress/", views.trip_progress_view, name="trip_progress"),
    path("requests/<uuid:booking_id>/record/", views.booking_record_view, name="booking_record"),
    path("requests/<uuid:booking_id>/cancel/", views.booking_cancel_view, name="booking_cancel"),
    path("requests/<uuid:booking_id>/refund/", views.booking_refund_view, name="booking_refund"),
    path("requests/<uuid:booking_id>/mode/", views.booking_mode_view, name="booking_mode"),
    path("donor/<str:token>/", views.donor_view, name="donor"),
]
