"""What django-axes counts sign-in failures by (SR-21), without storing who tried.

django-axes locks after ``AXES_FAILURE_LIMIT`` failures per account and per source
(``AXES_LOCKOUT_PARAMETERS``). Left to itself it reads the account from the credentials
under ``AXES_USERNAME_FORM_FIELD`` ("email"), a key ``authenticate(username=...)`` never
passes, so it counted no account at all, and it stores the address typed and the client
address in clear in its tables. These two callables give it instead:

- the account: ``HMAC-SHA256(day key, "account" + e-mail address as typed, lower-cased)``;
- the source: ``HMAC-SHA256(day key, "sign-in" + client address)`` from
  :func:`safepassage.site.rate_limits.client_digest` (the same client address, IPv6 /64
  networks and proxy header as every other rate limit, SR-16), written as an address in
  the private ``fd00::/8`` range because axes keeps it in an IP address column.

The day key is derived from ``SECRET_KEY`` and the UTC date and never stored, so a copy of
the axes tables names no staff member and no address, and yesterday's rows match nothing
today (a lock can end early at midnight UTC).

The lock grows step by step (:class:`GrowingLockoutHandler`, ``AXES_HANDLER``): after the
fifth failure of an account or a source 1 minute, then twice as long after each further
failure, up to 4 hours.

django-axes also keeps the browser's user agent of each attempt, and has no setting to
stop it. Locks are by account and source only (``AXES_LOCKOUT_PARAMETERS``), so the handler
gives axes an empty user agent before it writes anything: the ``user_agent`` columns of its
tables are always empty (SR-01, decision 0048).
"""

import datetime
import hashlib
import hmac
import ipaddress
from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_username
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Max, Sum
from django.http import HttpRequest
from django.utils import timezone

from safepassage.site.rate_limits import client_digest

KEY_LABEL = b"safepassage.sign_in_throttle"
SCOPE = "sign-in"


def _day_key(day: datetime.date) -> bytes:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, KEY_LABEL + b"\0" + day.isoformat().encode(), hashlib.sha256).digest()


def throttle_account(request: HttpRequest, credentials: dict[str, Any] | None) -> str | None:
    """The account a sign-in attempt is for, as a daily digest (``AXES_USERNAME_CALLABLE``)."""
    given = credentials or {}
    typed = given.get("username") or given.get("email") or request.POST.get("email") or ""
    address = str(typed).strip().lower()
    if not address:
        return None
    today = timezone.now().astimezone(datetime.UTC).date()
    digest = hmac.new(_day_key(today), b"account\0" + address.encode(), hashlib.sha256)
    return "account-" + digest.hexdigest()[:40]


def throttle_source(request: HttpRequest) -> str:
    """The client a sign-in attempt comes from, as a daily digest shaped like a private
    IPv6 address (``AXES_CLIENT_IP_CALLABLE``)."""
    digest = client_digest(request=request, scope=SCOPE, now=timezone.now())
    return str(ipaddress.IPv6Address(bytes.fromhex("fd" + digest[:30])))


# --- Growing lockout --------------------------------------------------------------------

FIRST_LOCK = datetime.timedelta(minutes=1)
"""How long the password step waits after the ``AXES_FAILURE_LIMIT``-th failure."""
LONGEST_LOCK = datetime.timedelta(hours=4)
"""The cap: each further failure doubles the wait up to this."""


def lock_duration(failures: int) -> datetime.timedelta | None:
    """How long the password step stays locked after the ``failures``-th failure of an
    account or a source: none below the limit, then 1 minute, 2, 4, ... up to 4 hours."""
    limit = int(settings.AXES_FAILURE_LIMIT)
    if failures < limit:
        return None
    doublings = min(failures - limit, 16)  # 2**16 minutes is far past the cap
    return min(LONGEST_LOCK, FIRST_LOCK * (1 << doublings))


def _now(request: HttpRequest | None) -> datetime.datetime:
    attempt_time = getattr(request, "axes_attempt_time", None)
    return attempt_time if isinstance(attempt_time, datetime.datetime) else timezone.now()


def _forget_user_agent(request: HttpRequest | None) -> None:
    """What axes reads for the user agent it stores (``AxesProxyHandler.update_request``
    set it from the request): nothing."""
    if request is not None:
        request.axes_user_agent = ""  # type: ignore[attr-defined]  # axes' own request attribute


class GrowingLockoutHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes has no type hints
    """django-axes' database handler with a lock that grows step by step (SR-21).

    axes itself locks for as long as the failures stay in its window (``AXES_COOLOFF_TIME``),
    a fixed time. Here that window is only how long a failure counts (24 hours in the
    settings; the day key forgets sooner, at midnight UTC), and an account or a
    source is locked only until its last failure plus :func:`lock_duration` of its number
    of failures. Attempts refused during a lock are not checked and not counted
    (``AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False``); they are audited as
    ``denied`` by the views. A success forgives the failures typed for that account, from
    every source (and so counts no more against those sources), but not the failures at
    the same source against other accounts: someone signing into their own account between
    guesses at colleagues' passwords does not wipe the count of their source.
    """

    def user_login_failed(
        self,
        sender: Any,
        credentials: dict[str, Any],
        request: HttpRequest | None = None,
        **kwargs: Any,
    ) -> None:
        _forget_user_agent(request)
        super().user_login_failed(sender, credentials, request, **kwargs)

    def user_logged_in(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        _forget_user_agent(request)
        super().user_logged_in(sender, request, user, **kwargs)

    def user_logged_out(self, sender: Any, request: HttpRequest, user: Any, **kwargs: Any) -> None:
        _forget_user_agent(request)
        super().user_logged_out(sender, request, user, **kwargs)

    def lock_ends_at(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> datetime.datetime | None:
        """When the later of the account's and the source's locks ends (None: no lock)."""
        latest: datetime.datetime | None = None
        for attempts in self.get_user_attempts(request, credentials):
            summary = attempts.aggregate(
                failures=Sum("failures_since_start"), last=Max("attempt_time")
            )
            duration = lock_duration(summary["failures"] or 0)
            if duration is None or summary["last"] is None:
                continue
            ends = summary["last"] + duration
            latest = ends if latest is None else max(latest, ends)
        return latest

    def is_locked(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> bool:
        ends = self.lock_ends_at(request, credentials)
        return ends is not None and _now(request) < ends

    def reset_user_attempts(
        self, request: HttpRequest, credentials: dict[str, Any] | None = None
    ) -> int:
        account = get_client_username(request, credentials)
        if not account:
            return 0
        count, _ = AccessAttempt.objects.filter(username=account).delete()
        return int(count)


def remaining_lock(*, request: HttpRequest, email: str) -> datetime.timedelta:
    """How long the password step for ``email`` from this request's source stays locked
    (zero when it is not). The same for an address that names no account."""
    AxesProxyHandler.update_request(request)
    ends = GrowingLockoutHandler().lock_ends_at(request, {"username": email})
    if ends is None:
        return datetime.timedelta(0)
    return max(datetime.timedelta(0), ends - _now(request))
