"""Simpul settings: everything comes from the environment, with defaults that reach the local services
started by ``scripts/services`` on 127.0.0.1 (see docs/architecture.md, "Services and how they start").

Every external endpoint is one variable: SIMPUL_PG_* (PostgreSQL), SIMPUL_REDIS_URL (Celery broker and
cache), SIMPUL_ES_URL (Elasticsearch). docker-compose.yml sets the same variables.
"""

from __future__ import annotations

import os
from pathlib import Path

import orjson
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env(name: str, default: str = "") -> str:
    return os.environ.get(name, default)


def env_bool(name: str, default: bool) -> bool:
    return env(name, "1" if default else "0").strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str) -> list[str]:
    return [part.strip() for part in env(name, default).split(",") if part.strip()]


DEV_SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
SECRET_KEY = env("SIMPUL_SECRET_KEY", DEV_SECRET_KEY)
DEBUG = env_bool("SIMPUL_DEBUG", True)
if not DEBUG and SECRET_KEY == DEV_SECRET_KEY:
    from django.core.exceptions import ImproperlyConfigured

    raise ImproperlyConfigured("SIMPUL_DEBUG=0 needs SIMPUL_SECRET_KEY: the development key is public.")
# Library sites live on "<code>.<base domain>"; the public union portal on the base domain itself.
BASE_DOMAIN = env("SIMPUL_BASE_DOMAIN", "localhost")
ALLOWED_HOSTS = env_list("SIMPUL_ALLOWED_HOSTS", f".{BASE_DOMAIN},{BASE_DOMAIN},127.0.0.1,testserver")
CSRF_TRUSTED_ORIGINS = env_list("SIMPUL_CSRF_TRUSTED_ORIGINS", "")

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
    "portal.pages",
    "search",
    "monev",
    "harvest",
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

CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": env("SIMPUL_CACHE_URL", REDIS_URL.rsplit("/", 1)[0] + "/1"),
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
        "TIMEOUT": 300,
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["portal.accounts.backends.RoleBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]
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
WHITENOISE_USE_FINDERS = DEBUG
WHITENOISE_AUTOREFRESH = DEBUG
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
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

REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_RENDERER_CLASSES": [
        "drf_orjson_renderer.renderers.ORJSONRenderer",
        "rest_framework.renderers.BrowsableAPIRenderer",
    ],
    # DRF's own renderer writes the integer keys of list-item errors ({"jenis": {0: [...]}}) as strings.
    "ORJSON_RENDERER_OPTIONS": (orjson.OPT_NON_STR_KEYS,),
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "rest_framework.authentication.SessionAuthentication",
        "rest_framework.authentication.BasicAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
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
    },
}

if not DEBUG:
    SESSION_COOKIE_SECURE = env_bool("SIMPUL_SECURE_COOKIES", True)
    CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
