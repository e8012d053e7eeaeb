"""Exchange settings, all from the environment.

Local use needs nothing set: SQLite in the project folder, DEBUG on only when asked for.
Production sets SECRET_KEY, ALLOWED_HOSTS, DATABASE_URL and (optionally) CELERY_BROKER_URL.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONCE

from .oidc import oidc_apps, providers_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool = False) -> bool:
    return os.environ.get(name, str(default)).strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DEBUG", False)
# The fallback key is only for local use; production (DEBUG off, EXCHANGE_PRODUCTION on) must set SECRET_KEY.
PRODUCTION = env_bool("EXCHANGE_PRODUCTION", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if PRODUCTION:
        raise RuntimeError("SECRET_KEY must be set in production (EXCHANGE_PRODUCTION=1).")
    SECRET_KEY = "exchange-local-development-only-not-for-production"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "rest_framework",
    "rest_framework.authtoken",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "import_export",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "django_otp_webauthn",  # passkeys as a second factor (accounts/passkeys.py)
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "accounts",
    "workflow",
    "partnerships",
    "grants",
    "reporting",
    "assessment",
    "inbox",
    "support",
    "demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "workflow.request_limits.RequestBodyLimitMiddleware",  # before anything reads the body (CSRF does)
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.account.middleware.AccountMiddleware",  # single sign-on's flow state (accounts/sso.py)
    "accounts.mfa.SecondFactorMiddleware",  # who needs a second factor passes it before any other page
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # login throttling: refuses a locked-out username/IP pair
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",  # single sign-on logs people in through it
]
# Five failed sign-ins for one username from one address lock that pair out for 15 minutes.
AXES_ENABLED = env_bool("AXES_ENABLED", True)
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = 0.25  # hours
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_USERNAME_CALLABLE = "config.axes.username"  # cut to the 255 its log column holds
AXES_VERBOSE = env_bool("AXES_VERBOSE", False)
# The client's address (throttles, lock-outs, the audit log) by one rule, accounts.client_address: behind
# PROXY_COUNT proxies it is that many places from the right of X-Forwarded-For; with none, REMOTE_ADDR.
PROXY_COUNT = int(os.environ.get("PROXY_COUNT", "1" if PRODUCTION else "0"))
AXES_CLIENT_IP_CALLABLE = "accounts.client_address.client_address"
# The same proxies described to django-ipware (axes' own fallback): right-most, PROXY_COUNT of them.
AXES_IPWARE_PROXY_COUNT = PROXY_COUNT
AXES_IPWARE_PROXY_ORDER = "right-most"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["HTTP_X_FORWARDED_FOR", "REMOTE_ADDR"] if PROXY_COUNT else ["REMOTE_ADDR"]

# Content security policy: only our own scripts (inline ones need the per-request nonce).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'", NONCE],  # django-csp 4 puts this request's nonce here
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    }
}

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "demo.context_processors.demo",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        env="DATABASE_URL",
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # IMMEDIATE transactions take SQLite's write lock at the start of atomic(), so two
    # approvals cannot both read the programme's committed total before either writes.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"transaction_mode": "IMMEDIATE", "timeout": 20})
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT: the planner's cost of a capped count over a million rows passes jit_above_cost and
    # compiling the visibility checks took 6 s of a 0.6 s query (bench/bench_scale.py, transitions at
    # 1,000,000 awards). Every query here reads a page or a bounded set; none gains from JIT.
    DATABASES["default"].setdefault("OPTIONS", {}).setdefault("options", "-c jit=off")
    # DATABASE_PREPARED_STATEMENTS=1: parameters bound by the server, and a statement run five times on a
    # connection prepared there, so PostgreSQL plans it once. Off by default: planning the dashboards'
    # many-join queries costs more than running them at 10,000 awards (the pages and API lists together
    # 0.86-0.91x their time with it; 0.93x at 100,000), but at 1,000,000 the generic plan PostgreSQL
    # then settles on cannot see how rare a value is (few payments are approved): the inbox's payments to
    # release took 68 ms against 3, the inbox 1.5x its time without (`python -m bench prepared`).
    if os.environ.get("DATABASE_PREPARED_STATEMENTS", "0") == "1":
        DATABASES["default"]["OPTIONS"].update({"server_side_binding": True, "prepare_threshold": 5})

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True
# Our own en-GB formats: the 24-hour clock everywhere, the admin included.
FORMAT_MODULE_PATH = ["config.formats"]

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "media"))
MEDIA_URL = "/media/"

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

# One cache for every web process (report progress, throttles) when Redis is there; local memory otherwise.
CACHE_URL = os.environ.get("CACHE_URL", "")
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
    if CACHE_URL.startswith("redis")
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}
}

EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "exchange@localhost")

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "workflow.tokens.ExpiringTokenAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "workflow.apis.filtering.StableOrderingFilter",
    ],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "COERCE_DECIMAL_TO_STRING": True,
    "EXCEPTION_HANDLER": "workflow.apis.exception_handler",
    "DEFAULT_PARSER_CLASSES": [
        "workflow.parsers.DepthLimitedJSONParser",  # 1,000 nested brackets are a 400, not a RecursionError
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
    "NUM_PROXIES": PROXY_COUNT,
    # Read on every request (workflow.apis), so tests and deployments can change them.
    "DEFAULT_THROTTLE_RATES": {
        "api_auth": os.environ.get("API_AUTH_RATE", "20/minute"),
        "api_write": os.environ.get("API_WRITE_RATE", "600/minute"),
    },
}

SPECTACULAR_SETTINGS = {
    "TITLE": "Exchange API",
    "DESCRIPTION": "Grants and collaboration projects for regional education partnerships.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums", "workflow.apis.add_error_responses"],
    "ENUM_NAME_OVERRIDES": {
        "ProjectStateEnum": "partnerships.models.Project.State",
        "AwardStateEnum": "grants.models.Award.State",
        "PaymentStateEnum": "grants.models.Payment.State",
        "UpdateStateEnum": "reporting.models.ProgressUpdate.State",
        "ReportingFrequencyEnum": "grants.models.Award.Frequency",
        "ImprovementPhaseEnum": "support.models.Phase",
        "VariationKindEnum": "grants.money.models.Variation.Kind",
        "VariationStateEnum": "grants.money.models.Variation.State",
        "MatchFundingKindEnum": "grants.money.models.MatchFunding.Kind",
        "MatchFundingProviderEnum": "grants.money.models.MatchFunding.Provider",
        "BidOrganisationRoleEnum": "assessment.models.ApplicationOrganisation.Role",
    },
}

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "")
CELERY_RESULT_BACKEND = os.environ.get("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or None)
# No broker configured: run tasks in-process so reports and reminders still work on one machine.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
# A worker killed mid-task (deploy, out of memory) hands the task back to the queue rather than losing it.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# A task taken by a worker that died is handed to another after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(os.environ.get("CELERY_VISIBILITY_TIMEOUT", "600"))}
# With the broker down, give up publishing quickly so the web process can do the work itself.
CELERY_TASK_PUBLISH_RETRY_POLICY = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TIMEZONE = TIME_ZONE

SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("SECURE_SSL_REDIRECT", True)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Demo logins are created only by `manage.py load_demo`; this password is never used in production.
DEMO_PASSWORD = "exchange-demo"

# Progress updates and reminders (reporting/): see README "Progress updates and reminders".
REPORTING_DUE_DAYS = int(os.environ.get("REPORTING_DUE_DAYS", "14"))  # a report is due this long after its period
REPORTING_DUE_SOON_DAYS = int(os.environ.get("REPORTING_DUE_SOON_DAYS", "14"))
REMINDER_DAYS_BEFORE = int(os.environ.get("REMINDER_DAYS_BEFORE", "7"))
REMINDER_DAYS_AFTER = int(os.environ.get("REMINDER_DAYS_AFTER", "3"))
EVIDENCE_MAX_BYTES = int(os.environ.get("EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
EVIDENCE_MAX_FILES = int(os.environ.get("EVIDENCE_MAX_FILES", "20"))
EXCHANGE_BASE_URL = os.environ.get("EXCHANGE_BASE_URL", "http://127.0.0.1:8000")
# `celery beat` runs the reminders every morning (the same as `manage.py send_reminders`, safe to repeat).
CELERY_BEAT_SCHEDULE = {
    "reporting-send-reminders": {"task": "reporting.send_reminders", "schedule": 60 * 60 * 24},
    # Reminders that people chose to have in one daily email (reporting/services/notifications.py).
    "reporting-send-digests": {"task": "reporting.send_digests", "schedule": 60 * 60 * 24},
}
# Lists (pages and API) count at most this many rows; beyond it they say "more than 10,000" and still page
# on (workflow/pagination.py), so a list costs the same at 1,000,000 awards as at 10,000.
PAGINATION_COUNT_CAP = int(os.environ.get("PAGINATION_COUNT_CAP", "10000"))
# A search (`?q=`, the API's `?search=`) counts to this many: its matches are found by testing text.
SEARCH_COUNT_CAP = int(os.environ.get("SEARCH_COUNT_CAP", "1000"))
# An award search walks the newest-first index only when the page's rows are among this many newest
# awards, and otherwise sorts what the trigram indexes find (grants/search.py).
SEARCH_RECENT_WINDOW = int(os.environ.get("SEARCH_RECENT_WINDOW", "2000"))
# Imports (import_data, import_360giving, the admin's Import): a larger file is refused before it is read.
IMPORT_MAX_BYTES = int(os.environ.get("IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))
# Exports: formulae are neutralised by partnerships.importing.formulae on every path (import-export's own
# escaping removes one "=" only and turns numbers into text, so it is off); control characters a
# spreadsheet cannot hold become "�" instead of failing the export.
IMPORT_EXPORT_ESCAPE_FORMULAE_ON_EXPORT = False
IMPORT_EXPORT_ESCAPE_ILLEGAL_CHARS_ON_EXPORT = True

# Hostile input bounds (README "Hostile input"). Dates a grant can have: every date a form, the API or an
# import gives is inside these years; due-period arithmetic never leaves them.
GRANT_EARLIEST_YEAR = int(os.environ.get("GRANT_EARLIEST_YEAR", "1990"))
GRANT_LATEST_YEAR = int(os.environ.get("GRANT_LATEST_YEAR", "2100"))
REPORTING_MAX_PERIODS = int(os.environ.get("REPORTING_MAX_PERIODS", "240"))  # 20 years of monthly reports
API_JSON_MAX_DEPTH = 20
# API tokens stop working this many seconds after they were issued (401; ask for a new one).
API_TOKEN_TTL = int(os.environ.get("API_TOKEN_TTL", str(30 * 24 * 60 * 60)))
# Request bodies: forms and JSON up to DATA_UPLOAD_MAX_MEMORY_SIZE; the evidence and import endpoints
# accept their own limits (EVIDENCE_MAX_BYTES x files, IMPORT_MAX_BYTES) and refuse anything larger from its
# Content-Length before a byte is read (workflow.request_limits). Uploads above FILE_UPLOAD_MAX_MEMORY_SIZE
# go to a temporary file rather than memory.
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("DATA_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
FILE_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("FILE_UPLOAD_MAX_MEMORY_SIZE", str(2 * 1024 * 1024)))
# Password reset emails: at most this many per address and per email address an hour.
PASSWORD_RESET_RATE = os.environ.get("PASSWORD_RESET_RATE", "5/hour")
# Impact reports: a report with more text than this renders in the worker (with a broker), like partnership
# and portfolio reports; a worker's render stops after REPORT_TIME_LIMIT seconds and its failure is kept.
REPORT_INLINE_MAX_CHARS = int(os.environ.get("REPORT_INLINE_MAX_CHARS", "40000"))
REPORT_TIME_LIMIT = int(os.environ.get("REPORT_TIME_LIMIT", "120"))

# Personal data (accounts/: README "Personal data and sign-in"). The retention rules (celery beat, or
# `manage.py apply_retention`) remove drafts never submitted after this many days without a change, and
# deactivate accounts nobody has signed in to for this many days.
EXCHANGE_RETENTION_DRAFT_DAYS = int(os.environ.get("EXCHANGE_RETENTION_DRAFT_DAYS", "365"))
EXCHANGE_RETENTION_IDLE_DAYS = int(os.environ.get("EXCHANGE_RETENTION_IDLE_DAYS", "730"))
CELERY_BEAT_SCHEDULE["accounts-apply-retention"] = {"task": "accounts.apply_retention", "schedule": 60 * 60 * 24}

# Second factor (accounts/mfa.py; README "Personal data and sign-in"). Roles that must use an authenticator
# app: administrators and programme managers in production; nobody by default elsewhere, so `make run`'s demo
# logins sign in with the password alone (set EXCHANGE_MFA_REQUIRED=administrator,manager to try it).
EXCHANGE_MFA_REQUIRED = env_list("EXCHANGE_MFA_REQUIRED", "administrator,manager" if PRODUCTION else "")
# Approving, varying or releasing money needs a second-factor check no older than this (seconds).
EXCHANGE_MFA_MONEY_MAX_AGE = int(os.environ.get("EXCHANGE_MFA_MONEY_MAX_AGE", "900"))
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "Exchange")
# Passkeys (WebAuthn, django-otp-webauthn; accounts/passkeys.py): a second factor only, never a sign-in alone.
# PASSKEY_RP_ID is the site's domain (passkeys are bound to it; by default the host of the request);
# PASSKEY_ORIGINS the addresses people use (the request's own address is accepted too).
OTP_WEBAUTHN_RP_ID = os.environ.get("PASSKEY_RP_ID", "")
OTP_WEBAUTHN_RP_ID_CALLABLE = "accounts.passkeys.relying_party_id"
OTP_WEBAUTHN_RP_NAME = OTP_TOTP_ISSUER
OTP_WEBAUTHN_ALLOWED_ORIGINS = env_list("PASSKEY_ORIGINS", "http://localhost:8000")
OTP_WEBAUTHN_HELPER_CLASS = "accounts.passkeys.PasskeyHelper"
OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False


# Single sign-on by OpenID Connect (config/oidc.py, accounts/sso.py, README "Personal data and sign-in").
OIDC_PROVIDERS = providers_from_environment()
SOCIALACCOUNT_PROVIDERS = oidc_apps(OIDC_PROVIDERS)
SOCIALACCOUNT_ADAPTER = "accounts.sso.SocialAccountAdapter"
ACCOUNT_ADAPTER = "accounts.sso.AccountAdapter"
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True  # an existing account is matched by verified email
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_LOGIN_ON_GET = False  # the buttons POST; a link alone never starts a sign-in
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
