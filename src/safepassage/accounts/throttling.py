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
today (a lock at most an hour old can end early at midnight UTC).
"""

import datetime
import hashlib
import hmac
import ipaddress
from typing import Any

from django.conf import settings
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
    typed = (credentials or {}).get("username") or request.POST.get("email") or ""
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
