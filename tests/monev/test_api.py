import pytest

from tests.factories import LIBRARY_A, host_of, make_user
from tests.monev import builders

HOST_A = host_of(LIBRARY_A["code"])


@pytest.fixture
def librarian(library_a):
    return make_user("pustakawan-a", libraries=[library_a])


@pytest.fixture
def supervisor(db):
    return make_user("pembina", global_role="supervisor")


def autosave(client, assessment, **body):
    return client.post(
        f"/monev/api/penilaian/{assessment.pk}/jawaban/",
        body,
        content_type="application/json",
        HTTP_HOST=HOST_A,
    )


def test_autosave_returns_progress_total_grade_and_to_do_list(client, library_a, librarian):
    assessment = builders.answered(library_a, by=librarian, overrides={"1.1": "d", "1.2": "d", "2.1": "b"})
    client.force_login(librarian)

    response = autosave(client, assessment, indikator="2.2", opsi="b")

    data = response.json()
    assert response.status_code == 200
    assert (data["total"], data["total_text"], data["grade"]) == ("59.85", "59,85", "TT")
    assert data["progress_text"] == "84 dari 84 indikator terjawab"
    assert data["plan"]["target_grade"] == "C" and data["plan"]["steps"] == 1
    assert data["plan"]["todo"][0]["text"].startswith("Naikkan indikator 4.1 dari c ke b: +0,50 poin")


def test_autosave_of_a_note_alone_keeps_the_option(client, library_a, librarian):
    assessment = builders.answered(library_a, by=librarian)
    client.force_login(librarian)

    autosave(client, assessment, indikator="1.1", catatan="SK Kepala Balai 2024")

    answer = assessment.answers.get(indicator_code="1.1")
    assert (answer.option, answer.note) == ("c", "SK Kepala Balai 2024")


def test_autosave_of_a_submitted_assessment_is_a_conflict(client, library_a, librarian):
    assessment = builders.submitted(library_a, by=librarian)
    client.force_login(librarian)

    response = autosave(client, assessment, indikator="1.1", opsi="a")

    assert response.status_code == 409 and "ditinjau" in response.json()["detail"]


@pytest.mark.parametrize(
    ("body", "message"),
    [({"indikator": "1.1", "opsi": "f"}, "a–e"), ({"indikator": "9.9", "opsi": "a"}, "9.9")],
)
def test_autosave_refuses_bad_answers_with_a_message(client, library_a, librarian, body, message):
    assessment = builders.start(library_a, by=librarian)
    client.force_login(librarian)

    response = autosave(client, assessment, **body)

    assert response.status_code == 400 and message in response.json()["detail"]


def test_autosave_needs_the_csrf_token_from_a_browser_session(library_a, librarian):
    from django.test import Client

    assessment = builders.start(library_a, by=librarian)
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(librarian)

    response = autosave(browser, assessment, indikator="1.1", opsi="a")

    assert response.status_code == 403


def test_detail_of_another_library_assessment_is_404_on_a_library_host(
    client, library_a, library_b, librarian
):
    other = builders.start(library_b, by=make_user("pustakawan-b", libraries=[library_b]))
    client.force_login(librarian)

    assert client.get(f"/monev/api/penilaian/{other.pk}/", HTTP_HOST=HOST_A).status_code == 404


def test_ranking_breakdown_and_trend_apis_for_supervisors(
    client, library_a, library_b, librarian, supervisor
):
    builders.verified(library_a, by=librarian, supervisor=supervisor, year=2023, letter="c")
    builders.verified(library_a, by=librarian, supervisor=supervisor, year=2024, letter="b")
    operator = make_user("operator-uji", global_role="operator")
    builders.verified(library_b, by=operator, supervisor=supervisor, year=2024, letter="c")
    client.force_login(supervisor)

    ranking = client.get("/monev/api/peringkat/", {"tahun": 2024}, HTTP_HOST="localhost").json()
    breakdown = client.get("/monev/api/komponen/", {"tahun": 2024}, HTTP_HOST="localhost").json()
    trend = client.get("/monev/api/tren/", {"unit": "uji-aceh"}, HTTP_HOST="localhost").json()

    assert ranking["count"] == 2
    assert [(r["library"], r["total"], r["change"]) for r in ranking["results"]] == [
        ("uji-aceh", "80.0000", "20.0000"),
        ("uji-medan", "60.0000", None),
    ]
    assert breakdown["instrument"] == "khusus-2018" and len(breakdown["components"]) == 6
    assert breakdown["units"][0]["values"][0] == "16"
    assert trend["years"] == [2023, 2024] and trend["series"][0]["totals"] == ["60.0000", "80.0000"]
