"""Settings. What varies per deployment comes from the environment (config/env.py)."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.csp import CSP

from apps.core.tabular import SAFE_FORMATS
from apps.sheets import limits
from config.env import (
    env_bool,
    env_int,
    env_list,
    env_origins,
    env_proxy_ssl_header,
    env_str,
)

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off")
    SECRET_KEY = "insecure-dev-only-key"
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1", "[::1]"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "apps.core",
    "apps.accounts",
    "apps.units",
    "apps.budgets",
    "apps.indicators",
    "apps.library",
    "apps.projects",
    "apps.budget_lines",
    "apps.guarantees",
    "apps.checks",
    "apps.exports",
    "apps.history",
    "apps.reviews",
    "apps.imports",
    "apps.unit_budgets",
    "apps.performance",
    "apps.pages",
    "import_export",
    "apps.exports.tasks_app.TasksDatabaseConfig",  # django_tasks_db, named in Chinese
    "apps.accounts.axes_app.AxesConfig",  # django-axes, named in Chinese
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Outermost but one: every answer carries the policy, error pages included.
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # No LocaleMiddleware: the UI is Chinese whatever language the browser asks for.
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # Reads an oversized post before the CSRF check's process_view would (apps/sheets/limits.py).
    "apps.pages.middleware.OversizedPostMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "apps.accounts.middleware.SessionIdleMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, as django-axes asks: it answers a locked-out login with its own page.
    "axes.middleware.AxesMiddleware",
]

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
                "apps.reviews.context_processors.notifications",
            ],
        },
    },
]

# PostgreSQL through DATABASE_URL; SQLite only as the embedded default for the demo.
# CONN_MAX_AGE (seconds a connection is kept after a request) depends on the server kind:
# 0, the default, for runserver (the demo) and any server with a thread per client socket,
# where persistent connections pile up, one per live thread (issue 16: 65-99 idle ones,
# then logins failed); e.g. 60 for a server with a fixed set of workers (gunicorn sync or
# gthread), which then reuse them. A new connection costs ~6 ms on loopback.
CONN_MAX_AGE = env_int("CONN_MAX_AGE", 0)
if CONN_MAX_AGE < 0:
    raise ImproperlyConfigured("CONN_MAX_AGE must be >= 0 (unlimited lifetimes are not allowed)")
DATABASE_URL = env_str("DATABASE_URL")
if DATABASE_URL:
    DATABASES = {
        "default": dj_database_url.parse(
            DATABASE_URL, conn_max_age=CONN_MAX_AGE, conn_health_checks=CONN_MAX_AGE > 0
        )
    }
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": env_str("SQLITE_PATH", str(BASE_DIR / "demo.sqlite3")),
        }
    }


def database_timeouts() -> dict:
    """libpq options so a database that hangs fails a request fast instead of holding it.

    DB_CONNECT_TIMEOUT (s) bounds connecting, DB_STATEMENT_TIMEOUT (ms) each statement on
    the server, DB_TCP_USER_TIMEOUT (ms) how long sent data may stay unacknowledged (a
    network that drops packets on an open connection).
    """
    statement_ms = env_int("DB_STATEMENT_TIMEOUT", 30_000)
    return {
        "connect_timeout": env_int("DB_CONNECT_TIMEOUT", 5),
        "options": f"-c statement_timeout={statement_ms}",
        "tcp_user_timeout": env_int("DB_TCP_USER_TIMEOUT", 30_000),
        "keepalives": 1,
        "keepalives_idle": 30,
        "keepalives_interval": 10,
        "keepalives_count": 3,
    }


if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    DATABASES["default"].setdefault("OPTIONS", {}).update(database_timeouts())
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# ``sheets``: the written tables of sheet pages, kept by a digest of what they show
# (apps/projects/kept.py; nothing to invalidate). Per process; a page's tables are 40–250 KB
# at 6–60 indicators, ~1.7 MB at 500; larger ones (SHEET_CACHE_MAX_CHARS) are not kept, so
# a worker holds ~10 MB typically and at most ~200 MB.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "sheets": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "sheets",
        "TIMEOUT": 3600,
        "OPTIONS": {"MAX_ENTRIES": env_int("SHEET_CACHE_ENTRIES", 100)},
    },
}
SHEET_CACHE_MAX_CHARS = env_int("SHEET_CACHE_MAX_CHARS", 2_000_000)
# The rows of those tables, each by its own digest (a page after a one-row save writes one
# row): at most this many characters a worker (~20–40 MB).
SHEET_ROW_CACHE_CHARS = env_int("SHEET_ROW_CACHE_CHARS", 10_000_000)

AUTH_USER_MODEL = "accounts.User"
# django-axes first: it refuses a locked-out login before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Django's four rules (their messages are in its zh-hans translation): not like the
# username or name, at least PASSWORD_MIN_LENGTH characters, not a common password, not
# only digits. They apply wherever a password is set: 修改密码 and the admin.
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": env_int("PASSWORD_MIN_LENGTH", 8)},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# Shared office PCs: the session cookie ends with the browser, and a session unused for
# SESSION_IDLE_MINUTES ends on the server (apps.accounts.middleware slides its expiry at
# most once a minute, instead of a session write on every request).
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
SESSION_IDLE_MINUTES = env_int("SESSION_IDLE_MINUTES", 30)
if SESSION_IDLE_MINUTES < 1:
    raise ImproperlyConfigured("SESSION_IDLE_MINUTES must be at least 1")
SESSION_COOKIE_AGE = SESSION_IDLE_MINUTES * 60
LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

LANGUAGE_CODE = "zh-hans"
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
# Our own translations first: strings Django and the libraries leave in English.
LOCALE_PATHS = [BASE_DIR / "locale"]
USE_TZ = True
USE_THOUSAND_SEPARATOR = False

MEDIA_URL = "media/"
MEDIA_ROOT = env_str("MEDIA_ROOT", str(BASE_DIR / "media"))

# Long exports run in the background on Django's tasks framework with a database backend:
# no extra service (the queue is a table), workers on any machine that reaches the
# database (`manage.py db_worker`). scripts/demo.sh starts one beside the web server.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# A worker beats for the export it runs; an export whose beat is older than the lease lost
# its worker (killed, machine down) and runs again, at most EXPORT_MAX_ATTEMPTS times
# (apps/exports/recovery.py). `manage.py exports_prune --days N` (cron) drops old jobs.
EXPORT_HEARTBEAT_SECONDS = env_int("EXPORT_HEARTBEAT_SECONDS", 10)
EXPORT_LEASE_SECONDS = env_int("EXPORT_LEASE_SECONDS", 60)
EXPORT_MAX_ATTEMPTS = env_int("EXPORT_MAX_ATTEMPTS", 3)
# A unit PDF of more projects than this is split into chunks that several workers render
# at once (apps/exports/fanout.py).
EXPORT_CHUNK_PROJECTS = env_int("EXPORT_CHUNK_PROJECTS", 20)
# The projects an export renders are laid out by this many child processes at once
# (apps/exports/pdfpool.py; 0: one per core, at most 8). A child silent for
# EXPORT_PDF_TIMEOUT seconds (one project not laid out) is killed and the export fails.
EXPORT_PDF_PROCESSES = env_int("EXPORT_PDF_PROCESSES", 0)
EXPORT_PDF_TIMEOUT = env_int("EXPORT_PDF_TIMEOUT", 120)

# Review notifications go out by e-mail as well as in the app, through Django 6.1's
# MAILERS. Default: printed to the console (the demo). A deployment sets
# MAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and MAIL_HOST / MAIL_PORT.
# SITE_URL makes the links in the mails absolute.
_MAIL_BACKEND = env_str("MAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
_MAIL_OPTIONS = (
    {"host": env_str("MAIL_HOST", "localhost"), "port": env_int("MAIL_PORT", 25)}
    if _MAIL_BACKEND.endswith("smtp.EmailBackend")
    else {}
)
MAILERS = {"default": {"BACKEND": _MAIL_BACKEND, "OPTIONS": _MAIL_OPTIONS}}
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "绩效目标申报 <noreply@localhost>")
# The address users reach the site at, for links in e-mails; required outside DEBUG, since
# a forgotten setting would send links to localhost.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000" if DEBUG else None)
if not SITE_URL:
    raise ImproperlyConfigured(
        "SITE_URL must be set when DEBUG is off (e.g. https://jx.example.gov.cn)"
    )

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env_str("STATIC_ROOT", str(BASE_DIR / "staticfiles"))
# Outside DEBUG, static files are collected (scripts/serve.sh runs collectstatic) under
# content-hashed names, compressed, and served by WhiteNoise with far-future caching.
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# HTTPS. A deployment behind HTTPS declares it (HTTPS=1); the rest follows unless set
# one by one. Behind a reverse proxy that ends TLS, SECURE_PROXY_SSL_HEADER names the
# header the proxy sets (e.g. HTTP_X_FORWARDED_PROTO=https), else Django sees plain HTTP,
# redirects for ever and refuses every POST's origin. CSRF_TRUSTED_ORIGINS lists the
# origins users reach the site at when the proxy does not pass the Host header on.
HTTPS = env_bool("HTTPS", False)
SECURE_PROXY_SSL_HEADER = env_proxy_ssl_header("SECURE_PROXY_SSL_HEADER")
CSRF_TRUSTED_ORIGINS = env_origins("CSRF_TRUSTED_ORIGINS")
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", HTTPS)
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", HTTPS)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", HTTPS)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 31_536_000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", HTTPS)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", HTTPS)
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
CSRF_COOKIE_HTTPONLY = True

# A single project's PDF is made inside the request, in a child process killed after
# PDF_TIMEOUT seconds (apps/exports/pdf.py): a pathological text cannot hold a web worker.
PDF_TIMEOUT = env_int("PDF_TIMEOUT", 20)

# A strict Content-Security-Policy: scripts, styles, images only from the site's own
# static files, no inline script or style anywhere (tests/test_production.py checks every
# page type). Bootstrap's stylesheet draws its form icons as data: SVGs.
SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF],
    "style-src": [CSP.SELF],
    "img-src": [CSP.SELF, "data:"],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "object-src": [CSP.NONE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
}

# Login throttling (django-axes): after LOGIN_FAILURE_LIMIT wrong passwords for one user
# name, or from one address, logins are refused for LOGIN_LOCKOUT_MINUTES; an
# administrator unlocks at once under 基础数据管理 → Axes (delete the access attempts).
# Behind a reverse proxy, LOGIN_PROXY_COUNT=1 reads the client address from
# X-Forwarded-For (else every user would share the proxy's address).
AXES_FAILURE_LIMIT = env_int("LOGIN_FAILURE_LIMIT", 10)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("LOGIN_LOCKOUT_MINUTES", 30))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "apps.accounts.lockout.lockout_response"
LOGIN_PROXY_COUNT = env_int("LOGIN_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "apps.accounts.lockout.client_ip"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# django-import-export checks no model permission unless told: importing needs the
# model's change permission, exporting its view permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "change"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
# Only CSV and XLSX, written so that no cell becomes a live formula (apps/core/tabular.py).
IMPORT_EXPORT_FORMATS = SAFE_FORMATS

# What a sheet page posts at the row limits of apps/sheets/limits.py (1,000 indicators and
# 500 budget lines on one page), with a margin: a project that was saved can be saved
# again. Beyond, apps.pages.middleware answers in Chinese.
DATA_UPLOAD_MAX_NUMBER_FIELDS = limits.MAX_POST_FIELDS
DATA_UPLOAD_MAX_MEMORY_SIZE = limits.MAX_POST_BYTES

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "WARNING")},
}

# Serve static files from the app folders directly when they have not been collected
# (demo and tests); production runs collectstatic.
WHITENOISE_USE_FINDERS = env_bool("WHITENOISE_USE_FINDERS", DEBUG)
WHITENOISE_AUTOREFRESH = DEBUG

# The lists' covering index (projects.Project: project_list_totals) INCLUDEs the amounts
# PostgreSQL sums from it; the embedded SQLite demo keeps the index without them (W040).
SILENCED_SYSTEM_CHECKS = ["models.W040"]
