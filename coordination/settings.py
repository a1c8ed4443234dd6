"""Settings for the coordinator: one module, configured from the environment (12-factor).

Integrations switch on by the presence of their URL: ``DATABASE_URL`` (default SQLite),
``REDIS_URL`` (django-q2 broker and cache; unset: the ORM broker and a local-memory cache),
``EMAIL_URL`` (default: messages written to ``var/mail``), ``IMAP_URL`` (calendar replies).
"""

import hashlib
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)

_DEV_SECRET_KEY = "dev-only-insecure-key-do-not-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=_DEV_SECRET_KEY if DEBUG else "")
if not SECRET_KEY:
    raise ImproperlyConfigured(
        "SECRET_KEY must be set when DEBUG is off (set DEBUG=1 for local development)."
    )

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[SITE_URL])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "drf_standardized_errors",
    "django_q",
    "auditlog",
    "rules.apps.AutodiscoverRulesConfig",
    "csp",
    "coordination",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "coordination.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
]

ROOT_URLCONF = "coordination.urls"
WSGI_APPLICATION = "coordination.wsgi.application"
ASGI_APPLICATION = "coordination.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "coordination.context_processors.roles",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Persistent connections with health checks: a new connection per request cost a third
    # of the throughput when measured on this kind of machine.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=600)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
elif DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "coordination.User"
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
AUTHENTICATION_BACKENDS = [
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Brussels"
USE_I18N = True
USE_TZ = True

# --- Static and media files -----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Cache and task queue -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# django-q2: a task must finish (timeout) well before it is handed out again (retry), and a
# failing task is attempted a bounded number of times (the default retries it forever).
Q_CLUSTER = {
    "name": "coordinator",
    "workers": env.int("Q_WORKERS", default=2),
    "timeout": env.int("Q_TIMEOUT", default=120),
    "retry": env.int("Q_RETRY", default=300),
    "max_attempts": env.int("Q_MAX_ATTEMPTS", default=3),
    "ack_failures": True,
    "save_limit": 500,
    "catch_up": False,
    "label": "Tasks",
}
if REDIS_URL:
    Q_CLUSTER["redis"] = REDIS_URL
else:
    Q_CLUSTER["orm"] = "default"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_URL = env.str("EMAIL_URL", default="")
if EMAIL_URL:
    globals().update(env.email_url("EMAIL_URL"))
else:
    # The demo needs no mail server: every message is written to a file in var/mail.
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = BASE_DIR / "var" / "mail"
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Coordinator <coordination@example.be>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# The mailbox that receives iTIP replies (the ORGANIZER of every invitation).
CALENDAR_REPLY_EMAIL = env.str("CALENDAR_REPLY_EMAIL", default="rsvp@example.be")
IMAP_URL = env.str("IMAP_URL", default="")

# --- REST API -------------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "coordination.api.errors.ApiAutoSchema",
    # One error body for the whole API (see coordination/api/errors.py and the README).
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["rest_framework.renderers.BrowsableAPIRenderer"] if DEBUG else []),
}
DRF_STANDARDIZED_ERRORS = {
    "EXCEPTION_HANDLER_CLASS": "coordination.api.errors.ApiExceptionHandler",
    "EXCEPTION_FORMATTER_CLASS": "coordination.api.errors.ApiExceptionFormatter",
    # Documented on each operation that can answer them. No 401: session authentication
    # comes first, so a request without valid credentials gets a 403. A wrong method (405)
    # or media type (415, 406) gets the same body but is not repeated on every operation.
    "ALLOWED_ERROR_STATUS_CODES": ["400", "403", "404"],
    "ERROR_SCHEMAS": {
        "400": "coordination.api.errors.ErrorResponse400Serializer",
        "403": "coordination.api.errors.ErrorResponse403Serializer",
    },
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Coordinator API",
    "DESCRIPTION": "Organisations, working groups, consultation rounds and meetings.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    # One schema name per choice set shared by several fields (named by dotted string).
    "ENUM_NAME_OVERRIDES": {
        "WorkingLanguageEnum": "coordination.enums.WorkingLanguage.choices",
        "OrganisationKindEnum": "coordination.enums.OrganisationKind",
        "InvitationStatusEnum": "meetings.enums.InvitationStatus.choices",
        "MeetingStatusEnum": "meetings.enums.MeetingStatus.choices",
        "AgendaItemKindEnum": "meetings.enums.AgendaItemKind",
        "ActionEventKindEnum": "meetings.enums.ActionEventKind",
        "ActionStatusEnum": "meetings.enums.ActionStatus",
        "MinutesStatusEnum": "meetings.enums.MinutesStatus",
        **{
            name: f"drf_standardized_errors.openapi_serializers.{name}.choices"
            for name in ("ValidationErrorEnum", "ClientErrorEnum", "ErrorCode404Enum")
        },
    },
    # drf-standardized-errors' copy of the enum hook: leaves its error components alone.
    "POSTPROCESSING_HOOKS": ["drf_standardized_errors.openapi_hooks.postprocess_schema_enums"],
}

# --- Security -------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=not DEBUG)
CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=not DEBUG)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=not DEBUG)
if env.bool("BEHIND_TLS_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (django-csp 4): no inline script anywhere, nothing from other hosts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- Product settings -----------------------------------------------------------------------
# Consultation-round sessions: the volunteers agreed to "max. half a day" (survey Q56).
ROUND_SESSION_MAX_MINUTES = 240
# Per-installation text block used to introduce consultation reports.
REPORT_PROJECT_CONTEXT = env.str(
    "REPORT_PROJECT_CONTEXT",
    default=(
        "This coordination mechanism brings together federal and regional public services, "
        "NGOs and international organisations that welcome people displaced from Ukraine."
    ),
)

# --- Personal data --------------------------------------------------------------------------
# The key of the tombstones of erased e-mail addresses (a keyed hash, see coordination.privacy).
# Set it on its own so that rotating SECRET_KEY keeps erased people erased; by default it is
# derived from SECRET_KEY.
ERASURE_TOMBSTONE_KEY = env.str(
    "ERASURE_TOMBSTONE_KEY",
    default=hashlib.sha256(b"erasure-tombstone:" + SECRET_KEY.encode()).hexdigest(),
)
# How long the consents-page link in every e-mail stays valid.
CONSENT_LINK_MAX_AGE_DAYS = env.int("CONSENT_LINK_MAX_AGE_DAYS", default=365)

# --- Audit trail ------------------------------------------------------------------------------
# Model changes are recorded by django-auditlog (no IP addresses); access to personal data by
# ``coordination.services.access_record``. Both are kept this many days.
AUDITLOG_DISABLE_REMOTE_ADDR = True
AUDITLOG_STORE_JSON_CHANGES = True
AUDIT_RETENTION_DAYS = env.int("AUDIT_RETENTION_DAYS", default=3 * 365)

# --- Retention (the daily purge, meetings.services.retention) --------------------------------
RETENTION_OUTBOX_BODY_DAYS = env.int("RETENTION_OUTBOX_BODY_DAYS", default=180)
RETENTION_EXPORT_DAYS = env.int("RETENTION_EXPORT_DAYS", default=30)
RETENTION_IMPORT_UPLOAD_HOURS = env.int("RETENTION_IMPORT_UPLOAD_HOURS", default=24)
RETENTION_RSVP_LINK_DAYS_AFTER_MEETING = env.int(
    "RETENTION_RSVP_LINK_DAYS_AFTER_MEETING", default=7
)

# --- Transparency (the privacy notice and the record of processing activities) -----------------
PRIVACY_CONTROLLER = env.str(
    "PRIVACY_CONTROLLER", default="The coordination team of the mechanism (set PRIVACY_CONTROLLER)"
)
PRIVACY_DPO_CONTACT = env.str("PRIVACY_DPO_CONTACT", default="dpo@example.be")
# A folder holding notice.en.md, notice.fr.md, notice.nl.md, notice.de.md: each replaces the
# built-in notice in its language (Markdown).
PRIVACY_NOTICE_DIR = env.str("PRIVACY_NOTICE_DIR", default="")
# Survey question 56 is an organisation's agreement to be contacted, given without privacy
# information: it is recorded under this basis (public_task or legitimate_interest), not as a
# person's consent.
SURVEY_Q56_LAWFUL_BASIS = env.str("SURVEY_Q56_LAWFUL_BASIS", default="legitimate_interest")
