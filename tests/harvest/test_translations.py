"""The harvest's new interface strings have their English (harvest/locale/en)."""

from django.utils import translation
from django.utils.translation import gettext

from harvest.runs import forbidden_message


def test_run_notes_and_the_private_address_refusal_have_english():
    with translation.override("en"):
        note = gettext(
            "Diminta inkremental, dijalankan penuh (titik akses ini tidak mendukung panen inkremental)."
        )
        refusal = forbidden_message("http://10.0.0.5/oai.php", "10.0.0.5")

    assert note == "Incremental requested, ran full (this endpoint has no incremental harvesting)."
    assert refusal.startswith("The address http://10.0.0.5/oai.php points to a private")
