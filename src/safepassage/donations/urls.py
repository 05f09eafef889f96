"""URLs of the donations app (mounted in safepassage.config.urls)."""

from django.urls import path

from safepassage.donations import views
from safepassage.donations.gifts import urls as gift_urls
from safepassage.donations.pledges import urls as pledge_urls
from safepassage.donations.reports import urls as report_urls
from safepassage.donations.staff_reports import urls as staff_report_urls

app_name = "donations"

urlpatterns = [
    path("", views.campaign_list_view, name="campaign_list"),
    path("programs/", views.catalogue_view, name="catalogue"),
    path("programs/facts/", views.program_facts_view, name="program_facts"),
    path("programs/<str:program_code>/edit/", views.program_edit_view, name="program_edit"),
    path("campaigns/<slug:slug>/", views.campaign_view, name="campaign"),
    path("campaigns/<slug:slug>/cover/", views.campaign_cover_view, name="campaign_cover"),
    path("manage/campaigns/", views.manage_campaigns_view, name="manage_campaigns"),
    path("manage/campaigns/new/", views.campaign_create_view, name="campaign_create"),
    path("manage/campaigns/<uuid:campaign_id>/", views.campaign_edit_view, name="campaign_edit"),
    path(
        "manage/campaigns/<uuid:campaign_id>/publish/",
        views.campaign_publish_view,
        name="campaign_publish",
    ),
    path(
        "manage/campaigns/<uuid:campaign_id>/matches/new/",
        views.sponsor_match_add_view,
        name="sponsor_match_add",
    ),
    path(
        "manage/campaigns/<uuid:campaign_id>/matches/<uuid:match_id>/",
        views.sponsor_match_edit_view,
        name="sponsor_match_edit",
    ),
    path(
        "manage/campaigns/<uuid:campaign_id>/matches/<uuid:match_id>/end/",
        views.sponsor_match_end_view,
        name="sponsor_match_end",
    ),
    path(
        "manage/campaigns/<uuid:campaign_id>/matches/<uuid:match_id>/remove/",
        views.sponsor_match_remove_view,
        name="sponsor_match_remove",
    ),
    path(
        "manage/campaigns/<uuid:campaign_id>/cover/",
        views.campaign_cover_preview_view,
        name="campaign_cover_preview",
    ),
    *gift_urls.urlpatterns,
    *pledge_urls.urlpatterns,
    *staff_report_urls.urlpatterns,
    *report_urls.urlpatterns,
]
