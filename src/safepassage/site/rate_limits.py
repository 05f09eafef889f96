"""Rate limits on public forms, without storing who asked (SR-16).

A limit counts the requests one client makes to one *scope* (a name such as
``"pledge"`` or ``"intake"``) in fixed windows of time::

    if not rate_limits.hit(request=request, scope="intake", limit=5, window=timedelta(minutes=10)):
        return rate_limits.rate_limited_response(request, window=timedelta(minutes=10))

or, for a whole view (only the listed methods count; GET pages stay readable)::

    @public
    @limit_rate(scope="pledge", limit=20, window=timedelta(minutes=5))
    def pledge_view(request): ...

How the client is counted without being recorded:

- The client address (``REMOTE_ADDR``, or the header named by the setting
  ``RATE_LIMIT_CLIENT_ADDRESS_HEADER`` behind a proxy; environment variable
  ``SAFEPASSAGE_CLIENT_ADDRESS_HEADER``) is reduced to the address itself
  for IPv4 and to its /64 network for IPv6 (one household or phone), then replaced by
  ``HMAC-SHA256(day key, scope + address)``. The clear address is never stored, logged or
  passed on.
- The day key is ``HMAC-SHA256(SECRET_KEY, "safepassage.rate_limits" + UTC date)``:
  derived afresh by every process, so several server processes count together, and never
  written anywhere. A new key each day means yesterday's digests match nothing today, and
  the scope in the message means the digests of two scopes cannot be linked either.
- Counters live in one small table (``site.RateLimitCounter``), shared by every process
  through the database, and are deleted as soon as their window has passed. Counters
  therefore also start afresh at midnight UTC, when the key changes.

What remains (recorded in ``docs/security/rate-limits.md``): someone holding both
``SECRET_KEY`` and a copy of the live table could test candidate addresses against the
counters of the last few minutes. Nothing older exists to test against.
"""

import datetime
import functools
import hashlib
import hmac
import ipaddress
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from safepassage.intake.error_pages import applicant_error_template
from safepassage.site.models import RateLimitCounter

EPOCH = datetime.datetime(2000, 1, 1, tzinfo=datetime.UTC)
KEY_LABEL = b"safepassage.rate_limits"
UNKNOWN_CLIENT = "unknown"
TEMPLATE = "site/rate_limited.html"


class RateLimited(Exception):
    """A client went over a limit; answer with :func:`rate_limited_response`."""

    code = "rate_limited"
    message: str | Promise = _(
        "Too many requests came from your connection in a short time, so this one was not "
        "accepted and nothing was saved. Please wait a few minutes and try again."
    )

    def __init__(self, *, retry_after: datetime.timedelta) -> None:
        super().__init__(self.code)
        self.retry_after = retry_after


def hit(*, request: HttpRequest, scope: str, limit: int, window: datetime.timedelta) -> bool:
    """Count one request of ``request``'s client to ``scope``; False once over ``limit``.

    Every call counts, refused ones too, so a client that keeps trying stays refused
    until the window ends. Runs in its own transaction (or savepoint).
    """
    if limit < 0 or window <= datetime.timedelta(0):
        raise ValueError("a rate limit needs limit >= 0 and a positive window")
    now = timezone.now()
    start = _window_start(now=now, window=window)
    key = {
        "scope": scope,
        "client_digest": client_digest(request=request, scope=scope, now=now),
        "window_start": start,
    }
    with transaction.atomic():
        RateLimitCounter.objects.filter(expires_at__lte=now).delete()
        if not RateLimitCounter.objects.filter(**key).update(hits=F("hits") + 1):
            try:
                with transaction.atomic():
                    RateLimitCounter.objects.create(**key, expires_at=start + window, hits=1)
            except IntegrityError:  # another process created this window's row first
                RateLimitCounter.objects.filter(**key).update(hits=F("hits") + 1)
        hits = RateLimitCounter.objects.filter(**key).values_list("hits", flat=True).get()
    return hits <= limit


def check(*, request: HttpRequest, scope: str, limit: int, window: datetime.timedelta) -> None:
    """:func:`hit`, raising :class:`RateLimited` when over the limit."""
    if not hit(request=request, scope=scope, limit=limit, window=window):
        raise RateLimited(retry_after=window)


def hit_distinct(
    *, scope: str, subject: str, item: str, limit: int, window: datetime.timedelta
) -> bool:
    """Count ``item`` once for ``subject`` in ``scope`` this window; False, recording
    nothing, when it would be ``subject``'s (limit + 1)th different item (SR-29: different
    cases one person opens per hour). An item already counted is always allowed.

    Neither is stored: the row's scope is ``scope`` and a digest of ``subject``, its
    ``client_digest`` a digest of both, each an HMAC under the day key, as for addresses.
    """
    if limit < 0 or window <= datetime.timedelta(0) or not 0 < len(scope) <= 20:
        raise ValueError("a distinct-items limit needs limit >= 0, a window, a short scope")
    now = timezone.now()
    start = _window_start(now=now, window=window)
    day_key = _day_key(now.astimezone(datetime.UTC).date())
    subject_digest = hmac.new(day_key, f"{scope}\0{subject}".encode(), hashlib.sha256)
    item_digest = hmac.new(day_key, f"{scope}\0{subject}\0{item}".encode(), hashlib.sha256)
    row_scope = f"{scope}:{subject_digest.hexdigest()[: 39 - len(scope)]}"
    rows = RateLimitCounter.objects.filter(scope=row_scope, window_start=start)
    with transaction.atomic():
        RateLimitCounter.objects.filter(expires_at__lte=now).delete()
        if rows.filter(client_digest=item_digest.hexdigest()).update(hits=F("hits") + 1):
            return True
        if rows.count() >= limit:
            return False
        try:
            with transaction.atomic():
                RateLimitCounter.objects.create(
                    scope=row_scope,
                    client_digest=item_digest.hexdigest(),
                    window_start=start,
                    expires_at=start + window,
                    hits=1,
                )
        except IntegrityError:  # another request of the same person counted it first
            pass
    return True


def rate_limited_response(request: HttpRequest, *, window: datetime.timedelta) -> HttpResponse:
    """The page a refused client sees: HTTP 429, translated, with ``Retry-After``."""
    # Under /help/ the applicant's own page (quick exit first, neutral title; SR-17).
    template = applicant_error_template(request, "429.html") or TEMPLATE
    response = render(request, template, {"message": RateLimited.message}, status=429)
    response["Retry-After"] = str(int(window.total_seconds()))
    return response


def limit_rate[View: Callable[..., HttpResponse]](
    *,
    scope: str,
    limit: int,
    window: datetime.timedelta,
    methods: Iterable[str] = ("POST",),
) -> Callable[[View], View]:
    """Refuse a view's ``methods`` with :func:`rate_limited_response` once over the limit.

    The refusal happens before the view runs, so nothing is saved or sent. Put it
    under the access-policy decorator (the rule is copied onto the wrapper either way).
    """
    counted = frozenset(method.upper() for method in methods)

    def decorate(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method in counted and not hit(
                request=request, scope=scope, limit=limit, window=window
            ):
                return rate_limited_response(request, window=window)
            return view(request, *args, **kwargs)

        return wrapper  # type: ignore[return-value]  # same signature as the view it wraps

    return decorate


def client_digest(*, request: HttpRequest, scope: str, now: datetime.datetime) -> str:
    """HMAC of the client's address (see the module docstring); never the address."""
    message = f"{scope}\0{_client_address(request)}".encode()
    return hmac.new(
        _day_key(now.astimezone(datetime.UTC).date()), message, hashlib.sha256
    ).hexdigest()


def reset() -> None:
    """Forget every counter (tests, and an operator lifting a limit at once)."""
    RateLimitCounter.objects.all().delete()


def delete_expired(*, now: datetime.datetime | None = None) -> int:
    """Delete counters whose window has passed; returns how many were deleted."""
    deleted, _by_model = RateLimitCounter.objects.filter(
        expires_at__lte=now or timezone.now()
    ).delete()
    return deleted


def _day_key(day: datetime.date) -> bytes:
    secret = settings.SECRET_KEY.encode()
    return hmac.new(secret, KEY_LABEL + b"\0" + day.isoformat().encode(), hashlib.sha256).digest()


def _client_address(request: HttpRequest) -> str:
    header: str = settings.RATE_LIMIT_CLIENT_ADDRESS_HEADER
    raw = str(request.META.get(header, "") if header else "")
    # A proxy appends the address it saw: the last entry is the one it vouches for.
    candidate = (
        raw.rsplit(",", maxsplit=1)[-1].strip() if raw else str(request.META.get("REMOTE_ADDR", ""))
    )
    try:
        address = ipaddress.ip_address(candidate)
    except ValueError:
        return UNKNOWN_CLIENT
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def _window_start(*, now: datetime.datetime, window: datetime.timedelta) -> datetime.datetime:
    elapsed = now - EPOCH
    return EPOCH + (elapsed // window) * window
