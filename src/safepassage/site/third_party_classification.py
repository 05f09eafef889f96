"""SR-01 for the tables of installed third-party apps (Django's own, django-otp,
django-axes, django-tasks-db): every column classified, in code (kinds:
``safepassage.core.classification``).

Keyed by app label, then model name (as ``apps.get_models(include_auto_created=True)`` names
it, so many-to-many tables such as ``Group_permissions`` count too). A package added to
``INSTALLED_APPS``, or a column a new version adds, fails
``tests/security/test_field_classification.py`` until it is classified here.

Known exposures, listed in ``docs/security/seizure.md`` and open in
``docs/security/requirements.md``:

- not an exposure any more: ``sessions.Session.session_key`` holds a keyed digest of the
  session key (the cookie's value), never the key itself (``safepassage.site.sessions``,
  decision 0048): a copied row is no cookie;
- not an exposure any more: ``otp_totp.TOTPDevice.key`` holds the authenticator seed sealed
  under the server's two-factor key (``key``) and ``otp_static.StaticToken.token`` a keyed
  digest of each unused recovery code (``digest``); only ``accounts.Authenticator`` and
  ``accounts.RecoveryCodes`` (proxies of django-otp's devices) read them (decision 0050);
- not an exposure any more: ``django_tasks_database.DBTaskResult.traceback`` keeps the
  frames and exception classes of a failed task, never the message
  (``safepassage.site.task_results``, decision 0048). Task arguments are ids only (SR-05);
- not an exposure any more: django-axes' ``user_agent`` columns are always empty (the
  handler in ``accounts.throttling`` gives axes none, decision 0048; ``ALWAYS_EMPTY``). The
  account and the client address are daily HMACs (``accounts.throttling``), the form
  fields masked.

``admin.LogEntry`` stays empty (nobody uses the admin site, SR-27), and so do axes' access
log and failure log (``AXES_DISABLE_ACCESS_LOG``, ``AXES_ENABLE_ACCESS_FAILURE_LOG``).
"""

from collections.abc import Mapping

from safepassage.core.classification import Classification, FieldClass

W, P = FieldClass.WORKFLOW, FieldClass.PUBLIC
PE, C, D, K = FieldClass.PERSONAL, FieldClass.CREDENTIAL, FieldClass.DIGEST, FieldClass.KEY

ALWAYS_EMPTY = frozenset(
    f"axes.{model}.user_agent" for model in ("AccessAttempt", "AccessFailureLog", "AccessLog")
)
"""Columns named like personal data that our code keeps empty, so ``workflow``: axes' user
agent (``accounts.throttling``; ``tests/security/test_axes_user_agent.py`` proves it)."""

_AXES_COMMON: dict[str, Classification] = {
    "id": W,
    "user_agent": W,  # always empty: see ALWAYS_EMPTY
    # An address in fd00::/8 made of a daily HMAC of the client address; the account
    # likewise (``accounts.throttling``).
    "ip_address": D,
    "username": D,
    "http_accept": W,
    "path_info": W,
    "attempt_time": W,
}

_OTP_DEVICE: dict[str, Classification] = dict.fromkeys(
    (
        "id",
        "user",
        # Set by our code ("authenticator", "recovery codes"), never typed by a person.
        "name",
        "confirmed",
        "throttling_failure_timestamp",
        "throttling_failure_count",
        "created_at",
        "last_used_at",
    ),
    W,
)

THIRD_PARTY_FIELD_CLASSES: dict[str, dict[str, Mapping[str, Classification]]] = {
    "admin": {
        "LogEntry": {
            "id": W,
            "action_time": W,
            "user": W,
            "content_type": W,
            "object_id": W,
            # ``str()`` of the object changed and the change description: a staff name
            # if it were ever used.
            "object_repr": PE,
            "action_flag": W,
            "change_message": PE,
        },
    },
    "auth": {
        "Permission": {"id": W, "name": P, "content_type": W, "codename": P},
        "Group_permissions": dict.fromkeys(("id", "group", "permission"), W),
        "Group": {"id": W, "name": W},
    },
    "contenttypes": {"ContentType": {"id": W, "app_label": P, "model": P}},
    "sessions": {
        "Session": {
            # HMAC-SHA256 of the session key under a key derived from SECRET_KEY, never the
            # key (the cookie's value): safepassage.site.sessions, decision 0048.
            "session_key": D,
            # Signed, not encrypted: the user's id, the session hash (an HMAC under
            # SECRET_KEY), the second-factor device id, times, and the user's private key
            # sealed under a secret that lives only in the sp-key cookie (SR-08).
            "session_data": K,
            "expire_date": W,
        },
    },
    "otp_totp": {
        "TOTPDevice": _OTP_DEVICE
        | {"key": K}  # sealed under the server's two-factor key (accounts.Authenticator)
        | dict.fromkeys(("step", "t0", "digits", "tolerance", "drift", "last_t"), W),
    },
    "otp_static": {
        "StaticDevice": _OTP_DEVICE,
        "StaticToken": {"id": W, "device": W, "token": D},  # keyed digest (RecoveryCodes)
    },
    "axes": {
        "AccessAttempt": _AXES_COMMON
        | {
            # Every form field masked (AXES_SENSITIVE_PARAMETERS, the password by axes).
            "get_data": W,
            "post_data": W,
            "failures_since_start": W,
        },
        "AccessAttemptExpiration": {"access_attempt": W, "expires_at": W},
        "AccessFailureLog": _AXES_COMMON | {"locked_out": W},
        "AccessLog": _AXES_COMMON | {"logout_time": W, "session_hash": D},
    },
    "django_tasks_database": {
        "DBTaskResult": dict.fromkeys(
            (
                "id",
                "status",
                "enqueued_at",
                "started_at",
                "finished_at",
                "args_kwargs",
                "priority",
                "task_path",
                "worker_ids",
                "queue_name",
                "backend_name",
                "run_after",
                "return_value",
                "exception_class_path",
            ),
            W,
        )
        # Frames (file, line, function, code) and exception classes, never the message:
        # safepassage.site.task_results, decision 0048.
        | {"traceback": W},
    },
}
