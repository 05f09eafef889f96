"""Row locks of the donations app, taken in primary-key order."""

from safepassage.donations.models import Campaign, Program, SponsorMatch


def lock_program(*, program_id: int) -> Program:
    return Program.objects.select_for_update().get(pk=program_id)


def lock_campaign(*, campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign_id)


def lock_sponsor_match(*, campaign_id: int, match_id: int) -> SponsorMatch:
    """Lock the campaign, then its match (the campaign's row first, as in every action)."""
    lock_campaign(campaign_id=campaign_id)
    return SponsorMatch.objects.select_for_update().get(pk=match_id, campaign_id=campaign_id)
