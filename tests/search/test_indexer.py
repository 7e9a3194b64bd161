"""search/indexer.py: the outbox drained into the union index — real PostgreSQL and Elasticsearch."""

import json
from datetime import date, timedelta
from urllib.parse import urlsplit

import psycopg
import pytest
from django.conf import settings as django_settings
from django.db import connection
from django_tenants.utils import tenant_context
from elasticsearch import Elasticsearch

from catalog.models import IndexOutbox, Loan, Member, Record
from catalog.services import delete_record, record_availability_changed, upsert_record
from search.es import get_client, reset_client
from search.index_setup import swap_alias
from search.indexer import DRAIN_LOCK_CLASS, drain_outbox
from tests.factories import LIBRARY_A, make_normalized_record
from tests.search.union_index import clear_outbox, isolated_union_index, union_count, union_documents
from tests.tcp_proxy import TcpProxy

CODE_A = LIBRARY_A["code"]


@pytest.fixture
def union(settings):
    with isolated_union_index(settings) as alias:
        yield alias


@pytest.fixture
def in_a(library_a, union):
    """Library A's schema active with an empty outbox, and an index of this test's own."""
    with tenant_context(library_a):
        clear_outbox()
        yield library_a


def doc_id(record: Record) -> str:
    return f"{CODE_A}:{record.pk}"


def test_drain_indexes_the_record_with_its_holding_and_availability(in_a):
    record = upsert_record(normalized=make_normalized_record(title="Fiqih Sunnah Jilid 1")).record
    member = Member.objects.create(member_code="A-001", name="Nurhaliza Binti Ahmad")
    Loan.objects.create(
        item=record.items.first(), member=member, loan_date=date.today(), due_date=date.today() + timedelta(7)
    )
    record_availability_changed(record_id=record.pk)

    result = drain_outbox(library=in_a)

    document = union_documents(CODE_A)[doc_id(record)]
    assert (result.rows_drained, result.records_indexed, result.error) == (2, 1, "")
    assert document["title"] == "Fiqih Sunnah Jilid 1"
    assert document["record_id"] == record.pk
    assert (document["library_code"], document["library_name"]) == (CODE_A, LIBRARY_A["name"])
    assert (document["province"], document["library_city"]) == (LIBRARY_A["province"], LIBRARY_A["city"])
    assert document["authors"] == ["Sulaiman Rasjid", "Ahmad Hasan"]
    assert document["subjects"] == ["Fiqih", "Ibadah"]
    assert document["publisher"] == "Sinar Baru Algensindo"
    assert (document["copies_total"], document["copies_available"]) == (2, 1)
    assert IndexOutbox.objects.count() == 0


def test_indexed_document_carries_no_member_or_loan_data(in_a):
    record = upsert_record(normalized=make_normalized_record()).record
    member = Member.objects.create(
        member_code="RAHASIA-77", name="Cut Nyak Meutia Zahra", email="meutia.zahra@example.org"
    )
    Loan.objects.create(
        item=record.items.first(), member=member, loan_date=date.today(), due_date=date.today() + timedelta(7)
    )
    record_availability_changed(record_id=record.pk)

    drain_outbox(library=in_a)

    text = json.dumps(union_documents(CODE_A)[doc_id(record)], ensure_ascii=False).lower()
    for personal in ("cut nyak meutia zahra", "meutia", "rahasia-77", "example.org"):
        assert personal not in text
    fields = set(union_documents(CODE_A)[doc_id(record)])
    assert not {"member", "members", "loan", "loans", "borrower"} & fields


def test_many_rows_for_one_record_index_it_once_with_its_latest_state(in_a):
    normalized = make_normalized_record(title="Judul Lama")
    record = upsert_record(normalized=normalized).record
    upsert_record(normalized=make_normalized_record(source_key=normalized.source_key, title="Judul Antara"))
    upsert_record(normalized=make_normalized_record(source_key=normalized.source_key, title="Judul Terbaru"))

    result = drain_outbox(library=in_a)

    assert (result.rows_drained, result.records_indexed, result.batches) == (3, 1, 1)
    assert union_documents(CODE_A)[doc_id(record)]["title"] == "Judul Terbaru"


def test_deleted_record_is_removed_from_the_index(in_a):
    normalized = make_normalized_record()
    record = upsert_record(normalized=normalized).record
    drain_outbox(library=in_a)
    assert doc_id(record) in union_documents(CODE_A)

    delete_record(source_key=normalized.source_key)
    result = drain_outbox(library=in_a)

    assert result.records_deleted == 1
    assert doc_id(record) not in union_documents(CODE_A)


def test_delete_of_a_record_never_indexed_is_not_an_error(in_a):
    normalized = make_normalized_record()
    upsert_record(normalized=normalized)
    delete_record(source_key=normalized.source_key)

    result = drain_outbox(library=in_a)

    assert (result.rows_drained, result.rows_failed, result.error) == (2, 0, "")
    assert IndexOutbox.objects.count() == 0


def test_record_hidden_from_the_opac_is_removed_from_the_index(in_a):
    normalized = make_normalized_record()
    record = upsert_record(normalized=normalized).record
    drain_outbox(library=in_a)

    upsert_record(normalized=make_normalized_record(source_key=normalized.source_key, opac_hide=True))
    drain_outbox(library=in_a)

    assert doc_id(record) not in union_documents(CODE_A)
    assert Record.objects.filter(pk=record.pk).exists()


def test_drain_sends_batches_of_the_given_size_and_stops_at_max_batches(in_a):
    for _ in range(7):
        upsert_record(normalized=make_normalized_record())

    first = drain_outbox(library=in_a, batch_size=3, max_batches=2)
    second = drain_outbox(library=in_a, batch_size=3, max_batches=2)

    assert (first.batches, first.rows_drained, first.more_pending) == (2, 6, True)
    assert (second.batches, second.rows_drained, second.more_pending) == (1, 1, False)
    assert union_count(CODE_A) == 7


class ClientThatCommitsDuringBulk(Elasticsearch):
    """The real client; before its first bulk request a librarian saves another record, as can happen
    between the drain's read of the outbox and Elasticsearch's answer."""

    written: Record | None = None

    def bulk(self, *args, **kwargs):
        if self.written is None:
            self.written = upsert_record(normalized=make_normalized_record(title="Disimpan Sela")).record
        return super().bulk(*args, **kwargs)


def test_rows_written_during_a_drain_stay_for_the_next_one(in_a):
    before = upsert_record(normalized=make_normalized_record()).record
    client = ClientThatCommitsDuringBulk(django_settings.ELASTICSEARCH_URL)

    result = drain_outbox(library=in_a, client=client, max_batches=1)

    written = client.written
    assert result.rows_drained == 1 and result.more_pending
    assert list(IndexOutbox.objects.values_list("record_id", flat=True)) == [written.pk]
    assert set(union_documents(CODE_A)) == {doc_id(before)}

    drain_outbox(library=in_a, client=client)
    assert set(union_documents(CODE_A)) == {doc_id(before), doc_id(written)}


def test_item_error_is_kept_on_its_rows_and_the_rest_of_the_batch_is_indexed(in_a, union):
    # An index that wants a number in publish_year rejects the record catalogued "[t.t.]" (no date) alone.
    strict_index = f"{union}-vstrict"
    numeric_year = {"properties": {"publish_year": {"type": "integer"}}}
    get_client().indices.create(index=strict_index, mappings=numeric_year)
    swap_alias(union, strict_index)
    undated = upsert_record(normalized=make_normalized_record(publish_year="[t.t.]")).record
    dated = [upsert_record(normalized=make_normalized_record(publish_year="2019")).record for _ in range(3)]

    result = drain_outbox(library=in_a)

    assert (result.rows_drained, result.rows_failed, result.error) == (3, 1, "")
    assert set(union_documents(CODE_A)) == {doc_id(record) for record in dated}
    kept = IndexOutbox.objects.get()
    assert (kept.record_id, kept.attempts) == (undated.pk, 1)
    assert "publish_year" in kept.last_error


def test_drain_is_skipped_while_another_drain_of_the_library_runs(in_a):
    upsert_record(normalized=make_normalized_record())
    db = connection.settings_dict
    other = psycopg.connect(
        host=db["HOST"], port=db["PORT"], dbname=db["NAME"], user=db["USER"], password=db["PASSWORD"]
    )
    lock_sql = "SELECT {}((%s::bigint << 32) | oid::bigint) FROM pg_namespace WHERE nspname = %s"
    try:
        other.execute(lock_sql.format("pg_advisory_lock"), [DRAIN_LOCK_CLASS, in_a.schema_name])

        skipped = drain_outbox(library=in_a)

        other.execute(lock_sql.format("pg_advisory_unlock"), [DRAIN_LOCK_CLASS, in_a.schema_name])
        drained = drain_outbox(library=in_a)
    finally:
        other.close()

    assert skipped.skipped and skipped.rows_drained == 0
    assert drained.rows_drained == 1 and not drained.skipped


@pytest.fixture
def es_behind_proxy(settings):
    """The app talks to Elasticsearch through a loopback proxy that the test can stop and start."""
    proxy = TcpProxy(urlsplit(django_settings.ELASTICSEARCH_URL).port).start()
    settings.ELASTICSEARCH_URL = proxy.url
    reset_client()
    try:
        yield proxy
    finally:
        proxy.stop()
        reset_client()


def test_outbox_keeps_changes_while_elasticsearch_is_unreachable_and_indexes_them_when_it_returns(
    in_a, es_behind_proxy
):
    records = [upsert_record(normalized=make_normalized_record()).record for _ in range(20)]
    half = drain_outbox(library=in_a, batch_size=5, max_batches=2)
    assert (half.rows_drained, half.more_pending) == (10, True)

    es_behind_proxy.stop()
    records += [upsert_record(normalized=make_normalized_record()).record for _ in range(10)]
    failed = drain_outbox(library=in_a, batch_size=5)

    assert failed.error and failed.rows_drained == 0
    assert IndexOutbox.objects.count() == 20
    tried = IndexOutbox.objects.filter(attempts=1)
    assert tried.count() == 5 and all(row.last_error for row in tried)
    assert IndexOutbox.objects.filter(attempts=0, last_error="").count() == 15

    es_behind_proxy.start()
    assert union_count(CODE_A) == 10
    recovered = drain_outbox(library=in_a, batch_size=5)

    assert (recovered.rows_drained, recovered.error) == (20, "")
    assert IndexOutbox.objects.count() == 0
    documents = union_documents(CODE_A)
    assert set(documents) == {doc_id(record) for record in records}
    record_ids = [source["record_id"] for source in documents.values()]
    assert len(record_ids) == len(set(record_ids)) == union_count() == 30
