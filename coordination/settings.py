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
    "axes",
    "django_ratelimit",
    "coordination",
    "meetings",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "coordination.middleware.SessionIdleTimeoutMiddleware",
    "coordination.middleware.ParticipantSessionMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "coordination.middleware.UserLanguageMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "coordination.middleware.GoneRecordMiddleware",
    # Last, as django-axes requires: turns a locked-out log-in into its lock-out page.
    "axes.middleware.AxesMiddleware",
    "django_ratelimit.middleware.RatelimitMiddleware",
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
    # First: refuses a log-in while its address or username is locked out (django-axes).
    "coordination.backends.LoginLockoutBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
    # Sign-in links (django-sesame tokens); such a session has participant rights only.
    "sesame.backends.ModelBackend",
]

# --- Sign-in links, log-in lock-out and rate limits -----------------------------------------
# A sign-in link is valid until a few days after the meeting it is about, or for a number of
# days when it is about nothing dated (minutes, action items, a link asked for).
SIGN_IN_LINK_DAYS = env.int("SIGN_IN_LINK_DAYS", default=14)
SIGN_IN_LINK_DAYS_AFTER_MEETING = env.int("SIGN_IN_LINK_DAYS_AFTER_MEETING", default=5)
# django-sesame: no expiry of its own (the link's signed "valid until" decides); a changed
# password, or a new sign-in key of the person (see coordination.services), revokes links.
SESAME_MAX_AGE = None
SESAME_INVALIDATE_ON_PASSWORD_CHANGE = True
SESAME_TOKEN_NAME = "sesame"  # noqa: S105 (the name of the query parameter)
# django-axes: lock-out after repeated failed log-ins of one username from one address (a
# stranger elsewhere cannot lock a person out).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("LOGIN_LOCKOUT_HOURS", default=1.0)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
AXES_HTTP_RESPONSE_CODE = 429
AXES_VERBOSE = False
# Its log lines name an e-mail address typed as the username by its keyed reference.
AXES_CLIENT_STR_CALLABLE = "coordination.privacy.login_attempt_logged"
# django-ratelimit rates ("count/period", period s, m, h or d) for the doors without a
# password: sign-in link requests per address and per client IP, RSVP and "done" link posts.
RATELIMIT_SIGN_IN_LINK_PER_EMAIL = env.str("RATELIMIT_SIGN_IN_LINK_PER_EMAIL", default="3/h")
RATELIMIT_SIGN_IN_LINK_PER_IP = env.str("RATELIMIT_SIGN_IN_LINK_PER_IP", default="20/h")
RATELIMIT_LINK_POSTS_PER_IP = env.str("RATELIMIT_LINK_POSTS_PER_IP", default="30/m")
RATELIMIT_VIEW = "meetings.views.access.rate_limited"

# --- Internationalisation -------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [
    ("en", _("English")),
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("de", _("German")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
# Our own date, time and number formats per language (coordination/formats/<language>/).
FORMAT_MODULE_PATH = ["coordination.formats"]
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
# MEDIA_ROOT is private: never served as such (not in DEBUG either); permission-checked views
# hand its files out (coordination/private_files.py), or let the web server send them after
# the check: PRIVATE_FILES_SERVER=nginx (X-Accel-Redirect to an `internal` location at
# PRIVATE_FILES_URL whose alias is MEDIA_ROOT) or xsendfile (X-Sendfile, Apache/lighttpd).
PRIVATE_FILES_SERVER = env.str("PRIVATE_FILES_SERVER", default="")
_SENDFILE_BACKENDS = {
    "": None,
    "nginx": "django_sendfile.backends.nginx",
    "xsendfile": "django_sendfile.backends.xsendfile",
}
if PRIVATE_FILES_SERVER not in _SENDFILE_BACKENDS:
    raise ImproperlyConfigured("PRIVATE_FILES_SERVER must be empty, nginx or xsendfile.")
SENDFILE_BACKEND = _SENDFILE_BACKENDS[PRIVATE_FILES_SERVER]
SENDFILE_ROOT = str(MEDIA_ROOT)
SENDFILE_URL = env.str("PRIVATE_FILES_URL", default="/private-media")
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 20 * 1024 * 1024

# --- Cache and task queue -------------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    # Room for the serialised events of the calendar feeds (one entry per event and
    # subscriber answer; the default of 300 would evict them before they are read again).
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 20000},
        }
    }
    # Rate limits (django-ratelimit) then count in each process's memory: they hold per
    # process. Set REDIS_URL in production for limits shared by every worker.
    SILENCED_SYSTEM_CHECKS = ["django_ratelimit.E003", "django_ratelimit.W001"]

# django-q2: a task must finish (timeout) well before it is handed out again (retry), and a
# failing task is attempted a bounded number of times (the default retries it forever).
Q_CLUSTER = {
    # Also the name of the queue: installations sharing one Redis need different names.
    "name": env.str("Q_CLUSTER_NAME", default="coordinator"),
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
# The outbox (meetings/emails.py): retries wait 60 s, 120 s, 240 s ... at most an hour, spread
# by ±20 %, for three days after a message was queued; then it is failed and shown to the team.
OUTBOX_RETRY_BASE_SECONDS = env.int("OUTBOX_RETRY_BASE_SECONDS", default=60)
OUTBOX_RETRY_MAX_DELAY_SECONDS = env.int("OUTBOX_RETRY_MAX_DELAY_SECONDS", default=3600)
OUTBOX_RETRY_JITTER = env.float("OUTBOX_RETRY_JITTER", default=0.2)
OUTBOX_RETRY_FOR_HOURS = env.int("OUTBOX_RETRY_FOR_HOURS", default=72)
# A worker that claimed a message and died: another one sends it after this many seconds.
OUTBOX_CLAIM_SECONDS = env.int("OUTBOX_CLAIM_SECONDS", default=600)
# One sweep stops claiming after this long (well within the task time-out, Q_TIMEOUT).
OUTBOX_SWEEP_SECONDS = env.int("OUTBOX_SWEEP_SECONDS", default=60)

# --- REST API -------------------------------------------------------------------------------
# The HTML pages of the API (without forms: coordination/api/renderers.py): off in production
# unless switched on.
API_BROWSABLE = env.bool("API_BROWSABLE", default=DEBUG)
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.TokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "coordination.api.filters.FilterBackend",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "coordination.api.errors.ApiAutoSchema",
    # Throttles: per user once signed in, per client address otherwise.
    "DEFAULT_THROTTLE_CLASSES": [
        "rest_framework.throttling.AnonRateThrottle",
        "rest_framework.throttling.UserRateThrottle",
    ],
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_THROTTLE_ANON", default="60/min"),
        "user": env.str("API_THROTTLE_USER", default="1200/min"),
    },
    # One error body for the whole API (see coordination/api/errors.py and the README).
    "EXCEPTION_HANDLER": "drf_standardized_errors.handler.exception_handler",
    # JSON bodies with a size and a nesting limit (400, never a RecursionError).
    "DEFAULT_PARSER_CLASSES": [
        "coordination.api.parsers.LimitedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"]
    + (["coordination.api.renderers.BrowsableAPIRenderer"] if API_BROWSABLE else []),
}
API_JSON_MAX_BYTES = env.int("API_JSON_MAX_BYTES", default=1024 * 1024)
API_JSON_MAX_DEPTH = env.int("API_JSON_MAX_DEPTH", default=32)
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
# A session ends after this many seconds without a request: 8 hours for the team and the
# facilitators; 0 (the default for everyone else) leaves only the cookie's age (2 weeks).
SESSION_IDLE_TIMEOUT_TEAM = env.int("SESSION_IDLE_TIMEOUT_TEAM", default=8 * 3600)
SESSION_IDLE_TIMEOUT = env.int("SESSION_IDLE_TIMEOUT", default=0)
# Permissions-Policy (django-permissions-policy): no page uses any of these browser features.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "publickey-credentials-get",
        "screen-wake-lock",
        "usb",
        "xr-spatial-tracking",
    )
}
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=not DEBUG)
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
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

# /readyz: the figures of each check are shown to the team and to a monitor that sends
# ``Authorization: Bearer <READINESS_TOKEN>``; a worker is down without a heartbeat this long.
READINESS_TOKEN = env.str("READINESS_TOKEN", default="")
READINESS_WORKER_SECONDS = env.int("READINESS_WORKER_SECONDS", default=300)

# Logs go to the standard error, one line per record (control characters in a message
# escaped), the tokens of personal links in a request's path written as "<token>"
# (coordination.logs); LOG_FORMAT=json writes one JSON object per line (python-json-logger)
# for a log collector, with the record's extra fields as keys.
LOG_FORMAT = env.str("LOG_FORMAT", default="plain")
if LOG_FORMAT not in ("plain", "json"):
    raise ImproperlyConfigured("LOG_FORMAT must be 'plain' or 'json'.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "plain": {
            "()": "coordination.logs.OneLineFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "format": "%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "filters": {"secret_paths": {"()": "coordination.logs.SecretPathFilter"}},
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": LOG_FORMAT,
            "filters": ["secret_paths"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's records reach the one handler above (not its own console and mail).
        "django": {"handlers": [], "level": "INFO"},
        "django.db.backends": {"level": "INFO"},
        "axes": {"level": "WARNING"},
    },
}

# Error reporting to Sentry (or a compatible service) when SENTRY_DSN is set: the SDK is only
# imported then. No personal data is sent (send_default_pii off: no user, cookies or IP; no
# request body, no local variables of the frames; the request named by its path, without
# query, referrer or token).
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    import sentry_sdk
    from sentry_sdk.integrations.django import DjangoIntegration

    from coordination.logs import error_report_scrubbed

    sentry_sdk.init(
        dsn=SENTRY_DSN,
        integrations=[DjangoIntegration()],
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default="") or None,
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
        send_default_pii=False,
        include_local_variables=False,
        max_request_body_size="never",
        before_send=error_report_scrubbed,
    )

# --- Product settings -----------------------------------------------------------------------
# Consultation-round sessions: the volunteers agreed to "max. half a day" (survey Q56).
ROUND_SESSION_MAX_MINUTES = 240
# Survey imports: a file beyond any of these limits is refused with a clear message before it
# costs memory (coordination/imports/readers.py). Rows are rows of answers (the header is not
# counted); the uncompressed size and the compression ratio are an XLSX's (a zip bomb), read
# from its directory.
SURVEY_IMPORT_MAX_BYTES = env.int("SURVEY_IMPORT_MAX_BYTES", default=20 * 1024 * 1024)
SURVEY_IMPORT_MAX_ROWS = env.int("SURVEY_IMPORT_MAX_ROWS", default=50_000)
SURVEY_IMPORT_MAX_COLUMNS = env.int("SURVEY_IMPORT_MAX_COLUMNS", default=1_000)
SURVEY_IMPORT_MAX_UNCOMPRESSED_BYTES = env.int(
    "SURVEY_IMPORT_MAX_UNCOMPRESSED_BYTES", default=200 * 1024 * 1024
)
SURVEY_IMPORT_MAX_COMPRESSION_RATIO = env.int("SURVEY_IMPORT_MAX_COMPRESSION_RATIO", default=100)
# Uploads of the import page and API left behind (a check never confirmed, a failed job) are
# deleted by a scheduled task once this old.
SURVEY_IMPORT_UPLOAD_HOURS = env.int("SURVEY_IMPORT_UPLOAD_HOURS", default=24)
# A facilitator can undo the removal of an invitee for this many hours (never once the
# meeting has started).
INVITEE_REMOVAL_UNDO_HOURS = env.int("INVITEE_REMOVAL_UNDO_HOURS", default=24)
# RSVP links stop working this many days after the meeting (or the series) ends.
RSVP_LINK_DAYS_AFTER_MEETING = env.int("RSVP_LINK_DAYS_AFTER_MEETING", default=14)
# The dates of a series become meetings of their own (agenda, minutes, answers) this many
# days ahead, by a daily scheduled task (and when one is opened from the series' page).
SERIES_OCCURRENCE_HORIZON_DAYS = env.int("SERIES_OCCURRENCE_HORIZON_DAYS", default=92)
# Per-installation text block that introduces consultation reports, in the report's language:
# REPORT_PROJECT_CONTEXT in English, REPORT_PROJECT_CONTEXT_FR/_NL/_DE in the others. A
# language left unset takes the English text set here, else the built-in paragraph translated.
REPORT_PROJECT_CONTEXT = env.str("REPORT_PROJECT_CONTEXT", default="") or _(
    "This coordination mechanism brings together federal and regional public services, "
    "NGOs and international organisations that welcome people displaced from Ukraine."
)
REPORT_PROJECT_CONTEXTS = {
    language: env.str(f"REPORT_PROJECT_CONTEXT_{language.upper()}", default="")
    for language in ("fr", "nl", "de")
}

# The joint draw of a round's panels: LEXIMIN up to this pool size and time (seconds); past
# either, the faster "random weights" method runs and the draw says so.
PANEL_DRAW_EXACT_POOL_LIMIT = env.int("PANEL_DRAW_EXACT_POOL_LIMIT", default=1000)
PANEL_DRAW_TIME_BUDGET = env.float("PANEL_DRAW_TIME_BUDGET", default=15.0)
# Round sessions with an answer deadline: the reminder to answer goes this many hours before.
ANSWER_REMINDER_HOURS = env.int("ANSWER_REMINDER_HOURS", default=48)
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
RETENTION_RSVP_LINK_DAYS_AFTER_MEETING = env.int(
    "RETENTION_RSVP_LINK_DAYS_AFTER_MEETING", default=7
)
# The lock-out's records (django-axes: user names, IP addresses, browsers of sign-in attempts
# and sign-ins); never less than the lock-out itself lasts.
RETENTION_LOGIN_ATTEMPTS_DAYS = env.int("RETENTION_LOGIN_ATTEMPTS_DAYS", default=30)

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
