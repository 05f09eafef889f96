"""Row locks of the donations app, taken in primary-key order."""

from safepassage.donations.models import Campaign, Program


def lock_program(*, program_id: int) -> Program:
    return Program.objects.select_for_update().get(pk=program_id)


def lock_campaign(*, campaign_id: int) -> Campaign:
    return Campaign.objects.select_for_update().get(pk=campaign_id)
