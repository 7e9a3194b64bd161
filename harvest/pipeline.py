"""The page loop: the road every harvested or imported record takes, one page at a time
(docs/architecture.md, "One pipeline for every record"). Read top to bottom, it follows one record:

1. the source — its profile, its client (with the size cap and the address policy), its clock;
2. the adapter — the source's pages (``source_pages``; SLiMS quirks in ``harvest.adapters.slims``), or
   records one by one (``fetch_records``, reconciliation);
3. the mapper and the batch — each OAI record mapped (``harvest.adapters``) into a ``Batch`` of upserts,
   deletions and problems (``batch_from_page``; oai2.php's copies from the MODS detail, ``ModsDetails``);
4. the catalogue — the batch in ONE transaction in the library's schema (records, deletions, the run's
   counters, problems and resumption point together; ``commit_batch``) → outbox rows → the indexer;
5. the loop that drives 2–4 page after page (``ListRecordsWalk``). A run's start, failure and end are
   ``harvest.runs``; ``harvest.services`` ties them together.

Why one transaction per page: a crash or ``kill -9`` between two pages leaves the run pointing at the
first page that was not stored, and the records of that page are either all there or not at all; the
next attempt continues from that token, and because every write is an upsert by record key (SLiMS: the
trailing biblio id) a page stored twice changes nothing. Why batched writes: a page of 100 records is a
fixed handful of statements (``catalog.services.upsert_records``), not a thousand.

Fetching and mapping run one page ahead in a background thread (``prefetched``), so the network, the XML
work and the database overlap; nothing in that thread touches the database.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import closing
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django_tenants.utils import tenant_context

from catalog.normalized import NormalizedRecord
from catalog.services import delete_record, upsert_records
from harvest.adapters import (
    BadResumptionToken,
    EndpointProfile,
    MalformedRecord,
    OaiClient,
    OaiError,
    OaiRecord,
    Page,
    RecordHeader,
    RequestFailed,
    RetryPolicy,
    iter_slims_pages,
    map_mods,
    map_oai_record,
    merge_mods_details,
    record_key_from_identifier,
)
from harvest.adapters.addresses import AddressPolicy
from harvest.adapters.oai_client import DEFAULT_MAX_RESPONSE_BYTES, IdDoesNotExist, OaiProtocolError
from harvest.adapters.slims import OAI2_PHP_PROFILE, OAI_PHP_PROFILE, STANDARD_PROFILE, mods_detail_url
from harvest.models import HarvestProblem, HarvestRun, HarvestSource
from harvest.runs import final_status, finish_run, save_run
from tenants.models import Library

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = 60.0
MAX_LIST_RESTARTS = 2  # badResumptionToken: restart the list at most this many times per run
_REASON_LENGTH = 2000
_KEEP = object()  # commit_batch: leave the resumption point as it is

PROFILES = {
    HarvestSource.Flavour.SLIMS_OAI: OAI_PHP_PROFILE,
    HarvestSource.Flavour.SLIMS_OAI2: OAI2_PHP_PROFILE,
    HarvestSource.Flavour.STANDARD: STANDARD_PROFILE,
}


# --- 1. the source: configuration -------------------------------------------------------------------------


def profile_of(source: HarvestSource) -> EndpointProfile:
    return PROFILES.get(source.flavour, STANDARD_PROFILE)


def retry_policy(profile: EndpointProfile) -> RetryPolicy:
    """``settings.HARVEST_RETRY`` (RetryPolicy arguments) over the client's defaults; SLiMS ``oai.php``
    keeps its low count of 5xx retries (its HTTP 500 on a hidden record is deterministic)."""
    policy = RetryPolicy(**getattr(settings, "HARVEST_RETRY", {}))
    if profile is OAI_PHP_PROFILE:
        policy = replace(
            policy,
            max_server_error_retries=min(
                policy.max_server_error_retries, profile.retry.max_server_error_retries
            ),
        )
    return policy


def address_policy() -> AddressPolicy:
    """The networks a source may be on besides the public internet (``HARVEST_ALLOWED_PRIVATE_NETWORKS``)."""
    return AddressPolicy.allowing(getattr(settings, "HARVEST_ALLOWED_PRIVATE_NETWORKS", ()))


def max_response_bytes() -> int:
    return int(getattr(settings, "HARVEST_MAX_RESPONSE_BYTES", DEFAULT_MAX_RESPONSE_BYTES))


def client_for(source: HarvestSource, profile: EndpointProfile | None = None) -> OaiClient:
    profile = profile or profile_of(source)
    return OaiClient(
        source.base_url,
        timeout=float(getattr(settings, "HARVEST_HTTP_TIMEOUT", DEFAULT_TIMEOUT)),
        connect_timeout=min(10.0, float(getattr(settings, "HARVEST_HTTP_TIMEOUT", DEFAULT_TIMEOUT))),
        retry=retry_policy(profile),
        max_response_bytes=max_response_bytes(),
        address_policy=address_policy(),
    )


def metadata_prefix_of(source: HarvestSource) -> str:
    return source.metadata_prefix or source.metadata_format


# --- 1. the source: its clock -----------------------------------------------------------------------------

# SLiMS oai2.php datestamps are server-local time labelled "Z" while its responseDate is real UTC; a server
# anywhere from UTC-12 to UTC+14 keeps its datestamps within 14 hours of the truth, so a `from` taken 14
# hours early misses nothing (the records delivered twice are unchanged and write nothing).
LOCAL_TIME_OVERLAP = timedelta(hours=14)


def parse_source_date(value: str | None) -> datetime | None:
    """A naive datetime from ``2024-05-01T10:00:00Z``, ``2024-05-01 10:00:00`` (SLiMS ``last_update``) or
    ``2024-05-01``; None when it is none of these."""
    if not value:
        return None
    text = value.strip().replace("T", " ").removesuffix("Z").strip()
    for pattern in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, pattern)
        except ValueError:
            continue
    return None


def next_from_point(response_date: str, granularity: str, profile: EndpointProfile) -> str:
    """The ``from`` of the next incremental harvest: the server's responseDate at the start of this run, at
    its granularity (VuFind's rule), moved back by ``LOCAL_TIME_OVERLAP`` where datestamps are local time."""
    moment = parse_source_date(response_date)
    if moment is None:
        return ""
    if profile.datestamps_local_time_as_utc:
        moment -= LOCAL_TIME_OVERLAP
    if granularity.upper().startswith("YYYY-MM-DDTHH"):
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.strftime("%Y-%m-%d")


# --- 2. the adapter: the source's pages, or records one by one --------------------------------------------


def source_pages(
    client: OaiClient,
    source: HarvestSource,
    profile: EndpointProfile,
    *,
    from_: str | None = None,
    until: str | None = None,
    resume_token: str | None = None,
) -> Iterator[Page]:
    """The source's ListRecords pages from ``resume_token``: SLiMS endpoints through ``iter_slims_pages``
    (oai.php's failing pages rebuilt record by record), a standard repository through the client."""
    prefix = metadata_prefix_of(source)
    if profile.flavour is not None:
        return iter_slims_pages(
            client, profile, metadata_prefix=prefix, from_=from_, until=until, resume_token=resume_token
        )
    return client.iter_pages(
        "ListRecords",
        metadata_prefix=prefix,
        from_=from_,
        until=until,
        set_spec=source.set_spec or None,
        resume_token=resume_token,
    )


def fetch_records(
    client: OaiClient, profile: EndpointProfile, identifiers: list[str], metadata_prefix: str
) -> tuple[list[OaiRecord], list[tuple[str, str]]]:
    """GetRecord for each identifier; for SLiMS a failing GetRecord (oai.php answers HTTP 500 for hidden
    records) falls back to the MODS detail export, whose 404 means hidden or deleted. Returns the records
    (gone ones as deleted headers) and ``(identifier, reason)`` for those nothing could deliver."""
    records: list[OaiRecord] = []
    problems: list[tuple[str, str]] = []
    for identifier in identifiers:
        try:
            records.append(client.get_record(identifier, metadata_prefix))
            continue
        except IdDoesNotExist:
            records.append(_gone(identifier))
            continue
        except (RequestFailed, OaiError, OaiProtocolError) as error:
            reason = f"GetRecord: {getattr(error, 'reason', None) or error}"
        if profile.flavour is None:
            problems.append((identifier, reason))
            continue
        try:
            parsed = client.fetch_xml(
                mods_detail_url(client.base_url, record_key_from_identifier(identifier))
            )
        except RequestFailed as error:
            if error.status == 404:
                records.append(_gone(identifier))
            else:
                problems.append((identifier, f"{reason}; MODS: {error.reason}"))
            continue
        mods = next(
            (node for node in parsed.root.iter() if isinstance(node.tag, str) and node.tag.endswith("}mods")),
            None,
        )
        if mods is None:
            problems.append((identifier, f"{reason}; MODS: no <mods> element"))
            continue
        header = RecordHeader(identifier=identifier, datestamp=None, deleted=False)
        records.append(OaiRecord(header=header, metadata=mods, metadata_format="mods", source="mods"))
    return records, problems


def _gone(identifier: str) -> OaiRecord:
    return OaiRecord(
        header=RecordHeader(identifier=identifier, datestamp=None, deleted=True),
        metadata=None,
        metadata_format="",
    )


# --- 3. the mapper and the batch --------------------------------------------------------------------------


@dataclass
class Batch:
    """What one page (or one slice of a file) asks of the library's schema."""

    upserts: list[NormalizedRecord] = field(default_factory=list)
    deletes: list[str] = field(default_factory=list)  # record keys gone at the source
    problems: list[tuple[str, str]] = field(default_factory=list)  # (identifier, reason)
    records_seen: int = 0
    page_token: str = ""  # the token that fetched the page, kept with its problems
    identifiers: dict[str, str] = field(default_factory=dict)  # record key → OAI identifier
    datestamps: dict[str, str] = field(default_factory=dict)  # record key → header date, where sent


def batch_from_records(
    records: Iterable[OaiRecord], *, problems: Iterable[tuple[str, str]] = (), page_token: str | None = ""
) -> Batch:
    """Map OAI records: deleted headers become deletions, broken records problems (the page goes on)."""
    batch = Batch(page_token=page_token or "")
    for record in records:
        batch.records_seen += 1
        key = record_key_from_identifier(record.identifier)
        batch.identifiers[key] = record.identifier
        if record.deleted:
            batch.deletes.append(key)
            continue
        try:
            normalized = map_oai_record(record)
        except MalformedRecord as error:
            batch.problems.append((record.identifier, error.reason))
            continue
        batch.upserts.append(normalized)
        batch.identifiers[normalized.source_key] = record.identifier
        if record.header.datestamp:
            batch.datestamps[normalized.source_key] = record.header.datestamp
    for identifier, reason in problems:
        batch.records_seen += 1
        batch.problems.append((identifier, reason))
    return batch


def batch_from_page(page: Page) -> Batch:
    batch = batch_from_records(page.records, problems=page.problems, page_token=page.request_token)
    recovery = page.recovery
    if recovery is not None:
        logger.warning(
            "page at token %r rebuilt record by record: %d records, %d gone, %d unrecovered",
            page.request_token,
            len(recovery.identifiers),
            len(recovery.gone),
            len(recovery.unrecovered),
        )
        if recovery.identifiers_failed:
            batch.problems.append(
                (
                    "",
                    f"Halaman gagal ({recovery.failure.reason}) dan daftar identitasnya pun tidak dapat "
                    f"diambil ({recovery.identifiers_failed}); cantumannya akan diambil oleh rekonsiliasi.",
                )
            )
    return batch


class ModsDetails:
    """Per-record MODS detail export of a SLiMS endpoint (copies, locations, shelf marks), fetched a few at
    a time. A 404 means the record is hidden or deleted in SLiMS; any other failure leaves the record
    untouched this time and is recorded as a problem."""

    def __init__(self, client: OaiClient, *, workers: int = 4):
        self.client = client
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="harvest-mods")

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)

    def fetch(self, key: str) -> tuple[str, NormalizedRecord | None, str]:
        """``(outcome, record, reason)``; outcome ``"ok"``, ``"gone"`` or ``"failed"``."""
        try:
            parsed = self.client.fetch_xml(mods_detail_url(self.client.base_url, key))
        except RequestFailed as error:
            if error.status == 404:
                return "gone", None, ""
            return "failed", None, f"MODS detail: {error.reason}"
        mods = next(
            (node for node in parsed.root.iter() if isinstance(node.tag, str) and node.tag.endswith("}mods")),
            None,
        )
        if mods is None:
            return "failed", None, "MODS detail: no <mods> element"
        try:
            return "ok", map_mods(key, mods), ""
        except MalformedRecord as error:
            return "failed", None, f"MODS detail: {error.reason}"

    def enrich(self, batch: Batch) -> Batch:
        outcomes = list(self._pool.map(self.fetch, [record.source_key for record in batch.upserts]))
        kept = []
        for record, (outcome, mods, reason) in zip(batch.upserts, outcomes, strict=True):
            if outcome == "ok":
                kept.append(merge_mods_details(record, mods))
            elif outcome == "gone":
                batch.deletes.append(record.source_key)
            else:
                batch.problems.append((batch.identifiers.get(record.source_key, record.source_key), reason))
        batch.upserts = kept
        return batch


# --- 4. the catalogue: one transaction per batch ----------------------------------------------------------

RUN_COUNTERS = (
    "pages_seen",
    "records_seen",
    "created_count",
    "updated_count",
    "unchanged_count",
    "deleted_count",
    "failed_count",
)


def commit_batch(
    *,
    run: HarvestRun,
    library: Library,
    batch: Batch,
    resumption_token: str | object | None = _KEEP,
    complete_list_size: int | None = None,
    count_page: bool = True,
    finish: bool = False,
    source_updates: dict[str, object] | None = None,
) -> None:
    """Write one batch in ONE transaction inside the library's schema: the upserts, the deletions, the
    problems, the run's counters and resumption point (``None``: the list is complete), the heartbeat —
    and, with ``finish``, the run's final status and ``source_updates`` (the next ``from``)."""
    before = {name: getattr(run, name) for name in (*RUN_COUNTERS, "resumption_token", "complete_list_size")}
    try:
        with tenant_context(library), transaction.atomic():
            with connection.cursor() as cursor:
                # Not waiting for the WAL flush is safe here: a page and the run's resumption point commit
                # together, so a database crash can only lose both, and the run then fetches it again.
                cursor.execute("SET LOCAL synchronous_commit TO OFF")
            results = upsert_records(
                batch.upserts, source_id=run.source_id, source_datestamps=batch.datestamps
            )
            deleted = sum(
                1
                for key in dict.fromkeys(batch.deletes)
                if delete_record(source_key=key, source_id=run.source_id)
            )
            if batch.problems:
                HarvestProblem.objects.bulk_create(
                    [
                        HarvestProblem(
                            run=run,
                            identifier=identifier[:500],
                            reason=reason[:_REASON_LENGTH],
                            page_token=batch.page_token,
                        )
                        for identifier, reason in batch.problems
                    ]
                )
            run.pages_seen += 1 if count_page else 0
            run.records_seen += batch.records_seen
            run.created_count += sum(1 for result in results if result.created)
            run.updated_count += sum(1 for result in results if result.changed and not result.created)
            run.unchanged_count += sum(1 for result in results if not result.changed)
            run.deleted_count += deleted
            run.failed_count += len(batch.problems)
            fields = [*RUN_COUNTERS, "heartbeat_at"]
            if resumption_token is not _KEEP:
                run.resumption_token = resumption_token or ""
                fields.append("resumption_token")
            if complete_list_size is not None:
                run.complete_list_size = complete_list_size
                fields.append("complete_list_size")
            run.heartbeat_at = timezone.now()
            if finish:
                run.status = final_status(run)
                run.finished_at = run.heartbeat_at
                fields += ["status", "finished_at"]
                if source_updates:
                    HarvestSource.objects.filter(pk=run.source_id).update(**source_updates)
            run.save(update_fields=fields)
    except BaseException:
        for name, value in before.items():  # the transaction rolled back: so do the counters in memory
            setattr(run, name, value)
        raise


# --- 5. the page loop: one page ahead, then page after page -----------------------------------------------


def prefetched(items: Iterator, *, depth: int = 2) -> Iterator:
    """Run ``items`` in a background thread, ``depth`` items ahead; exceptions arrive in order.

    Closing the consumer stops the producer after the item it is working on (it never blocks forever on
    a full queue). The producer must not touch the database.
    """
    channel: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(message: tuple) -> bool:
        while not stop.is_set():
            try:
                channel.put(message, timeout=0.2)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not put(("item", item)):
                    return
            put(("end", None))
        except BaseException as error:  # handed to the consumer, raised there
            put(("error", error))

    thread = threading.Thread(target=produce, name="harvest-prefetch", daemon=True)
    thread.start()
    try:
        while True:
            kind, value = channel.get()
            if kind == "item":
                yield value
            elif kind == "end":
                return
            else:
                raise value
    finally:
        stop.set()
        thread.join(timeout=1.0)


class ListRecordsWalk:
    """ListRecords for one run, from its committed resumption point, each page committed with
    ``commit_batch``. SLiMS endpoints go through ``iter_slims_pages`` (oai.php's failing pages are rebuilt
    record by record); oai2.php records get their copies from the MODS detail export.

    ``run()`` returns True when the list is complete (the last page was committed), False when it stopped
    after ``max_pages`` (the run stays resumable). ``badResumptionToken`` restarts the list from the
    beginning, at most ``MAX_LIST_RESTARTS`` times per walk; other failures propagate, with everything
    before them committed.
    """

    def __init__(
        self,
        *,
        run: HarvestRun,
        source: HarvestSource,
        client: OaiClient,
        profile: EndpointProfile,
        from_: str | None = None,
        until: str | None = None,
        max_pages: int | None = None,
        finish: bool = True,
        source_updates: dict[str, object] | None = None,
        on_restart: Callable[[BadResumptionToken], None] | None = None,
    ):
        self.run_ = run
        self.source = source
        self.client = client
        self.profile = profile
        self.from_ = from_
        self.until = until
        self.max_pages = max_pages
        self.finish = finish
        self.source_updates = source_updates
        self.on_restart = on_restart

    def _batches(self, token: str | None, details: ModsDetails | None) -> Iterator[tuple[Page, Batch]]:
        pages = source_pages(
            self.client, self.source, self.profile, from_=self.from_, until=self.until, resume_token=token
        )
        for page in pages:
            batch = batch_from_page(page)
            if details is not None and batch.upserts:
                details.enrich(batch)
            yield page, batch

    def run(self) -> bool:
        run = self.run_
        library = self.source.library
        token = run.resumption_token or None
        restarts = 0
        pages = 0
        details = None
        if not self.profile.oai_dc_has_copies and self.profile.flavour is not None:
            details = ModsDetails(self.client)
        try:
            while True:
                try:
                    with closing(prefetched(self._batches(token, details))) as batches:
                        for page, batch in batches:
                            last = page.resumption_token is None
                            commit_batch(
                                run=run,
                                library=library,
                                batch=batch,
                                resumption_token=page.resumption_token,
                                complete_list_size=page.complete_list_size,
                                finish=last and self.finish,
                                source_updates=self.source_updates,
                            )
                            pages += 1
                            if last:
                                return True
                            if self.max_pages is not None and pages >= self.max_pages:
                                return False
                    if self.finish:  # a list that ended without an empty token (a server quirk)
                        finish_run(run, source_updates=self.source_updates)
                    return True
                except BadResumptionToken as error:
                    if restarts >= MAX_LIST_RESTARTS:
                        raise
                    restarts += 1
                    logger.warning("%s: %s; restarting the list (%d)", self.source, error, restarts)
                    run.restarts += 1
                    run.resumption_token = ""
                    save_run(run, "restarts", "resumption_token")
                    if self.on_restart is not None:
                        self.on_restart(error)
                    token = None
        finally:
            if details is not None:
                details.close()
