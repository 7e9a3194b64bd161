"""catalog.normalized.NormalizedRecord.content_hash: what counts as a change of content."""

from catalog.normalized import NormalizedRecord


def record(**fields) -> NormalizedRecord:
    return NormalizedRecord(source_key="1", title="Fiqih Ibadah", **fields)


def test_subjects_in_another_order_hash_the_same():
    first = record(subjects=("Fiqih", "Ibadah", "Zakat"))

    assert first.content_hash() == record(subjects=("Zakat", "Fiqih", "Ibadah")).content_hash()
    assert first.content_hash() != record(subjects=("Fiqih", "Ibadah")).content_hash()


def test_authors_in_another_order_are_a_change_the_first_is_the_primary_author():
    assert (
        record(authors=("Rasjid, Sulaiman", "Hasan, Ali")).content_hash()
        != record(authors=("Hasan, Ali", "Rasjid, Sulaiman")).content_hash()
    )
