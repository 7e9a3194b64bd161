"""Python's cyclic garbage collector, tuned for the long-lived processes: web workers (gunicorn's
``post_worker_init``) and Celery worker processes (``worker_process_init``).

A search or a harvest page allocates tens of thousands of short-lived objects (Elasticsearch's JSON, parsed
XML, records). With the default thresholds (700, 10, 10) the collector ran about once per search and took
1.4 ms of its ~7.5 ms of Python time, mostly rescanning what Django built at start-up. Those start-up
objects live as long as the process, so they are frozen out of the collector's view, and the young
generation is collected less often: 0.2 ms per search (figures from bench/search.py's query mix). Memory
stays bounded: a collection still runs every ``THRESHOLDS[0]`` net allocations.
"""

from __future__ import annotations

import gc

THRESHOLDS = (20_000, 50, 100)


def tune_for_long_lived_process() -> None:
    gc.collect()
    gc.freeze()
    gc.set_threshold(*THRESHOLDS)
