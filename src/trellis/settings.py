"""Trellis settings: one file, every value from the environment (see .env.example)."""

import os
import sys
from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent.parent
SRC_DIR = BASE_DIR / "src" / "trellis"

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

TESTING = "pytest" in sys.modules or os.environ.get("TRELLIS_TESTING") == "1"
DEMO = env.bool("TRELLIS_DEMO", default=False)

DEBUG = env.bool("DEBUG", default=False)
if DEMO or TESTING or DEBUG:
    # Demo and test runs must work on a fresh clone with nothing configured.
    SECRET_KEY = env("SECRET_KEY", default="insecure-demo-and-test-key-never-use-in-production-0123456789")
else:
    SECRET_KEY = env("SECRET_KEY")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Where e-mailed links point. `runserver_with_worker` (make demo) sets it to the address it
# serves on when the environment leaves it empty.
SITE_URL = env("SITE_URL", default="") or "http://127.0.0.1:8000"

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "template_partials",
    "django_tasks",
    "django_tasks_db",
    "axes",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.mfa",
    "allauth.usersessions",
    "trellis.core",
    "trellis.accounts",
    "trellis.districts",
    "trellis.students",
    "trellis.partners",
    "trellis.opportunities",
    "trellis.rostering",
    "trellis.placements",
    "trellis.hours",
    "trellis.insights",
    "trellis.signin",
    "trellis.portals",
    "trellis.api",
    "trellis.demo",
]

MIDDLEWARE = [
    # First and last: django-prometheus times the whole stack and labels latency by view.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Before the HTTPS redirect, so a redirected request is logged with its id too.
    "trellis.core.request_log.RequestLogMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Sign-in by default; public views are marked login_not_required (trellis.accounts.middleware).
    "trellis.accounts.middleware.LoginRequiredMiddleware",
    # allauth's sign-in stages (MFA), then Trellis's sign-in policy: a
    # session ends when its person is switched off or loses their last role, and staff
    # who must use MFA are sent to set it up before anything else (trellis.signin).
    "allauth.account.middleware.AccountMiddleware",
    "trellis.signin.middleware.SignInPolicyMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "csp.middleware.CSPMiddleware",
    "axes.middleware.AxesMiddleware",
    "trellis.core.replica.ReportReplicaMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]

ROOT_URLCONF = "trellis.urls"
WSGI_APPLICATION = "trellis.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "trellis.portals.context_processors.navigation",
            ],
        },
    },
]



def _database(url: str) -> dict:
    config = env.db_url_config(url)
    config.setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=0))
    # With persistent connections, check one before reuse so a database restart costs no errors.
    config.setdefault("CONN_HEALTH_CHECKS", env.bool("CONN_HEALTH_CHECKS", default=True))
    if config["ENGINE"] == "django.db.backends.sqlite3":
        # WAL and a busy timeout let the web process and the task worker share the file.
        config.setdefault("OPTIONS", {}).update(
            {"timeout": 20, "transaction_mode": "IMMEDIATE",
             "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
        )
    return config


DATABASES = {"default": _database(env("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}"))}
# Optional read replica for reports (trellis.core.replica); tests mirror it onto default.
if env("DATABASE_REPLICA_URL", default=""):
    DATABASES["replica"] = _database(env("DATABASE_REPLICA_URL"))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["trellis.core.replica.ReportReplicaRouter"]

# Several web servers share one cache: the database's (run `manage.py createcachetable`) or
# Redis (redis://host:6379/0). Process-local memory only for the demo and the tests.
CACHES = {
    "default": env.cache_url(
        "CACHE_URL",
        default="locmemcache://" if (DEMO or TESTING or DEBUG) else "dbcache://trellis_cache",
    )
}
# Sessions live in the database by default; `django.contrib.sessions.backends.cache` with a
# Redis CACHE_URL keeps them in Redis instead.
SESSION_ENGINE = env("SESSION_ENGINE", default="django.contrib.sessions.backends.db")

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
if TESTING:
    PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Sign-in with allauth (trellis.signin): district SSO through OpenID Connect (Google, Microsoft
# Entra ID, Clever, ClassLink or any other issuer), configured per district in the app; no
# self sign-up; MFA (TOTP, recovery codes, WebAuthn); each person's list of their sessions.
ACCOUNT_ADAPTER = "trellis.signin.adapters.AccountAdapter"
SOCIALACCOUNT_ADAPTER = "trellis.signin.adapters.SocialAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_REDIRECT_URL = "accounts:login"
ACCOUNT_RATE_LIMITS = {
    # Password-reset e-mails: per IP and per address (the "key"), also on Trellis's own form.
    "reset_password": env("PASSWORD_RESET_RATE_LIMIT", default="20/h/ip,3/h/key"),
}
SOCIALACCOUNT_AUTO_SIGNUP = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_PROVIDERS = {"district_sso": {"OAUTH_PKCE_ENABLED": True}}
SOCIALACCOUNT_REQUESTS_TIMEOUT = env.int("SSO_REQUESTS_TIMEOUT", default=10)
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", default="Trellis")
MFA_PASSKEY_LOGIN_ENABLED = False
# WebAuthn needs HTTPS except on the demo's and the tests' http://127.0.0.1.
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEMO or TESTING or DEBUG
USERSESSIONS_TRACK_ACTIVITY = False
# District SSO client secrets are encrypted with this key (Fernet, 32 url-safe base64 bytes:
# `python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"`).
# Demo and test runs derive one from SECRET_KEY; production must set it to save secrets.
SSO_SECRETS_KEY = env("SSO_SECRETS_KEY", default="")

# Login throttling: lock a username+IP pair, not a whole school's shared IP.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = env.float("AXES_COOLOFF_HOURS", default=0.25)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = env("TIME_ZONE", default="America/New_York")
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [SRC_DIR / "static"]
STATIC_ROOT = env("STATIC_ROOT", default=str(BASE_DIR / "staticfiles"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if (TESTING or DEBUG or DEMO)
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = TESTING or DEBUG or DEMO
MEDIA_ROOT = env("MEDIA_ROOT", default=str(BASE_DIR / "var" / "media"))

EMAIL_BACKEND = env("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="Trellis <trellis@localhost>")
if TESTING:
    EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

TASKS = {
    "default": {
        "BACKEND": env(
            "TASKS_BACKEND",
            default="django_tasks.backends.immediate.ImmediateBackend"
            if TESTING
            else "django_tasks_db.DatabaseBackend",
        )
    }
}

# Security: safe defaults that `check --deploy` accepts when DEBUG is off.
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=60 * 60 * 8)
SESSION_COOKIE_HTTPONLY = True
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
_HTTPS = env.bool("HTTPS", default=not (DEBUG or DEMO or TESTING))
SESSION_COOKIE_SECURE = _HTTPS
CSRF_COOKIE_SECURE = _HTTPS
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=_HTTPS)
# Probes and the metrics scrape come from inside the network over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if _HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = _HTTPS
SECURE_HSTS_PRELOAD = _HTTPS
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if env.bool(
    "BEHIND_PROXY", default=False
) else None

# The integration API (trellis.api): token auth only, JSON only, problem-details errors.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["trellis.api.auth.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_SCHEMA_CLASS": "trellis.api.base.ProblemAutoSchema",
    "EXCEPTION_HANDLER": "trellis.api.problems.exception_handler",
    "UNAUTHENTICATED_USER": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Trellis integration API",
    "DESCRIPTION": "Read and write a district's work-based learning records with a scoped API token. "
    "See docs/api.md for tokens, paging, updated-since syncs, errors and webhooks.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SERVE_PERMISSIONS": ["rest_framework.permissions.AllowAny"],
    "SERVE_AUTHENTICATION": [],
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    # Swagger UI's files come from the drf-spectacular-sidecar package (our static files, no CDN).
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "trellis.api.base.local_times",
    ],
    "ENUM_NAME_OVERRIDES": {
        "PlacementStatusEnum": "trellis.placements.models.Placement.Status",
        "HourLogStatusEnum": "trellis.hours.models.HourLog.Status",
        "OpportunityStatusEnum": "trellis.opportunities.models.Opportunity.Status",
        "ApplicationStatusEnum": "trellis.placements.models.Application.Status",
        "MatchRoundStatusEnum": "trellis.placements.models.MatchRound.Status",
    },
}
# Requests per API token (DRF rate syntax: N/second, N/minute, N/hour, N/day); over it, 429.
API_TOKEN_RATE = env("API_TOKEN_RATE", default="600/minute")
# Webhook targets must be public addresses, as calendar fetches; tests and local demos may allow private.
TRELLIS_WEBHOOK_ALLOW_PRIVATE = env.bool("TRELLIS_WEBHOOK_ALLOW_PRIVATE", default=False)

# Content Security Policy: everything is served from our own origin (no CDN).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
    }
}

# Logs: one line per event on stderr, as JSON (one object a line, for a log collector) or text
# (the demo). Every line carries the request id; trellis.request logs one line per request.
LOG_FORMAT = env("LOG_FORMAT", default="text").strip().lower()
if LOG_FORMAT not in ("text", "json"):
    raise ImproperlyConfigured(f"LOG_FORMAT={LOG_FORMAT!r}: use text or json.")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "trellis.core.request_log.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"levelname": "level", "name": "logger"},
            "timestamp": "time",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": LOG_FORMAT, "filters": ["request_id"]},
    },
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="WARNING")},
    "loggers": {
        # The access line: on by default in JSON (production); the demo's runserver has its own.
        "trellis.request": {
            "level": env("REQUEST_LOG_LEVEL", default="").upper()
            or ("INFO" if LOG_FORMAT == "json" else "WARNING"),
        },
    },
}

# Metrics (trellis.core.metrics): /metrics and the task worker's exporter need this bearer token;
# unset, there are no metrics endpoints at all.
METRICS_TOKEN = env("METRICS_TOKEN", default="")
TASK_WORKER_METRICS_PORT = env.int("TASK_WORKER_METRICS_PORT", default=0)
TASK_WORKER_METRICS_ADDRESS = env("TASK_WORKER_METRICS_ADDRESS", default="127.0.0.1")
# Request latency buckets (seconds) around the 150 ms page budget.
PROMETHEUS_LATENCY_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, float("inf"))

# Calendar feeds, e-mailed approval and signing links.
SIGNED_LINK_MAX_AGE_DAYS = env.int("SIGNED_LINK_MAX_AGE_DAYS", default=14)

EMAIL_HOST = env("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)

# Calendar import from a URL refuses private and local addresses unless this is on
# (a district calendar server on the internal network).
TRELLIS_CALENDAR_FETCH_ALLOW_PRIVATE = env.bool("TRELLIS_CALENDAR_FETCH_ALLOW_PRIVATE", default=False)
# The same for the nightly OneRoster pull: on when the district's SIS answers on its own network.
TRELLIS_ROSTER_PULL_ALLOW_PRIVATE = env.bool("TRELLIS_ROSTER_PULL_ALLOW_PRIVATE", default=False)
# A Unicode TrueType font for PDF experience records; common system fonts are tried otherwise.
TRELLIS_PDF_FONT = env("TRELLIS_PDF_FONT", default="")

# District staff (and partner administrators where a district asks) must enrol in MFA before
# anything else (trellis.signin.middleware). The test suite turns it off except where a test
# asks for it (tests/conftest.py), since most tests sign personas in directly.
SIGNIN_REQUIRE_MFA = True
