"""The session engine (``SESSION_ENGINE``): Django's database sessions, stored under a keyed
digest of the session key, never the key itself (SR-01, SR-22; decision 0048).

The session key is the session cookie's value: Django's own database backend keeps it in
clear in ``django_session.session_key``, so a copy of the database (or a backup) was every
live session. Here the column holds ``HMAC-SHA256(key derived from SECRET_KEY, session
key)``, cut to the column's 40 hexadecimal characters (160 bits). The cookie is turned into
its digest at every lookup, write and delete (``load``, ``exists``, ``save``, ``delete``,
``cycle_key``, ``flush``); a stored digest sent as a cookie is digested again and matches
nothing. ``clear_expired`` (``safepassage clearsessions``) deletes by expiry date only.

The table, its other columns and the signed session data are Django's, unchanged, so
everything that reads sessions by user (the security page's session list, "sign out
everywhere", ``safepassage lockdown``) keeps working; code that looks a session up by its
key must go through :func:`stored_key`. After ``SECRET_KEY`` is replaced, a session stored
under a digest of an old key (``SECRET_KEY_FALLBACKS``) is found once and stored again
under the new digest, as Django's signed session data keeps working under the fallbacks.
"""

from typing import Any

from asgiref.sync import sync_to_async
from django.conf import settings
from django.contrib.sessions.backends import db
from django.contrib.sessions.base_session import AbstractBaseSession
from django.utils import timezone
from django.utils.crypto import salted_hmac

KEY_SALT = "safepassage.site.sessions.stored_key"
STORED_KEY_LENGTH = 40
"""The width of ``django_session.session_key``; 160 bits of HMAC-SHA256."""


def stored_key(session_key: str, *, secret: str | bytes | None = None) -> str:
    """What the database holds for ``session_key`` (a cookie value): its keyed digest
    under ``SECRET_KEY`` (or ``secret``, an old key from ``SECRET_KEY_FALLBACKS``)."""
    digest = salted_hmac(KEY_SALT, session_key, secret=secret, algorithm="sha256")
    return digest.hexdigest()[:STORED_KEY_LENGTH]


def _stored_keys(session_key: str) -> list[str]:
    """The digest under the current key, then under each old key."""
    old = [stored_key(session_key, secret=secret) for secret in settings.SECRET_KEY_FALLBACKS]
    return [stored_key(session_key), *old]


class SessionStore(db.SessionStore):
    """Database sessions whose row is named by a digest of the key (see the module)."""

    def _get_session_from_db(self) -> AbstractBaseSession | None:
        session_key = self.session_key
        found = None
        if session_key is not None:
            candidates = _stored_keys(session_key)
            found = (
                self.model.objects.filter(
                    session_key__in=candidates, expire_date__gt=timezone.now()
                )
                .order_by()
                .first()
            )
            if found is not None and found.session_key != candidates[0]:
                # Stored under an old SECRET_KEY: store it under the current one.
                self.model.objects.filter(session_key=found.session_key).update(
                    session_key=candidates[0]
                )
                found.session_key = candidates[0]
        if found is None:
            self._session_key = None
        return found

    async def _aget_session_from_db(self) -> AbstractBaseSession | None:
        return await sync_to_async(self._get_session_from_db)()

    def exists(self, session_key: str) -> bool:
        return self.model.objects.filter(session_key=stored_key(session_key)).exists()

    async def aexists(self, session_key: str) -> bool:
        return await self.model.objects.filter(session_key=stored_key(session_key)).aexists()

    def create_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        row = super().create_model_instance(data)
        row.session_key = stored_key(row.session_key)
        return row

    async def acreate_model_instance(self, data: dict[str, Any]) -> AbstractBaseSession:
        row = await super().acreate_model_instance(data)
        row.session_key = stored_key(row.session_key)
        return row

    def delete(self, session_key: str | None = None) -> None:
        if session_key is None:
            if self.session_key is None:
                return
            session_key = self.session_key
        self.model.objects.filter(session_key__in=_stored_keys(session_key)).delete()

    async def adelete(self, session_key: str | None = None) -> None:
        await sync_to_async(self.delete)(session_key)
