""" "Pindah dari SLiMS": one guided step that moves a harvested library's catalogue into Simpul.

1. ``start_move_over`` (a view, for the library's librarian or an operator) records a ``MoveOver`` and
   queues ``run_move_over`` on a worker;
2. ``run_move_over`` harvests every enabled OAI-PMH source of the library in full, one last time
   (``harvest.services.harvest_source``), or imports the SLiMS export file given
   (``harvest.services.import_file``: MARC, MARCXML, MODS, SLiMS CSV); the page shows the runs' progress;
3. only when that succeeded (or the librarian accepted the recorded problems) the sources are switched
   off (``harvest.services.set_source_enabled``) and the library becomes managed in Simpul (its
   ``system`` "simpul", in one transaction. A failure changes nothing: the library stays harvested.

Nothing is lost or duplicated: records are upserted by (source, key) as every harvest is, and keep their
ids, so their union-index documents (``<library code>:<record id>``) stay as they are; the index serves the
catalogue throughout. This module sits above ``catalog`` in the layers (it calls ``harvest``).
"""

from __future__ import annotations

import logging
import uuid
from pathlib import Path

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tenants.utils import tenant_context

from catalog.audit import record_change
from catalog.models import MoveOver, Record
from harvest.models import HarvestRun, HarvestSource
from harvest.services import file_source_for, harvest_source, import_file, set_source_enabled
from tenants.models import Library, LibrarySystem

logger = logging.getLogger(__name__)

FILE_FORMATS = ("auto", "marc", "marcxml", "mods", "slims_csv")


class MoveOverRefused(Exception):
    """The move-over cannot start; the message says why."""


def _upload_dir(library: Library) -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT) / "move-over" / library.schema_name


def oai_sources(library: Library) -> list[HarvestSource]:
    return list(
        HarvestSource.objects.filter(library=library, kind=HarvestSource.Kind.OAI_PMH, enabled=True).order_by(
            "pk"
        )
    )


def start_move_over(
    *, library: Library, actor, uploaded_file=None, file_format: str = "auto", accept_problems: bool = False
) -> MoveOver:
    """Record the move-over and queue it (after the commit). Refused for a library already managed in
    Simpul or one with a move-over under way."""
    if library.catalogue_managed_in_simpul:
        raise MoveOverRefused(_("Katalog perpustakaan ini sudah dikelola di Simpul."))
    if file_format not in FILE_FORMATS:
        raise MoveOverRefused(_("Format berkas tidak dikenal."))
    sources = oai_sources(library)
    file_pk = file_source_for(library).pk if uploaded_file is not None else None
    with tenant_context(library):
        if file_pk is not None and Record.objects.exclude(source_id=file_pk).exclude(source_id=None).exists():
            # the file's records are keyed by its control numbers, the harvest's by SLiMS biblio ids: both
            # in one catalogue would be every record twice
            raise MoveOverRefused(
                _(
                    "Katalog ini sudah berisi cantuman hasil panen OAI-PMH; berkas ekspor akan "
                    "menggandakannya. Pindahkan tanpa berkas: sumbernya dipanen penuh untuk terakhir kali."
                )
            )
        if MoveOver.objects.filter(status__in=MoveOver.ACTIVE).exists():
            raise MoveOverRefused(_("Pemindahan katalog sedang berjalan; tunggu sampai selesai."))
        file_path = ""
        if uploaded_file is not None:
            directory = _upload_dir(library)
            directory.mkdir(parents=True, exist_ok=True)
            target = directory / uuid.uuid4().hex
            with target.open("wb") as out:
                for chunk in uploaded_file.chunks():
                    out.write(chunk)
            file_path = str(target)
        authenticated = bool(actor is not None and actor.is_authenticated)
        try:
            with transaction.atomic():
                move_over = MoveOver.objects.create(
                    source_ids=[source.pk for source in sources] if uploaded_file is None else [file_pk],
                    file_name=(getattr(uploaded_file, "name", "") or "")[:255]
                    if uploaded_file is not None
                    else "",
                    file_path=file_path,
                    file_format=file_format,
                    accept_problems=accept_problems,
                    records_before=Record.objects.count(),
                    actor_id=actor.pk if authenticated else None,
                    actor_name=actor.get_username()[:150] if authenticated else "sistem",
                )
                transaction.on_commit(lambda: _send(library, move_over))
        except IntegrityError as error:  # a concurrent start won (one active move-over per library)
            raise MoveOverRefused(_("Pemindahan katalog sedang berjalan; tunggu sampai selesai.")) from error
    return move_over


def _send(library: Library, move_over: MoveOver) -> None:
    from portal.celery import app

    app.send_task(
        "catalog.cataloguing.move_over", kwargs={"library_id": library.pk, "move_over_id": move_over.pk}
    )


def _finish(move_over: MoveOver, status: str, message: str = "") -> MoveOver:
    move_over.status = status
    move_over.message = message[:4000]
    move_over.finished_at = timezone.now()
    move_over.records_after = Record.objects.count()
    move_over.save(update_fields=["status", "message", "finished_at", "records_after"])
    return move_over


def _refusal_of(run: HarvestRun, accept_problems: bool) -> str | None:
    """Why a finished run stops the move-over (None: it may go on)."""
    if run.status == HarvestRun.Status.SUCCEEDED:
        return None
    if run.status == HarvestRun.Status.PARTIAL:
        if accept_problems:
            return None
        return _(
            "%(source)s: %(failed)s cantuman tidak dapat diambil (lihat masalah panen). Perbaiki di SLiMS "
            "lalu ulangi, atau ulangi dengan «tetap pindah walau ada cantuman yang gagal»."
        ) % {"source": run.source, "failed": run.failed_count}
    if run.status == HarvestRun.Status.SKIPPED:
        return _("%(source)s sedang dipanen oleh proses lain; ulangi sebentar lagi.") % {"source": run.source}
    return _("%(source)s: panen gagal — %(error)s") % {
        "source": run.source,
        "error": run.last_error or run.status,
    }


def run_move_over(*, library: Library, move_over_id: int) -> MoveOver:
    """The worker's part (see the module docstring). Safe to call again: a finished move-over is left as
    it is; an interrupted one harvests again (a harvest is safe to re-run) and then switches."""
    library = Library.objects.get(pk=library.pk)
    with tenant_context(library):
        move_over = MoveOver.objects.get(pk=move_over_id)
        if not move_over.is_active:
            return move_over
        if library.catalogue_managed_in_simpul:
            return _finish(move_over, MoveOver.Status.SUCCEEDED, _("Katalog sudah dikelola di Simpul."))
        move_over.status = MoveOver.Status.HARVESTING
        move_over.save(update_fields=["status"])
    try:
        runs = _last_harvest(library, move_over)
    except Exception as error:
        logger.exception("move-over #%s of %s failed", move_over_id, library.code)
        with tenant_context(library):
            _finish(move_over, MoveOver.Status.FAILED, f"{type(error).__name__}: {error}")
        raise
    with tenant_context(library):
        for run in runs:
            refusal = _refusal_of(run, move_over.accept_problems)
            if refusal:
                return _finish(move_over, MoveOver.Status.FAILED, refusal)
        return _switch(library, move_over)


def _last_harvest(library: Library, move_over: MoveOver) -> list[HarvestRun]:
    runs: list[HarvestRun] = []
    if move_over.file_path:
        path = Path(move_over.file_path)
        try:
            with path.open("rb") as stream:
                runs.append(
                    import_file(library=library, uploaded_file=stream, format=move_over.file_format or "auto",
                                name=move_over.file_name)
                )  # fmt: skip
        finally:
            path.unlink(missing_ok=True)
    else:
        for source in HarvestSource.objects.filter(pk__in=move_over.source_ids).order_by("pk"):
            runs.append(harvest_source(source=source, mode=HarvestRun.Mode.FULL))
    with tenant_context(library):
        move_over.run_ids = [run.pk for run in runs]
        move_over.save(update_fields=["run_ids"])
    return runs


def _switch(library: Library, move_over: MoveOver) -> MoveOver:
    with transaction.atomic():
        for source in HarvestSource.objects.select_for_update().filter(
            library=library, kind=HarvestSource.Kind.OAI_PMH, enabled=True
        ):
            set_source_enabled(source=source, enabled=False)
        before = {"system": library.system}
        Library.objects.filter(pk=library.pk).update(system=LibrarySystem.SIMPUL)
        library.system = LibrarySystem.SIMPUL
        _finish(move_over, MoveOver.Status.SUCCEEDED)
        record_change(
            obj=move_over,
            action="move_over",
            before=before,
            after={"system": library.system},
            summary=_("Katalog dipindah dari %(system)s ke Simpul (%(records)s cantuman)")
            % {
                "system": dict(LibrarySystem.choices).get(before["system"], before["system"]),
                "records": move_over.records_after,
            },
        )
    from tenants import hostname_cache

    hostname_cache.forget_all()
    return move_over


def progress_of(move_over: MoveOver) -> dict:
    """What the progress page shows: the move-over's state and its harvest runs (as far as they went)."""
    runs = (
        HarvestRun.objects.filter(pk__in=move_over.run_ids)
        if move_over.run_ids
        else HarvestRun.objects.none()
    )
    if not move_over.run_ids and move_over.is_active:
        # runs are known by id once they ended; while they run, they are the sources' runs since the start
        runs = HarvestRun.objects.filter(
            source_id__in=move_over.source_ids, created_at__gte=move_over.created_at
        )
    rows = []
    for run in runs.select_related("source").order_by("pk"):
        total = run.complete_list_size or 0
        percent = min(100, round(run.records_seen * 100 / total)) if total else None
        if run.status in HarvestRun.FINISHED:
            percent = 100
        rows.append(
            {
                "source": str(run.source),
                "status": run.status,
                "status_label": run.get_status_display(),
                "records_seen": run.records_seen,
                "total": total or None,
                "created": run.created_count,
                "updated": run.updated_count,
                "failed": run.failed_count,
                "percent": percent,
                "error": run.last_error,
            }
        )
    return {
        "id": move_over.pk,
        "status": move_over.status,
        "status_label": move_over.get_status_display(),
        "active": move_over.is_active,
        "message": move_over.message,
        "records_before": move_over.records_before,
        "records_after": move_over.records_after,
        "runs": rows,
    }
