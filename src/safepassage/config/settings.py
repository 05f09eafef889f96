"""Django settings, read from the environment with safe development defaults.

Every variable is documented in the README's "Configuration" section. Two modes:
``SAFEPASSAGE_MODE=development`` (default: DEBUG on, SQLite under ./var, e-mail to
the console) and ``SAFEPASSAGE_MODE=production`` (DEBUG off, HTTPS only, refuses to
start without a real SECRET_KEY).
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DEVELOPMENT_SECRET_KEY = "development-only-secret-key-never-use-in-production-0123456789abcdef"  # noqa: S105  # development only; refused in production


def _env_bool(name: str, *, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: list[str]) -> list[str]:
    value = os.environ.get(name, "")
    items = [item.strip() for item in value.split(",") if item.strip()]
    return items or default


MODE = os.environ.get("SAFEPASSAGE_MODE", "development").strip().lower()
if MODE not in {"development", "production"}:
    raise ImproperlyConfigured("SAFEPASSAGE_MODE must be 'development' or 'production'.")
PRODUCTION = MODE == "production"

DATA_DIR = Path(os.environ.get("SAFEPASSAGE_DATA_DIR", Path.cwd() / "var")).resolve()

SECRET_KEY = os.environ.get("SECRET_KEY", "")
if PRODUCTION:
    if not SECRET_KEY or SECRET_KEY == DEVELOPMENT_SECRET_KEY or len(SECRET_KEY) < 50:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set to a random value of at least 50 characters in production "
            "(for example: python -c 'import secrets; print(secrets.token_urlsafe(64))')."
        )
elif not SECRET_KEY:
    SECRET_KEY = DEVELOPMENT_SECRET_KEY
# Keys SECRET_KEY replaced, comma-separated: sessions and links signed with them still work.
SECRET_KEY_FALLBACKS = _env_list("SECRET_KEY_FALLBACKS", [])

DEBUG = _env_bool("DEBUG", default=not PRODUCTION) and not PRODUCTION
ALLOWED_HOSTS = _env_list(
    "ALLOWED_HOSTS", [] if PRODUCTION else ["localhost", "127.0.0.1", "[::1]", "testserver"]
)

INSTALLED_APPS = [
    "safepassage.site",
    "safepassage.accounts",
    "safepassage.organisations",
    "safepassage.audit",
    "safepassage.ledger",
    "safepassage.donations",
    "safepassage.events",
    "safepassage.cases",
    "safepassage.intake",
    "safepassage.travel",
    "safepassage.bookings",
    "safepassage.pathways",
    "safepassage.transparency",
    "safepassage.backups",
    "safepassage.demo",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks_db",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "safepassage.site.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "safepassage.site.csrf.NoReferrerCsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "safepassage.accounts.middleware.SessionLifetimeMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "safepassage.site.middleware.AccessPolicyMiddleware",
]

ROOT_URLCONF = "safepassage.config.urls"
WSGI_APPLICATION = "safepassage.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "safepassage.site.context_processors.site",
            ],
        },
    },
]

# --- Database: SQLite (WAL) by default, PostgreSQL through DATABASE_URL -------------
DEFAULT_SQLITE = DATA_DIR / "safepassage.sqlite3"
DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL") or f"sqlite:///{DEFAULT_SQLITE}", conn_max_age=60
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    Path(DATABASES["default"]["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "safepassage.accounts.backends.MembershipBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        "OPTIONS": {"user_attributes": ["email", "display_name"]},
    },
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 15},
    },
    {"NAME": "safepassage.accounts.password_validation.MaximumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "safepassage.accounts.password_validation.ContextWordsValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:dashboard"
LOGOUT_REDIRECT_URL = "site:home"
INVITATION_MAX_AGE_SECONDS = 7 * 24 * 3600

# django-axes: lock an account after repeated failures; log nothing personal.
# SR-21: the lock grows (1 minute after the 5th failure, doubling, at most 4 hours;
# accounts/throttling.py); AXES_COOLOFF_TIME is how long a failure counts.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 24  # hours
AXES_HANDLER = "safepassage.accounts.throttling.GrowingLockoutHandler"
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False  # refused unchecked: not a guess
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_USERNAME_FORM_FIELD = "email"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_LOCKOUT_CALLABLE = "safepassage.accounts.views.locked_out"
AXES_ENABLE_ACCESS_FAILURE_LOG = False
# SR-21: count per account and per source by daily digests, never the clear address or
# e-mail (accounts/throttling.py); successful sign-ins are audited, not logged by axes.
AXES_USERNAME_CALLABLE = "safepassage.accounts.throttling.throttle_account"
AXES_CLIENT_IP_CALLABLE = "safepassage.accounts.throttling.throttle_source"
AXES_DISABLE_ACCESS_LOG = True
AXES_SENSITIVE_PARAMETERS = ["email", "code", "next", "csrfmiddlewaretoken"]  # masked in its rows

OTP_TOTP_ISSUER = "SafePassage"
OTP_TOTP_TOLERANCE = 1
# Security keys (decision 0035): the WebAuthn relying party id; empty = the host asked for.
WEBAUTHN_RP_ID = os.environ.get("SAFEPASSAGE_WEBAUTHN_RP_ID", "").strip().lower()

# --- Sessions and cookies ----------------------------------------------------------
SESSION_ENGINE = "safepassage.site.sessions"  # keys stored as keyed digests (decision 0048)
SESSION_IDLE_SECONDS = 15 * 60
SESSION_ABSOLUTE_SECONDS = 10 * 3600
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Strict"
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_AGE = None  # ends with the browser session: no year-long trace on a device
CSRF_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_SAMESITE = "Strict"
LANGUAGE_COOKIE_HTTPONLY = True

# --- Security headers (SR-34) ------------------------------------------------------
SECURE_CSP = {
    "default-src": [CSP.NONE],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF],
    "font-src": [CSP.SELF],
    "form-action": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}
SECURE_REFERRER_POLICY = "no-referrer"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
PERMISSIONS_POLICY = (
    "accelerometer=(), camera=(), geolocation=(), gyroscope=(), magnetometer=(), "
    "microphone=(), payment=(), usb=(), interest-cohort=()"
)
ONION_LOCATION = os.environ.get("SAFEPASSAGE_ONION_LOCATION", "")
# Behind a proxy: the request.META key holding the client address it appends (SR-16).
RATE_LIMIT_CLIENT_ADDRESS_HEADER = os.environ.get("SAFEPASSAGE_CLIENT_ADDRESS_HEADER", "")

if PRODUCTION:
    SECURE_SSL_REDIRECT = _env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = 63072000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"
    CSRF_TRUSTED_ORIGINS = _env_list("CSRF_TRUSTED_ORIGINS", [])

# --- Internationalisation ----------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ru", _("Russian"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

# --- Files -------------------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = DATA_DIR / "media"
FILE_UPLOAD_PERMISSIONS = 0o600

# --- Background work ---------------------------------------------------------------
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

# --- E-mail ------------------------------------------------------------------------
EMAIL_MODE = (
    os.environ.get("SAFEPASSAGE_EMAIL", "smtp" if PRODUCTION else "console").strip().lower()
)
if EMAIL_MODE == "smtp":
    _mailer: dict[str, object] = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": os.environ.get("EMAIL_HOST", "localhost"),
            "port": int(os.environ.get("EMAIL_PORT", "587")),
            "username": os.environ.get("EMAIL_HOST_USER", ""),
            "password": os.environ.get("EMAIL_HOST_PASSWORD", ""),
            "use_tls": _env_bool("EMAIL_USE_TLS", default=True),
            "use_ssl": _env_bool("EMAIL_USE_SSL", default=False),
            "timeout": 20,
        },
    }
elif EMAIL_MODE == "file":
    _mailer = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": str(DATA_DIR / "mail")},
    }
elif EMAIL_MODE == "console":
    _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
else:
    raise ImproperlyConfigured("SAFEPASSAGE_EMAIL must be 'console', 'file' or 'smtp'.")
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "SafePassage <noreply@localhost>")
SITE_BASE_URL = os.environ.get("SAFEPASSAGE_BASE_URL", "http://127.0.0.1:8000")

# --- Logging: an allow-list, never request bodies, query strings or paths (SR-31) ---
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact": {"()": "safepassage.site.logging.RedactRequestDetails"},
        # A failed task's exception without its message (decision 0048).
        "scrub_tasks": {"()": "safepassage.site.task_results.ScrubTaskExceptions"},
    },
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact", "scrub_tasks"],
        }
    },
    "root": {"handlers": ["console"], "level": "INFO"},
    "loggers": {
        "django.request": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        "django.security": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "axes": {"handlers": ["console"], "level": "ERROR", "propagate": False},
        "weasyprint": {"handlers": ["console"], "level": "WARNING", "propagate": False},
        "fontTools": {"handlers": ["console"], "level": "WARNING", "propagate": False},
    },
}
ADMINS: list[tuple[str, str]] = []
CSRF_FAILURE_VIEW = "safepassage.site.views.csrf_failure_view"
# Our CSRF middleware subclasses Django's (see site/csrf.py); safepassage.E001 checks it.
SILENCED_SYSTEM_CHECKS = ["security.W003"]
