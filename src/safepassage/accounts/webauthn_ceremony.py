"""Where a security-key ceremony happens (relying party id, origin) and its challenges.

Decision 0035. The relying party id is ``SAFEPASSAGE_WEBAUTHN_RP_ID`` when set, else the
host the request came to (already checked against ``ALLOWED_HOSTS`` by Django); the
expected origin is always exactly the request's own ``scheme://host[:port]``, and it must be
https except on ``localhost`` (browsers treat only those as secure contexts). A key
registered for one host signs nothing for another, which is what makes it phishing-resistant.

A challenge is 32 random bytes kept server-side in the session with its purpose, its user
and when it was issued. It is taken out of the session at its first use (success or not),
and it is refused once :data:`CHALLENGE_MAX_AGE` has passed.
"""

import datetime
import secrets
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpRequest
from django.http.request import split_domain_port
from django.utils import timezone

from safepassage.accounts.models import User

CHALLENGE_SESSION_KEY = "safepassage_webauthn_challenge"
CHALLENGE_MAX_AGE = datetime.timedelta(minutes=5)
CHALLENGE_BYTES = 32
REGISTER = "register"
AUTHENTICATE = "authenticate"
REAUTHENTICATE = "reauthenticate"
RP_NAME = "SafePassage"


@dataclass(frozen=True)
class RelyingParty:
    """The relying party id and the one origin a ceremony on this request must come from."""

    rp_id: str
    origin: str


class CeremonyRefused(Exception):
    """This request cannot run a security-key ceremony (insecure origin, foreign host)."""


def relying_party(request: HttpRequest) -> RelyingParty:
    """The relying party of ``request``; :class:`CeremonyRefused` when keys cannot work here."""
    host = request.get_host()
    domain, _port = split_domain_port(host)
    configured = str(getattr(settings, "WEBAUTHN_RP_ID", "") or "").strip().lower()
    rp_id = configured or domain
    if not rp_id or not (domain == rp_id or domain.endswith("." + rp_id)):
        raise CeremonyRefused
    if request.scheme != "https" and not (domain == "localhost" or domain.endswith(".localhost")):
        raise CeremonyRefused
    return RelyingParty(rp_id=rp_id, origin=f"{request.scheme}://{host}")


def new_challenge(*, request: HttpRequest, user: User, purpose: str) -> bytes:
    """A fresh challenge for ``purpose``, replacing any earlier one of this session."""
    challenge = secrets.token_bytes(CHALLENGE_BYTES)
    request.session[CHALLENGE_SESSION_KEY] = {
        "purpose": purpose,
        "user": str(user.public_id),
        "challenge": challenge.hex(),
        "issued_at": timezone.now().timestamp(),
    }
    return challenge


def take_challenge(*, request: HttpRequest, user: User, purpose: str) -> bytes | None:
    """The session's challenge for ``purpose`` and ``user``, removed from the session so it
    works once; None when there is none, it is for something else, or it expired."""
    stored = request.session.pop(CHALLENGE_SESSION_KEY, None)
    if not isinstance(stored, dict):
        return None
    issued_at = stored.get("issued_at")
    if (
        stored.get("purpose") != purpose
        or stored.get("user") != str(user.public_id)
        or not isinstance(issued_at, int | float)
        or not isinstance(stored.get("challenge"), str)
    ):
        return None
    age = timezone.now().timestamp() - issued_at
    if not 0 <= age <= CHALLENGE_MAX_AGE.total_seconds():
        return None
    try:
        return bytes.fromhex(stored["challenge"])
    except ValueError:
        return None
