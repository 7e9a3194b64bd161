"""The public search pages render from the fixed catalogue (Django test client, real Elasticsearch)."""

from __future__ import annotations

import pytest
from django.urls import reverse as _reverse

from tests.search.catalogue import LPMQ, MAKASSAR, WORK_KEYS, record_of

pytestmark = pytest.mark.django_db


def reverse(name: str, args=()) -> str:
    return _reverse(name, args=args, urlconf="portal.urls_public")  # the public site's URLs


def test_home_page_has_the_search_box_with_autocomplete(client, catalogue):
    response = client.get("/")

    html = response.content.decode()
    assert response.status_code == 200
    assert 'role="search"' in html and 'name="q"' in html
    assert 'role="combobox"' in html and reverse("search:api-suggest") in html
    assert "js/autocomplete.js" in html


def test_results_page_lists_works_spelled_differently_with_their_libraries(client, catalogue):
    response = client.get(reverse("search:search-page"), {"q": "sholat"})

    html = response.content.decode()
    assert response.status_code == 200
    assert "Shalat" in html and "Salat" in html
    assert "Perpustakaan MAN Uji Makassar" in html and "Perpustakaan LPMQ Uji" in html
    assert "<mark>" in html
    assert reverse("library-detail", args=[MAKASSAR]) in html


def test_results_page_shows_facets_with_counts_and_checked_selection(client, catalogue):
    response = client.get(reverse("search:search-page"), {"q": "sholat", "provinsi": "Banten"})

    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="provinsi" value="Banten" checked' in html
    assert 'name="provinsi" value="Aceh"' in html  # other provinces stay selectable


def test_results_page_with_a_bad_parameter_answers_400_with_the_reason(client, catalogue):
    response = client.get(reverse("search:search-page"), {"q": "x", "per_halaman": "1000"})

    assert response.status_code == 400
    assert "per_halaman" in response.content.decode()


def test_work_page_lists_every_holding_library_with_call_number_and_availability(client, catalogue):
    response = client.get(reverse("search:work-page", args=[WORK_KEYS["tuntunan-shalat"]]))

    html = response.content.decode()
    assert response.status_code == 200
    for library_name in ("Perpustakaan Uji Aceh", "Perpustakaan LPMQ Uji", "Perpustakaan MAN Uji Makassar"):
        assert library_name in html
    assert "Tangerang Selatan" in html and "2X4.21 RIF t" in html
    assert "0 dari 2 tersedia" in html  # Makassar: both copies out
    lpmq = record_of("tuntunan-shalat", LPMQ)
    assert f"/api/records/{LPMQ}:{lpmq.record_id}/cite?format=ris" in html or "/cite?format=ris" in html


def test_unknown_work_page_is_404(client, catalogue):
    response = client.get(reverse("search:work-page", args=["fp:tidak-ada"]))

    assert response.status_code == 404


def test_results_page_speaks_english_after_the_language_switch(client, catalogue, settings):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"

    html = client.get(reverse("search:search-page"), {"q": "sholat"}).content.decode()

    assert "Filter results" in html and "Held by 3 libraries" in html
    assert "Saring hasil" not in html


def test_results_page_is_indonesian_by_default(client, catalogue):
    html = client.get(reverse("search:search-page"), {"q": "sholat"}).content.decode()

    assert "Saring hasil" in html and "Ada di 3 perpustakaan" in html


def test_pager_offers_a_numbered_next_page(client, catalogue):
    html = client.get(reverse("search:search-page"), {"q": "", "per_halaman": 10}).content.decode()

    assert "halaman=2" in html and "Halaman 1 dari 5" in html


def test_facet_links_and_checkboxes_have_labels(client, catalogue):
    html = client.get(reverse("search:search-page"), {"q": "tafsir"}).content.decode()

    assert '<label for="search-q"' in html
    assert html.count('type="checkbox" name="provinsi"') == html.count('name="provinsi" value=')
    assert "<legend>Provinsi</legend>" in html


def test_did_you_mean_and_correction_are_shown(client, catalogue):
    html = client.get(reverse("search:search-page"), {"q": "tafsir mishbha"}).content.decode()

    assert "Tidak ada hasil untuk «tafsir mishbha»" in html
    assert "Tafsir Al-Mishbah" in html
