"""gunicorn settings of the web process: the Dockerfile, docker-compose.yml and bench/search.py all start
gunicorn with ``-c python:portal.gunicorn_conf``.

Sync workers: a sync worker takes a connection only when it is free, so requests spread evenly over the
processes. A gthread worker keeps accepting (keep-alive) connections while its threads are busy and queues
them; in ``bench/search.py`` (16 clients, 2 cores) that put the search API's p95 at 2-3x its median, against
about 1.7x with sync workers. A search waits on Elasticsearch for about half its time, so there are more
workers than cores: four per core unless SIMPUL_WEB_WORKERS says otherwise. Each worker tunes its garbage
collector once Django is loaded (portal/gc_tuning.py).
"""

import os

bind = os.environ.get("SIMPUL_WEB_BIND", "0.0.0.0:8000")
workers = int(os.environ.get("SIMPUL_WEB_WORKERS", 4 * (os.cpu_count() or 1)))
worker_class = "sync"
timeout = 60
backlog = 256
accesslog = os.environ.get("SIMPUL_WEB_ACCESS_LOG", "-") or None
errorlog = "-"


def post_worker_init(worker) -> None:
    from portal.gc_tuning import tune_for_long_lived_process

    tune_for_long_lived_process()
