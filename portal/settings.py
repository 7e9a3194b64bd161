"""Simpul settings: everything comes from the environment, with defaults that reach the local services
started by ``scripts/services`` on 127.0.0.1 (see docs/architecture.md, "Services and how they start").

Every external endpoint is one variable: SIMPUL_PG_* (PostgreSQL), SIMPUL_REDIS_URL (Celery broker and
cache), SIMPUL_ES_URL (Elasticsearch). docker-compose.yml sets the same variables.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import orjson
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


# What kind of deployment this is. Anything that does not say "development" is production, so a
# deployment that forgets to say gets the safe settings: a key of its own, HTTPS only, HSTS, secure
# cookies. ``scripts/demo``, the test settings and the benchmarks say "development".
ENVIRONMENTS = ("production", "development")
SIMPUL_ENV = env("SIMPUL_ENV", "production").strip().lower()
if SIMPUL_ENV not in ENVIRONMENTS:
    raise ImproperlyConfigured(f"SIMPUL_ENV={SIMPUL_ENV!r}: use one of {', '.join(ENVIRONMENTS)}.")
PRODUCTION = SIMPUL_ENV == "production"

DEBUG = env_bool("SIMPUL_DEBUG", False)
DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = env("SIMPUL_SECRET_KEY", DEV_SECRET_KEY)
if PRODUCTION and SECRET_KEY.strip() in ("", DEV_SECRET_KEY):
    # Whatever SIMPUL_DEBUG says: the development key is in the repository, so sessions, password-reset
    # links and signed values made with it can be forged by anyone.
    raise ImproperlyConfigured(
        "Production (SIMPUL_ENV=production, the default) needs SIMPUL_SECRET_KEY: the development key is "
        "public. On a laptop, set SIMPUL_ENV=development."
    )
# Library sites live on "<code>.<base domain>"; the public union portal on the base domain itself.
BASE_DOMAIN = env("SIMPUL_BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = env_list(
    "SIMPUL_ALLOWED_HOSTS",
    f".{BASE_DOMAIN},{BASE_DOMAIN},127.0.0.1" + ("" if PRODUCTION else ",testserver"),
)
CSRF_TRUSTED_ORIGINS = env_list("SIMPUL_CSRF_TRUSTED_ORIGINS", "")
# How many reverse proxies stand between a client and gunicorn (docker-compose.yml: one, Caddy). The
# client's address, by which the API throttles and the login lockout count, is then the X-Forwarded-For
# entry the outermost proxy appended (DRF's NUM_PROXIES rule, portal/client_ip.py); with 0 it is the TCP
# peer and X-Forwarded-For, which any client can write, is ignored.
PROXY_COUNT = int(env("SIMPUL_PROXY_COUNT", "1" if PRODUCTION else "0"))

SHARED_APPS = [
    "django_tenants",
    "tenants",
    "portal.accounts",
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.admin",
    "django.contrib.humanize",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",  # Swagger UI served from our static files, not a CDN
    "django_celery_beat",
    "axes",  # login lockout; its attempts live in the public schema, so every host counts them together
    "portal.pages",
    "search",
    "monev",
    "harvest",
    "oaipmh",
    "demo",
]
TENANT_APPS = [
    "catalog",
]
INSTALLED_APPS = SHARED_APPS + [app for app in TENANT_APPS if app not in SHARED_APPS]

TENANT_MODEL = "tenants.Library"
TENANT_DOMAIN_MODEL = "tenants.Domain"
PUBLIC_SCHEMA_URLCONF = "portal.urls_public"
ROOT_URLCONF = "portal.urls_tenant"
# An inactive library's host: "not active" everywhere but its OAI-PMH endpoint (portal/urls_inactive.py).
TENANT_INACTIVE_URLCONF = "portal.urls_inactive"
# The union portal answers on any host that is not a library's own domain.
SHOW_PUBLIC_IF_NO_TENANT_FOUND = True
# How long a process remembers which library a host name belongs to (tenants/hostname_cache.py).
TENANT_CACHE_SECONDS = float(env("SIMPUL_TENANT_CACHE_SECONDS", "10"))
# `migrate_schemas` runs tenant schemas in parallel by default (tenants.migration.get_executor).
GET_EXECUTOR_FUNCTION = "tenants.migration.get_executor"
TENANT_MULTIPROCESSING_MAX_PROCESSES = int(env("SIMPUL_MIGRATION_PROCESSES", str(os.cpu_count() or 2)))
TENANT_MULTIPROCESSING_CHUNKS = 16
# Schema that holds the migrated tenant template whose DDL new libraries replay (tenants/schema_template.py).
TENANT_TEMPLATE_SCHEMA = "simpul_template"

MIDDLEWARE = [
    "tenants.middleware.TenantMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.pages.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",  # turns a locked-out login into the lockout page (429)
]

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "portal" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.pages.context_processors.site",
            ],
        },
    }
]

WSGI_APPLICATION = "portal.wsgi.application"

DATABASES = {
    "default": {
        "ENGINE": "django_tenants.postgresql_backend",
        "HOST": env("SIMPUL_PG_HOST", "127.0.0.1"),
        "PORT": env("SIMPUL_PG_PORT", "55432"),
        "NAME": env("SIMPUL_PG_DB", "simpul"),
        "USER": env("SIMPUL_PG_USER", "simpul"),
        "PASSWORD": env("SIMPUL_PG_PASSWORD", "simpul"),
        "CONN_MAX_AGE": int(env("SIMPUL_PG_CONN_MAX_AGE", "60")),
        "CONN_HEALTH_CHECKS": True,
        "OPTIONS": {"connect_timeout": 5},
        "TEST": {"NAME": env("SIMPUL_PG_TEST_DB", "test_simpul")},
    }
}
DATABASE_ROUTERS = ["django_tenants.routers.TenantSyncRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("SIMPUL_REDIS_URL", "redis://127.0.0.1:56379/0")
ELASTICSEARCH_URL = env("SIMPUL_ES_URL", "http://127.0.0.1:59200")
# Prefix of every index and alias this deployment owns; tests use their own prefix.
ELASTICSEARCH_INDEX_PREFIX = env("SIMPUL_ES_PREFIX", "simpul")
ELASTICSEARCH_TIMEOUT = float(env("SIMPUL_ES_TIMEOUT", "10"))

CACHE_URL = env("SIMPUL_CACHE_URL", REDIS_URL.rsplit("/", 1)[0] + "/1")
CACHES = {
    # Keys carry the schema of the request's library (django-tenants), so libraries never share an entry.
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "TIMEOUT": 300,
    },
    # Keys that mean the same on every host: the API throttles (a client must not get a fresh allowance
    # on each library's host) and the health check's Celery ping.
    "shared": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "shared",
        "TIMEOUT": 300,
    },
}

# GET /healthz: anyone learns up (200) or down (503); operators and callers that send
# "Authorization: Bearer <SIMPUL_HEALTH_TOKEN>" also get each service's detail (portal/health.py).
HEALTH_TOKEN = env("SIMPUL_HEALTH_TOKEN", "")
# How long one Celery ping answers every /healthz (a ping waits its whole 1 s timeout on the broker).
HEALTH_CELERY_CACHE_SECONDS = int(env("SIMPUL_HEALTH_CELERY_CACHE_SECONDS", "5"))

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",  # first: refuses a locked-out username+address before any check
    "portal.accounts.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
# Login lockout (django-axes) for the portal's and every library's login form and the admin's. Failures
# count per username AND client address: by username alone anyone could lock a librarian or the
# operator out from anywhere (usernames such as pustakawan-<code> are easy to guess), by address alone one
# person's typos would lock out a whole satker office or campus behind one NAT address. The attempts are
# rows in the public schema, so failures on the portal and on each library's host add up.
AXES_FAILURE_LIMIT = int(env("SIMPUL_LOGIN_FAILURE_LIMIT", "5"))
AXES_COOLOFF_TIME = timedelta(minutes=int(env("SIMPUL_LOGIN_COOLOFF_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_CLIENT_IP_CALLABLE = "portal.client_ip.client_ip"
AXES_LOCKOUT_CALLABLE = "portal.accounts.views.locked_out"
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "/"
LOGOUT_REDIRECT_URL = "/"

LANGUAGE_CODE = "id"
LANGUAGES = [("id", _("Bahasa Indonesia")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "portal" / "locale"]
TIME_ZONE = "Asia/Jakarta"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("SIMPUL_STATIC_ROOT", str(BASE_DIR / "staticfiles")))
STATICFILES_DIRS = [
    BASE_DIR / "portal" / "static",
    # Front-end libraries installed by `npm ci` (package.json), served by us, never from a CDN.
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
]
# Production serves what collectstatic baked into the image (hashed names, compressed); development
# serves the source folders as they are, with or without DEBUG, so no collectstatic is needed there.
WHITENOISE_USE_FINDERS = not PRODUCTION
WHITENOISE_AUTOREFRESH = not PRODUCTION
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if PRODUCTION
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("SIMPUL_MEDIA_ROOT", str(BASE_DIR / "media")))
# A library's private files (member photos, import uploads): outside MEDIA_ROOT, served only by views that
# check the permission module (catalog/storage.py).
PRIVATE_MEDIA_ROOT = Path(env("SIMPUL_PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private" / "catalog")))
# Monev evidence files: outside MEDIA_ROOT (which has a public URL), served only by a view that checks
# the permission module; stored under random names.
MONEV_EVIDENCE_ROOT = Path(env("SIMPUL_MONEV_EVIDENCE_ROOT", str(BASE_DIR / "private" / "monev-evidence")))
MONEV_EVIDENCE_MAX_BYTES = int(env("SIMPUL_MONEV_EVIDENCE_MAX_BYTES", str(10 * 1024 * 1024)))
# Record covers (catalog/cataloguing/covers.py): an upload larger than this is refused; accepted images are
# re-encoded (at most CATALOG_COVER_MAX_SIDE px) with a thumbnail of CATALOG_COVER_THUMBNAIL_SIDE px.
CATALOG_COVER_MAX_BYTES = int(env("SIMPUL_CATALOG_COVER_MAX_BYTES", str(2 * 1024 * 1024)))
CATALOG_COVER_MAX_SIDE = int(env("SIMPUL_CATALOG_COVER_MAX_SIDE", "1200"))
CATALOG_COVER_THUMBNAIL_SIDE = int(env("SIMPUL_CATALOG_COVER_THUMBNAIL_SIDE", "240"))

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF's own renderer writes the integer keys of list-item errors ({"jenis": {0: [...]}}) as strings.
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_NON_STR_KEYS,),
    # Sessions only: the API's clients are our own pages and signed-in staff in a browser. HTTP Basic
    # would be a second password form outside the login lockout; no client of the API needs it.
    "DEFAULT_AUTHENTICATION_CLASSES": ["rest_framework.authentication.SessionAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    # Anonymous callers get a rate per client address (portal/throttling.py); signed-in users are not
    # throttled. Rates are "<count>/<second|minute|hour|day>".
    "DEFAULT_THROTTLE_CLASSES": ["portal.throttling.AnonymousApiThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anon": env("SIMPUL_API_ANON_RATE", "300/minute")},
    "NUM_PROXIES": PROXY_COUNT,
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 20,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Simpul API",
    "DESCRIPTION": "Union catalogue of the Kemenag unit libraries.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# OAI-PMH provider (oaipmh/, docs/architecture.md "Being a good OAI-PMH provider").
# Identifiers are oai:<repository identifier>:<library code>:<record id>; default: the base domain.
OAIPMH_REPOSITORY_IDENTIFIER = env("SIMPUL_OAI_REPOSITORY_IDENTIFIER", "")
OAIPMH_ADMIN_EMAIL = env("SIMPUL_OAI_ADMIN_EMAIL", "")
OAIPMH_RECORDS_PAGE_SIZE = int(env("SIMPUL_OAI_RECORDS_PAGE_SIZE", "500"))
OAIPMH_IDENTIFIERS_PAGE_SIZE = int(env("SIMPUL_OAI_IDENTIFIERS_PAGE_SIZE", "2000"))
OAIPMH_TOKEN_SECONDS = int(env("SIMPUL_OAI_TOKEN_SECONDS", str(7 * 24 * 3600)))

CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# An unacknowledged task (acks_late) of a killed worker is delivered again after this many seconds.
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": int(env("SIMPUL_CELERY_VISIBILITY_TIMEOUT", "3600"))}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env("SIMPUL_LOG_LEVEL", "INFO")},
    "loggers": {
        "elastic_transport": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
        "httpx2": {"level": "WARNING"},  # one line per harvest request otherwise (SLiMS: one per record)
        "axes": {"level": "WARNING"},  # failed logins and lockouts; not every successful login
    },
}

# --- harvest (harvest/) ---------------------------------------------------------------------------------
# One OAI-PMH response larger than this fails its page (a problem on the run), read no further.
HARVEST_MAX_RESPONSE_BYTES = int(env("SIMPUL_HARVEST_MAX_RESPONSE_BYTES", str(32 * 1024 * 1024)))
# Sources on private, loopback or link-local addresses are refused unless inside one of these networks
# (CIDR, comma-separated; e.g. "10.20.0.0/16" for a ministry intranet). The tests allow loopback.
HARVEST_ALLOWED_PRIVATE_NETWORKS = env_list("SIMPUL_HARVEST_ALLOWED_PRIVATE_NETWORKS", "")
# One labelled clock: log lines carry their UTC offset (harvests are read beside servers' responseDates
# in other zones), and Celery workers log through LOGGING instead of their own unlabelled format.
LOGGING["formatters"]["plain"]["datefmt"] = "%Y-%m-%dT%H:%M:%S%z"
CELERY_WORKER_HIJACK_ROOT_LOGGER = False

if PRODUCTION:
    # TLS ends at the reverse proxy in front of gunicorn (deploy/Caddyfile), which tells Django by
    # X-Forwarded-Proto how the client came in; gunicorn must be reachable only through it.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = True
    # The container's health check asks gunicorn directly, over plain HTTP.
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SECURE_HSTS_SECONDS = int(env("SIMPUL_HSTS_SECONDS", str(365 * 24 * 3600)))
    # Off by default: library sites send the header themselves, and the base domain may be a parent
    # (kemenag.go.id) whose other sub-domains are not ours to force onto HTTPS.
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SIMPUL_HSTS_INCLUDE_SUBDOMAINS", False)
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
