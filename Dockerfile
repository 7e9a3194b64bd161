# Simpul application image: the web process (gunicorn) by default; docker-compose.yml runs the Celery
# worker and beat from the same image with another command.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    SIMPUL_STATIC_ROOT=/app/staticfiles \
    SIMPUL_MEDIA_ROOT=/app/media

# pg_dump (Debian bookworm's postgresql-client is 15, the server's major version) is used by the
# tenant provisioning code.
RUN apt-get update \
 && apt-get install -y --no-install-recommends postgresql-client gettext nodejs npm \
 && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 simpul \
 && useradd --system --uid 10001 --gid simpul --home-dir /app --shell /usr/sbin/nologin simpul

WORKDIR /app
COPY . /app
# Chart.js (package.json) is served from node_modules as a static file, never from a CDN.
RUN npm ci --omit=dev --no-audit --no-fund \
 && pip install . \
 && rm -rf build ./*.egg-info

# Static files are baked into the image; no database or service is needed for this step.
RUN SIMPUL_SECRET_KEY=collectstatic-only SIMPUL_DEBUG=0 python manage.py compilemessages --ignore=.venv \
 && SIMPUL_SECRET_KEY=collectstatic-only SIMPUL_DEBUG=0 python manage.py collectstatic --noinput \
 && mkdir -p /app/media /app/private/monev-evidence \
 && chown -R simpul:simpul /app/media /app/private

USER simpul
EXPOSE 8000

CMD ["gunicorn", "portal.wsgi:application", "-c", "python:portal.gunicorn_conf"]
