import csv
import io

import pytest
from openpyxl import load_workbook

from tests.factories import LIBRARY_A, host_of, make_user
from tests.monev import builders


@pytest.fixture
def scored(library_a, library_b):
    librarian = make_user("pustakawan-a", libraries=[library_a])
    supervisor = make_user("pembina", global_role="supervisor")
    operator = make_user("operator-uji", global_role="operator")
    near_c = {"1.1": "d", "1.2": "d", "2.1": "b", "2.2": "b"}
    builders.verified(library_a, by=librarian, supervisor=supervisor, year=2024, overrides=near_c)
    builders.verified(library_b, by=operator, supervisor=supervisor, year=2024, letter="b")
    return supervisor


def get(client, user, path, host="localhost"):
    client.force_login(user)
    response = client.get(path, HTTP_HOST=host)
    assert response.status_code == 200, path
    return response


def test_ranking_xlsx_opens_with_openpyxl_with_rows_in_rank_order(client, scored):
    response = get(client, scored, "/monev/peringkat.xlsx?tahun=2024")

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:3] == ("Peringkat", "Kode", "Perpustakaan")
    assert [(row[0], row[1], row[6], row[7]) for row in rows[1:]] == [
        (1, "uji-medan", 80.0, "B"),
        (2, "uji-aceh", 59.85, "TT"),
    ]
    assert "attachment" in response["Content-Disposition"]


def test_ranking_csv_parses_with_dot_decimals(client, scored):
    response = get(client, scored, "/monev/peringkat.csv?tahun=2024")

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][0] == "Peringkat"
    assert [(row[1], row[6], row[7]) for row in rows[1:]] == [
        ("uji-medan", "80.00", "B"),
        ("uji-aceh", "59.85", "TT"),
    ]


def test_ranking_pdf_is_a_pdf(client, scored):
    response = get(client, scored, "/monev/peringkat.pdf?tahun=2024")

    assert response.content.startswith(b"%PDF") and response["Content-Type"] == "application/pdf"


def test_report_card_pdf_is_a_pdf(client, scored):
    response = get(client, scored, "/monev/unit/uji-aceh/rapor.pdf")

    assert response.content.startswith(b"%PDF") and len(response.content) > 2000


def test_assessment_xlsx_lists_every_answer_and_the_plan(client, scored, library_a):
    assessment = library_a.assessments.get()
    response = get(client, scored, f"/monev/penilaian/{assessment.pk}/ekspor.xlsx")

    workbook = load_workbook(io.BytesIO(response.content))
    summary = [row for row in workbook["Ringkasan"].iter_rows(values_only=True) if row[0]]
    answers = list(workbook["Jawaban"].iter_rows(values_only=True))
    assert ("Nilai", 59.85) in [(row[0], row[1]) for row in summary]
    assert any(str(row[0]).startswith("Naikkan indikator 4.1 dari c ke b") for row in summary)
    assert len(answers) == 1 + 84
    assert answers[1][1:4] == ("1.1", answers[1][2], "d")


def test_librarian_downloads_their_assessment_xlsx_on_their_host(client, scored, library_a):
    librarian = library_a.memberships.get().user
    assessment = library_a.assessments.get()

    response = get(client, librarian, f"/monev/{assessment.pk}/ekspor.xlsx", host=host_of(LIBRARY_A["code"]))

    assert load_workbook(io.BytesIO(response.content))["Jawaban"].max_row == 85
