"""Pledge routes, included in ``donations.urls`` (mounted at /donate/)."""

from django.urls import path

from safepassage.donations.pledges import views

urlpatterns = [
    path("pledge/", views.pledge_view, name="pledge"),
    path("pledge/for/<slug:slug>/", views.pledge_view, name="pledge_for_campaign"),
    path("pledge/sent/", views.pledge_sent_view, name="pledge_sent"),
    path("pledge/resend/", views.pledge_resend_view, name="pledge_resend"),
    path("pledge/resend/sent/", views.pledge_resend_sent_view, name="pledge_resend_sent"),
    path("pledge/confirm/<str:token>/", views.pledge_confirm_view, name="pledge_confirm"),
    path("pledge/manage/<str:token>/", views.pledge_manage_view, name="pledge_manage"),
    path("pledge/manage/<str:token>/change/", views.pledge_change_view, name="pledge_change"),
    path(
        "pledge/manage/<str:token>/booking-access/",
        views.pledge_delegation_view,
        name="pledge_delegation",
    ),
    path("pledge/manage/<str:token>/withdraw/", views.pledge_withdraw_view, name="pledge_withdraw"),
    path("pledge/forecast/", views.pledge_forecast_view, name="pledge_forecast"),
]
