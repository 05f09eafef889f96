"""URLs of the travel app (mounted at ``travel/`` in safepassage.config.urls)."""

from django.urls import path

from safepassage.travel import views

app_name = "travel"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("routes/", views.search_view, name="search"),
    path("programs/", views.programs_view, name="programs"),
    path("programs/carriers/new/", views.program_carrier_add_view, name="program_carrier_add"),
    path("programs/alliances/new/", views.alliance_member_add_view, name="alliance_member_add"),
    path("programs/remove/", views.partnership_remove_view, name="partnership_remove"),
    path("programs/<str:program_code>/chart/", views.chart_edit_view, name="chart_edit"),
    path("cases/<uuid:case_id>/requests/new/", views.request_create_view, name="request_create"),
    path("requests/<uuid:request_id>/", views.request_detail_view, name="request_detail"),
    path("requests/<uuid:request_id>/edit/", views.request_edit_view, name="request_edit"),
    path(
        "requests/<uuid:request_id>/options/find/",
        views.generate_options_view,
        name="generate_options",
    ),
    path("requests/<uuid:request_id>/options/new/", views.option_add_view, name="option_add"),
    path(
        "requests/<uuid:request_id>/options/<uuid:option_id>/remove/",
        views.option_remove_view,
        name="option_remove",
    ),
    path(
        "requests/<uuid:request_id>/prices/<uuid:price_id>/quote/",
        views.price_quote_view,
        name="price_quote",
    ),
    path(
        "requests/<uuid:request_id>/fares/<uuid:fare_id>/cash/",
        views.fare_cash_view,
        name="fare_cash",
    ),
    path("requests/<uuid:request_id>/state/", views.request_state_view, name="request_state"),
]
