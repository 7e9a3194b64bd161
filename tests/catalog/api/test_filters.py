"""The query parameters of the staff API's lists are checked as a body is: what is not a value (a NUL
byte, a date that does not exist, a record number that is none) is a 400 on the parameter, never a 500."""

from __future__ import annotations

import pytest
from django_tenants.utils import tenant_context

from catalog.models import Record
from tests.catalog.api.helpers import call, librarian_client, saved_record
from tests.catalog.roles import managed


@pytest.fixture
def library(library_a):
    return managed(library_a)


@pytest.mark.parametrize(
    ("path", "parameter"),
    [
        ("/api/katalog/records/?q=a%00b", "q"),
        ("/api/katalog/records/?diubah_sejak=2026-02-30", "diubah_sejak"),
        ("/api/katalog/records/?diubah_sejak=2026-01-01T25:00:00", "diubah_sejak"),
        ("/api/katalog/records/?diubah_sejak=kemarin", "diubah_sejak"),
        ("/api/katalog/copies/?kode=%00", "kode"),
        ("/api/katalog/copies/?cantuman=%C2%B2", "cantuman"),  # "²" is a digit to Python, no number
        ("/api/katalog/copies/?cantuman=99999999999999999999", "cantuman"),
        ("/api/katalog/subjects/?q=%00", "q"),
        ("/api/katalog/authors/?q=x%00", "q"),
    ],
)
def test_a_parameter_that_is_no_value_is_400_on_it(library, path, parameter):
    client, _user = librarian_client(library)

    response = call(client, "get", path, library)

    assert response.status_code == 400 and list(response.json()) == [parameter], response.content


def test_changed_since_a_date_or_a_moment(library):
    client, _user = librarian_client(library)
    record = saved_record(library)
    with tenant_context(library):
        Record.objects.filter(pk=record.pk).update(updated_at="2026-03-10T08:00:00+07:00")

    def listed(since: str) -> bool:
        found = call(client, "get", f"/api/katalog/records/?diubah_sejak={since}", library).json()
        return record.pk in [row["id"] for row in found["results"]]

    assert listed("2026-03-10") and not listed("2026-03-11")
    assert listed("2026-03-10T07:59:00%2B07:00") and not listed("2026-03-10T08:01:00%2B07:00")
