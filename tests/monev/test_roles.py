"""Who sees what of monev: anonymous / librarian of A / librarian of B / supervisor / operator, against
library A's pages, API and evidence file, on A's host and on the public portal."""

import pytest

from monev import services
from monev.models import Answer, Evidence
from tests.factories import LIBRARY_A, host_of, make_user
from tests.monev import builders

PUBLIC = "localhost"
HOST_A = host_of(LIBRARY_A["code"])

# (name, host, method, path template); {a} is library A's draft assessment, {e} its evidence file.
TARGETS = {
    "library list": (HOST_A, "get", "/monev/"),
    "assessment form": (HOST_A, "get", "/monev/{a}/"),
    "assessment xlsx": (HOST_A, "get", "/monev/{a}/ekspor.xlsx"),
    "api detail": (HOST_A, "get", "/monev/api/penilaian/{a}/"),
    "api autosave": (HOST_A, "post", "/monev/api/penilaian/{a}/jawaban/"),
    "evidence on library host": (HOST_A, "get", "/monev/bukti/{e}/"),
    "dashboard": (PUBLIC, "get", "/monev/"),
    "review page": (PUBLIC, "get", "/monev/penilaian/{a}/"),
    "report card": (PUBLIC, "get", "/monev/unit/uji-aceh/"),
    "ranking api": (PUBLIC, "get", "/monev/api/peringkat/"),
    "ranking csv": (PUBLIC, "get", "/monev/peringkat.csv"),
    "evidence on portal": (PUBLIC, "get", "/monev/bukti/{e}/"),
}

ANON_PAGE, ANON_API, OK, FORBIDDEN = 302, 403, 200, 403
EXPECTED = {
    #                          anonymous  librarian A  librarian B  supervisor  operator
    "library list":             (ANON_PAGE, OK, FORBIDDEN, OK, OK),
    "assessment form":          (ANON_PAGE, OK, FORBIDDEN, OK, OK),
    "assessment xlsx":          (ANON_PAGE, OK, FORBIDDEN, OK, OK),
    "api detail":               (ANON_API, OK, FORBIDDEN, OK, OK),
    "api autosave":             (ANON_API, OK, FORBIDDEN, FORBIDDEN, OK),
    "evidence on library host": (ANON_PAGE, OK, FORBIDDEN, OK, OK),
    "dashboard":                (ANON_PAGE, FORBIDDEN, FORBIDDEN, OK, OK),
    "review page":              (ANON_PAGE, FORBIDDEN, FORBIDDEN, OK, OK),
    "report card":              (ANON_PAGE, OK, FORBIDDEN, OK, OK),
    "ranking api":              (ANON_API, FORBIDDEN, FORBIDDEN, OK, OK),
    "ranking csv":              (ANON_PAGE, FORBIDDEN, FORBIDDEN, OK, OK),
    "evidence on portal":       (ANON_PAGE, OK, FORBIDDEN, OK, OK),
}  # fmt: skip
ACTORS = ("anonymous", "librarian_a", "librarian_b", "supervisor", "operator")


@pytest.fixture(autouse=True)
def _evidence_in_tmp(settings, tmp_path):
    settings.MONEV_EVIDENCE_ROOT = tmp_path / "evidence"


@pytest.fixture
def world(library_a, library_b):
    users = {
        "anonymous": None,
        "librarian_a": make_user("pustakawan-a", libraries=[library_a]),
        "librarian_b": make_user("pustakawan-b", libraries=[library_b]),
        "supervisor": make_user("pembina", global_role="supervisor"),
        "operator": make_user("operator-uji", global_role="operator"),
    }
    assessment = builders.start(library_a, by=users["librarian_a"])
    evidence = services.attach_evidence(
        assessment=assessment, indicator_code="1.1", file=builders.pdf_file(), by=users["librarian_a"]
    )
    return users, {"a": assessment.pk, "e": evidence.public_id}


@pytest.mark.parametrize("target", TARGETS)
@pytest.mark.parametrize("actor", ACTORS)
def test_monev_access_matrix(client, world, actor, target):
    users, ids = world
    if users[actor] is not None:
        client.force_login(users[actor])
    host, method, template = TARGETS[target]
    path = template.format(**ids)

    if method == "post":
        response = client.post(
            path, {"indikator": "1.2", "opsi": "b"}, content_type="application/json", HTTP_HOST=host
        )
    else:
        response = client.get(path, HTTP_HOST=host)

    expected = EXPECTED[target][ACTORS.index(actor)]
    assert response.status_code == expected, f"{actor} {method.upper()} {host}{path}"
    if expected == ANON_PAGE:
        assert "/akun/masuk/" in response["Location"]


def test_librarian_of_b_gets_404_for_a_assessment_on_their_own_host(client, world):
    users, ids = world
    client.force_login(users["librarian_b"])

    response = client.get(f"/monev/{ids['a']}/", HTTP_HOST=host_of("uji-medan"))

    assert response.status_code == 404


def test_librarian_of_b_cannot_fetch_a_evidence_through_their_own_host(client, world):
    users, ids = world
    client.force_login(users["librarian_b"])

    response = client.get(f"/monev/bukti/{ids['e']}/", HTTP_HOST=host_of("uji-medan"))

    assert response.status_code == 403


def test_evidence_file_is_served_with_its_type_and_no_sniffing(client, world):
    users, ids = world
    client.force_login(users["supervisor"])

    response = client.get(f"/monev/bukti/{ids['e']}/", HTTP_HOST=PUBLIC)

    assert response["Content-Type"] == "application/pdf"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_supervisor_sees_the_form_read_only_on_the_library_host(client, world):
    users, ids = world
    client.force_login(users["supervisor"])

    page = client.get(f"/monev/{ids['a']}/", HTTP_HOST=HOST_A).text

    assert "<fieldset disabled>" in page
    assert "Ajukan ke pembina" not in page


# The form posts of the page without JavaScript: saved (a redirect to the indicator) or refused.
FORM_POSTS = {
    "answer": ("/monev/{a}/jawaban/", {"indikator": "1.2", "opsi": "b", "catatan": "rapat bulanan"}),
    "evidence link": ("/monev/{a}/bukti/", {"indikator": "1.2", "tautan": "https://example.org/notulen"}),
}
SAVED, LOGIN = "saved", "login"
FORM_EXPECTED = dict(zip(ACTORS, (LOGIN, SAVED, FORBIDDEN, FORBIDDEN, SAVED), strict=True))


def _stored(form: str, assessment_id: int) -> bool:
    if form == "answer":
        return Answer.objects.filter(assessment_id=assessment_id, indicator_code="1.2", option="b").exists()
    return Evidence.objects.filter(
        answer__assessment_id=assessment_id, answer__indicator_code="1.2", url="https://example.org/notulen"
    ).exists()


@pytest.mark.parametrize("form", FORM_POSTS)
@pytest.mark.parametrize("actor", ACTORS)
def test_form_posts_save_for_the_library_s_managers_only(client, world, actor, form):
    users, ids = world
    if users[actor] is not None:
        client.force_login(users[actor])
    template, data = FORM_POSTS[form]

    response = client.post(template.format(**ids), data, HTTP_HOST=HOST_A)

    expected = FORM_EXPECTED[actor]
    if expected == LOGIN:
        assert response.status_code == 302
        assert "/akun/masuk/" in response["Location"]
    elif expected == SAVED:
        assert response.status_code == 302
        assert response["Location"].endswith(f"/monev/{ids['a']}/#ind-1.2")
    else:
        assert response.status_code == expected
    assert _stored(form, ids["a"]) is (expected == SAVED)
