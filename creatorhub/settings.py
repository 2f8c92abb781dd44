"""Settings for Creator Hub, read from the environment (see .env.example).

With nothing set the app runs embedded: SQLite and a filesystem Celery broker under ./var.
DATABASE_URL and REDIS_URL switch to PostgreSQL and Redis. DEBUG=0 turns on production hardening.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import dj_database_url
from django.utils.csp import CSP
from kombu import Queue

from creatorhub.env import env_bool, env_int, env_list, env_str, load_dotenv

BASE_DIR = Path(__file__).resolve().parent.parent
load_dotenv(BASE_DIR / ".env")

VAR_DIR = Path(env_str("VAR_DIR", str(BASE_DIR / "var")))

# Development by default, so `python manage.py …` works in a fresh checkout; DEBUG=0 in production.
DEBUG = env_bool("DEBUG", default=True)
SECRET_KEY = env_str("SECRET_KEY", "insecure-dev-key-only-for-debug" if DEBUG else None)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])

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
    "axes",
    "creatorhub.accounts",
    "creatorhub.videos",
    "consent",
    "likeness",
    "remixer",
    "moderation",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "consent.signals_http.PublicReadCorsMiddleware",
    "creatorhub.middleware.RejectNulInPathMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "consent.signals_http.ConsentSignalsMiddleware",
    # Last, as django-axes asks: it turns a lockout into the lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "creatorhub.urls"
WSGI_APPLICATION = "creatorhub.wsgi.application"

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
                "django.template.context_processors.csp",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=env_int("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Wait for the worker's writes instead of failing with "database is locked".
    DATABASES["default"]["OPTIONS"] = {"timeout": 20, "transaction_mode": "IMMEDIATE"}

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes first: it refuses to authenticate a (username, IP) pair that is locked out.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "videos:library"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Static files are served by WhiteNoise; media goes through MEDIA_STORAGE_BACKEND (an
# S3-compatible backend from django-storages is a settings change, not a code change).
STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
# Staged imports live outside MEDIA_ROOT so they are never publicly served.
PRIVATE_ROOT = Path(env_str("PRIVATE_ROOT", str(VAR_DIR / "private")))
STORAGES = {
    "default": {
        "BACKEND": env_str("MEDIA_STORAGE_BACKEND", "django.core.files.storage.FileSystemStorage"),
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        ),
    },
}
SERVE_MEDIA = env_bool("SERVE_MEDIA", default=True)

# Upload limits.
VIDEO_MAX_UPLOAD_BYTES = env_int("VIDEO_MAX_UPLOAD_BYTES", 200 * 1024 * 1024)
VIDEO_MAX_DURATION_SECONDS = env_int("VIDEO_MAX_DURATION_SECONDS", 10 * 60)
VIDEO_MAX_DIMENSION = env_int("VIDEO_MAX_DIMENSION", 4096)
IMAGE_MAX_UPLOAD_BYTES = env_int("IMAGE_MAX_UPLOAD_BYTES", 20 * 1024 * 1024)
IMAGE_MAX_PIXELS = env_int("IMAGE_MAX_PIXELS", 40_000_000)
IMPORT_MAX_UPLOAD_BYTES = env_int("IMPORT_MAX_UPLOAD_BYTES", 50 * 1024 * 1024)
IMPORT_MAX_ROWS = env_int("IMPORT_MAX_ROWS", 20_000)
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2_000

LIBRARY_PAGE_SIZE = env_int("LIBRARY_PAGE_SIZE", 50)

# Celery: Redis when REDIS_URL is set, else kombu's filesystem transport, which needs no server
# and still runs a real worker process.
REDIS_URL = env_str("REDIS_URL", "")
BROKER_DIR = VAR_DIR / "broker"
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # Fail fast when Redis is down: callers log and the reconciler catches up.
        "socket_connect_timeout": 2,
        "socket_timeout": 5,
    }
else:
    CELERY_BROKER_URL = "filesystem://"
    # kombu's filesystem transport, with a broken folder retried like a broker that is down.
    CELERY_BROKER_TRANSPORT = "creatorhub.broker:Transport"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_TASK_PUBLISH_RETRY_POLICY = {
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.5,
    "interval_max": 0.5,
}
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A queue per kind of work, so a 100k regeneration never delays a consent sync or an email: a
# worker takes from each of its queues in turn, and more machines can run workers for one kind
# (`celery worker -Q render`). Anything unrouted (uploads, imports) goes to "celery".
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_QUEUES = [Queue(name) for name in ("render", "sync", "email", "celery")]
CELERY_TASK_ROUTES = {
    "remixer.tasks.render_remix": {"queue": "render"},
    "remixer.tasks.render_remixes": {"queue": "render"},
    "remixer.tasks.resign_remixes": {"queue": "render"},
    "consent.tasks.consent_changed": {"queue": "sync"},
    "remixer.tasks.reconcile": {"queue": "sync"},
    "remixer.tasks.expire_requests": {"queue": "sync"},
    "remixer.tasks.email_notifications": {"queue": "email"},
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_BEAT_SCHEDULE = {
    "reconcile-remixes": {"task": "remixer.tasks.reconcile", "schedule": 60.0},
    "expire-remix-requests": {"task": "remixer.tasks.expire_requests", "schedule": 3600.0},
    "reconcile-enrolment-photos": {"task": "likeness.tasks.enrolment_reconcile", "schedule": 600.0},
}

REMIX_RATE_PER_MINUTE = env_int("REMIX_RATE_PER_MINUTE", 10)
# How long a remix request on an "ask me" video waits for the creator before it expires (its
# private preview deleted).
REMIX_APPROVAL_TTL = dt.timedelta(days=env_int("REMIX_APPROVAL_DAYS", 14))

# Login throttling (django-axes): LOGIN_FAILURE_LIMIT wrong passwords for one username from one
# IP address lock that pair out for LOGIN_COOLOFF_MINUTES (each further try restarts the wait);
# a success resets the count. Wrong API tokens count per IP address (creatorhub/lockout.py).
# Moderators and superusers unlock in the admin (Axes › Access attempts: delete the row).
# The address is REMOTE_ADDR: behind a proxy, set AXES_CLIENT_IP_CALLABLE (see the axes docs).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = dt.timedelta(minutes=env_int("LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "creatorhub.lockout.lockout_response"
AXES_HTTP_RESPONSE_CODE = 429
# Failed attempts are what lockout needs; a row per successful login is not kept.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Content Credentials (C2PA) on every remix. `manage.py provenance_init` makes a local CA and a
# signer in PROVENANCE_DIR; production may point the three paths elsewhere (empty: that dir).
PROVENANCE_DIR = Path(env_str("PROVENANCE_DIR", str(VAR_DIR / "provenance")))
PROVENANCE_CERT_CHAIN = env_str("PROVENANCE_CERT_CHAIN", "") or None
PROVENANCE_KEY = env_str("PROVENANCE_KEY", "") or None
PROVENANCE_TRUST_ANCHOR = env_str("PROVENANCE_TRUST_ANCHOR", "") or None
VERIFY_MAX_UPLOAD_BYTES = env_int("VERIFY_MAX_UPLOAD_BYTES", 15 * 1024 * 1024)
# Likeness enrolment: each photo is checked while the person waits, then staged privately.
LIKENESS_MAX_PHOTO_BYTES = env_int("LIKENESS_MAX_PHOTO_BYTES", 10 * 1024 * 1024)

# Content-Security-Policy on every response: only our own scripts and styles, no inline code.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:", "blob:"],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

if not DEBUG:
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

_email_backend = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {
    "default": {
        "BACKEND": _email_backend,
        "OPTIONS": (
            {
                "host": env_str("EMAIL_HOST", "localhost"),
                "port": env_int("EMAIL_PORT", 587),
                "username": env_str("EMAIL_HOST_USER", "") or None,
                "password": env_str("EMAIL_HOST_PASSWORD", "") or None,
                "use_tls": env_bool("EMAIL_USE_TLS", default=True),
            }
            if _email_backend.endswith("smtp.EmailBackend")
            else {}
        ),
    }
}
# Absolute links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Creator Hub <noreply@creatorhub.local>")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
}
