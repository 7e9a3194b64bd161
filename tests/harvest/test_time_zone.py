"""One clearly labelled clock: log lines and the times the harvest shows carry their UTC offset."""

import logging
from datetime import UTC, datetime

from django.conf import settings

from harvest.selectors import labelled_time


def test_log_lines_carry_their_utc_offset():
    formatter = logging.Formatter(
        settings.LOGGING["formatters"]["plain"]["format"],
        datefmt=settings.LOGGING["formatters"]["plain"]["datefmt"],
    )
    record = logging.LogRecord("harvest.services", logging.INFO, __file__, 1, "run #1", None, None)

    line = formatter.format(record)

    assert line[19:24] == "+0700" and line[10] == "T"  # Asia/Jakarta, ISO 8601
    assert settings.CELERY_WORKER_HIJACK_ROOT_LOGGER is False  # workers log through LOGGING too


def test_run_times_are_shown_in_the_project_zone_with_the_offset():
    moment = datetime(2026, 5, 1, 3, 0, 0, tzinfo=UTC)

    assert labelled_time(moment) == "2026-05-01T10:00:00+07:00"
