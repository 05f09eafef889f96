"""Root URLconf. Every view declares its access rule (see site.access_policy)."""

from django.urls import include, path

urlpatterns = [
    path("", include("safepassage.site.urls")),
    path("accounts/", include("safepassage.accounts.urls")),
    path("organisations/", include("safepassage.organisations.urls")),
    path("donate/", include("safepassage.donations.urls")),
    path("events/", include("safepassage.events.urls")),
    path("ledger/", include("safepassage.ledger.urls")),
    path("cases/", include("safepassage.cases.urls")),
    path("cases/", include("safepassage.intake.staff_urls")),
    path("help/", include("safepassage.intake.urls")),
    path("pathways/", include("safepassage.pathways.urls")),
    path("transparency/", include("safepassage.transparency.urls")),
    path("travel/", include("safepassage.travel.urls")),
    path("bookings/", include("safepassage.bookings.urls")),
]

handler400 = "safepassage.site.views.bad_request_view"
handler403 = "safepassage.site.views.permission_denied_view"
handler404 = "safepassage.site.views.not_found_view"
handler500 = "safepassage.site.views.server_error_view"
