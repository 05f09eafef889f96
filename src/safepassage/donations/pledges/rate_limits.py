"""How many pledges one address may submit (SR-16; docs/security/rate-limits.md).

The ordinary limit is generous already (decision 0007). At a fundraising event every guest
comes from the venue's one public address, and the appeal sends the whole room to the
pledge page at once, so while a published event of the campaign runs (from
``EVENT_MARGIN`` before it starts to ``EVENT_MARGIN`` after it ends) that campaign's pledge
page counts in its own scope with a larger, still bounded, allowance. Every other page,
and the same page outside the event, keeps the ordinary limit.
"""

import datetime
from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.utils import timezone

from safepassage.donations.models import Campaign
from safepassage.donations.pledges.selectors import has_running_event
from safepassage.site.rate_limits import hit, rate_limited_response

PLEDGE_RATE_LIMIT = 20
PLEDGE_RATE_WINDOW = datetime.timedelta(minutes=5)
EVENT_PLEDGE_RATE_LIMIT = 200
"""Per address per window on the pledge page of a campaign whose event runs: a room of a
few hundred guests answering one appeal; a flood still stops after 200 e-mails."""
EVENT_MARGIN = datetime.timedelta(hours=1)


@dataclass(frozen=True, kw_only=True)
class PledgeAllowance:
    scope: str
    limit: int
    window: datetime.timedelta = PLEDGE_RATE_WINDOW


ORDINARY = PledgeAllowance(scope="pledge", limit=PLEDGE_RATE_LIMIT)
AT_AN_EVENT = PledgeAllowance(scope="pledge_event", limit=EVENT_PLEDGE_RATE_LIMIT)


def pledge_allowance(*, campaign: Campaign | None, now: datetime.datetime) -> PledgeAllowance:
    """The limit a pledge submitted now to ``campaign``'s page (or the general page) counts in."""
    if campaign is not None and has_running_event(campaign=campaign, now=now, margin=EVENT_MARGIN):
        return AT_AN_EVENT
    return ORDINARY


def refuse_over_limit(request: HttpRequest, campaign: Campaign | None) -> HttpResponse | None:
    """Count one pledge submission of ``request``'s address; the 429 page once it is over
    its allowance (before anything is saved or sent), else ``None``."""
    allowance = pledge_allowance(campaign=campaign, now=timezone.now())
    if hit(request=request, scope=allowance.scope, limit=allowance.limit, window=allowance.window):
        return None
    return rate_limited_response(request, window=allowance.window)


RESEND_RATE_LIMIT = 10
RESEND_RATE_WINDOW = datetime.timedelta(minutes=15)
"""Asking for a confirmation link again, per address: a donor (or a few at one event) who
lost theirs. Each pledge gets at most ``actions.MAX_CONFIRMATION_RESENDS`` links anyway."""


def refuse_resend_over_limit(request: HttpRequest) -> HttpResponse | None:
    """Count one request for a confirmation link again; the 429 page once over the limit
    (before anything is looked up or sent), else ``None``."""
    if hit(
        request=request, scope="pledge_resend", limit=RESEND_RATE_LIMIT, window=RESEND_RATE_WINDOW
    ):
        return None
    return rate_limited_response(request, window=RESEND_RATE_WINDOW)
