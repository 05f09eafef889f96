"""Typed errors of the donations app (programs, campaigns, sponsor matches)."""

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


class DonationsError(Exception):
    code = "donations_error"
    message: str | Promise = _("Something went wrong with the donation.")


class CampaignSlugTaken(DonationsError):
    code = "campaign_slug_taken"
    message = _("Another campaign uses this address already.")


class CampaignDatesInvalid(DonationsError):
    code = "campaign_dates_invalid"
    message = _("A campaign cannot end before it starts.")


class CampaignGoalMissing(DonationsError):
    code = "campaign_goal_missing"
    message = _("Set a money goal, a miles goal or both.")


class OrganisationNotAllowed(DonationsError):
    code = "organisation_not_allowed"
    message = _("You cannot run campaigns for this organisation.")


class CoverImageTooLarge(DonationsError):
    code = "cover_image_too_large"
    message = _("The image is larger than 5 MB. Please choose a smaller file.")


class CoverImageInvalid(DonationsError):
    code = "cover_image_invalid"
    message = _("This file is not an image we can read. Please upload a JPEG, PNG or WebP.")


class CoverImageTooManyPixels(DonationsError):
    code = "cover_image_too_many_pixels"
    message = _("The image has too many pixels (at most 40 megapixels).")


class CampaignCurrencyHasMatches(DonationsError):
    code = "campaign_currency_has_matches"
    message = _(
        "This campaign has a sponsor match in its currency, so the currency cannot change: "
        "the match would drop out of the total donors see."
    )


class SponsorMatchCurrencyMismatch(DonationsError):
    code = "sponsor_match_currency_mismatch"
    message = _("A sponsor match must use the campaign's currency.")


class SponsorMatchCapBelowMatched(DonationsError):
    code = "sponsor_match_cap_below_matched"

    def __init__(self, *, matched: object) -> None:
        super().__init__(self.code)
        self.message = _(
            "The cap cannot be lower than what this sponsor has matched already (%(matched)s): "
            "totals donors have seen would go down."
        ) % {"matched": matched}


class SponsorMatchRatioLowered(DonationsError):
    code = "sponsor_match_ratio_lowered"
    message = _(
        "This sponsor has matched gifts already, so the ratio can only go up. To match less "
        "from now on, end this match and add a new one."
    )


class SponsorMatchEnded(DonationsError):
    code = "sponsor_match_ended"
    message = _("This match has ended; it can no longer be changed.")


class SponsorMatchEndInPast(DonationsError):
    code = "sponsor_match_end_in_past"
    message = _(
        "A match can end today at the earliest: ending it earlier would un-match gifts "
        "already counted."
    )


class SponsorMatchHasMatched(DonationsError):
    code = "sponsor_match_has_matched"
    message = _(
        "This sponsor has matched gifts already, so removing the match would lower totals "
        "donors have seen: end it instead."
    )
