"""search/rebuild.py and ``manage.py rebuild_index``: the union index rebuilt from PostgreSQL."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django_tenants.utils import tenant_context

from catalog.models import Record
from catalog.services import delete_record, enqueue_index_changes, upsert_record
from search.es import get_client
from search.index_setup import indices_behind
from search.indexer import drain_outbox
from search.rebuild import SilentProgress, rebuild_library_in_place, rebuild_union_index
from tests.factories import LIBRARY_A, LIBRARY_B, make_normalized_record
from tests.search.union_index import clear_outbox, isolated_union_index, union_count, union_documents

CODE_A, CODE_B = LIBRARY_A["code"], LIBRARY_B["code"]


@pytest.fixture
def union(settings):
    with isolated_union_index(settings) as alias:
        yield alias


def fill(library, *, records: int, hidden: int = 0, deleted: int = 0) -> list[Record]:
    """Records in ``library``'s schema; the incremental index then holds every public record of it."""
    with tenant_context(library):
        created = [upsert_record(normalized=make_normalized_record()).record for _ in range(records)]
        for record in created[:hidden]:
            upsert_record(normalized=make_normalized_record(source_key=record.source_key, opac_hide=True))
        for record in created[hidden : hidden + deleted]:
            delete_record(source_key=record.source_key)
        clear_outbox()
        enqueue_index_changes(record_ids=Record.objects.values_list("pk", flat=True))
        drain_outbox(library=library)
        return list(Record.objects.all())


@pytest.fixture
def indexed(union, library_a, library_b):
    fill(library_a, records=12, hidden=1, deleted=1)
    fill(library_b, records=5)
    return union


def public_ids(library) -> set[str]:
    with tenant_context(library):
        public = Record.objects.filter(opac_hide=False).values_list("pk", flat=True)
        return {f"{library.code}:{pk}" for pk in public}


def without_indexed_at(documents: dict[str, dict]) -> dict[str, dict]:
    return {
        doc_id: {key: value for key, value in source.items() if key != "indexed_at"}
        for doc_id, source in documents.items()
    }


def test_rebuild_gives_the_same_documents_and_counts_as_the_incremental_index(indexed):
    incremental = union_documents()
    (old_index,) = indices_behind(indexed)

    result = rebuild_union_index()

    rebuilt = union_documents()
    assert without_indexed_at(rebuilt) == without_indexed_at(incremental)
    assert result.documents == len(rebuilt) == len(incremental)
    assert result.per_library == {CODE_A: union_count(CODE_A), CODE_B: union_count(CODE_B)}
    assert indices_behind(indexed) == [result.index] != [old_index]
    assert result.previous_indexes == result.deleted_indexes == [old_index]
    assert not get_client().indices.exists(index=old_index)


class SearchingProgress(SilentProgress):
    """Searches the alias while the rebuild loads, as a patron would."""

    def __init__(self, alias: str) -> None:
        self.alias = alias
        self.answers: list[tuple[int, list[str]]] = []

    def records_done(self, library_code: str, count: int) -> None:
        hits = get_client().count(index=self.alias)["count"]
        self.answers.append((hits, indices_behind(self.alias)))


def test_search_against_the_alias_keeps_answering_from_the_old_index_during_the_rebuild(indexed):
    before = union_count()
    (old_index,) = indices_behind(indexed)
    progress = SearchingProgress(indexed)

    result = rebuild_union_index(chunk_size=4, progress=progress)

    assert len(progress.answers) >= 4
    assert all(answer == (before, [old_index]) for answer in progress.answers)
    assert indices_behind(indexed) == [result.index]
    assert union_count() == before


class ChangingProgress(SilentProgress):
    """A librarian edits and deletes records of library A right after A's records were read."""

    def __init__(self, library, *, edit: Record, remove: Record) -> None:
        self.library, self.edit, self.remove = library, edit, remove

    def library_finished(self, library_code: str) -> None:
        if library_code != self.library.code:
            return
        with tenant_context(self.library):
            edited = make_normalized_record(source_key=self.edit.source_key, title="Diubah Saat Rebuild")
            upsert_record(normalized=edited)
            delete_record(source_key=self.remove.source_key)


def test_changes_made_during_the_rebuild_reach_the_new_index(indexed, library_a):
    with tenant_context(library_a):
        edit, remove = Record.objects.filter(opac_hide=False).order_by("pk")[:2]

    result = rebuild_union_index(progress=ChangingProgress(library_a, edit=edit, remove=remove))

    documents = union_documents(CODE_A)
    assert documents[f"{CODE_A}:{edit.pk}"]["title"] == "Diubah Saat Rebuild"
    assert f"{CODE_A}:{remove.pk}" not in documents
    assert result.rows_drained_after_swap == 2


class FailingProgress(SilentProgress):
    def library_finished(self, library_code: str) -> None:
        raise RuntimeError("the operator's terminal went away")


def test_failed_rebuild_leaves_the_alias_on_the_old_index_and_removes_the_new_one(indexed):
    old_indexes = indices_behind(indexed)
    before = union_count()

    with pytest.raises(RuntimeError):
        rebuild_union_index(progress=FailingProgress())

    assert indices_behind(indexed) == old_indexes
    assert list(get_client().indices.get(index=f"{indexed}-*")) == old_indexes
    assert union_count() == before


def test_rebuild_of_one_library_deletes_its_stale_documents_and_restores_missing_ones(
    indexed, library_a, library_b
):
    client = get_client()
    public_a = public_ids(library_a)
    lost = sorted(public_a)[0]
    client.delete(index=indexed, id=lost)
    client.index(index=indexed, id=f"{CODE_A}:999999999", document={"library_code": CODE_A, "title": "Hantu"})
    documents_b = union_documents(CODE_B)

    result = rebuild_library_in_place(library=library_a)

    assert set(union_documents(CODE_A)) == public_a
    assert (result.documents, result.stale_deleted) == (len(public_a), 1)
    assert without_indexed_at(union_documents(CODE_B)) == without_indexed_at(documents_b)


def test_rebuild_index_command_moves_the_alias_and_keeps_the_old_index_when_asked(indexed):
    (old_index,) = indices_behind(indexed)
    out = StringIO()

    call_command("rebuild_index", "--keep-old", "--no-progress", stdout=out)

    (new_index,) = indices_behind(indexed)
    assert new_index != old_index
    assert get_client().indices.exists(index=old_index)
    assert f"{CODE_A}: {union_count(CODE_A)}" in out.getvalue()
    assert new_index in out.getvalue()


def test_rebuild_index_command_with_library_rebuilds_in_place(indexed):
    (index,) = indices_behind(indexed)
    out = StringIO()

    call_command("rebuild_index", "--library", CODE_B, "--no-progress", stdout=out)

    assert indices_behind(indexed) == [index]
    assert f"{CODE_B}: {union_count(CODE_B)} documents sent, 0 stale deleted" in out.getvalue()


def test_rebuild_index_command_rejects_an_unknown_library(indexed):
    with pytest.raises(CommandError, match="tidak-ada"):
        call_command("rebuild_index", "--library", "tidak-ada", "--no-progress")
