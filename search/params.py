"""The union search's parameters, validated once for the JSON API (``search.api``) and the pages
(``search.views``): a bad value is a 400 with a message a person can act on, never a 500.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.exceptions import ValidationError

from search import selectors
from search.query.bodies import MAX_PER_PAGE, RESULT_WINDOW
from search.query.filters import FACETS, Filters
from search.query.paging import SortOrder
from search.query.syntax import MAX_QUERY_LENGTH, YEAR_MAX, YEAR_MIN
from search.union_document import Availability
from tenants.models import UnitKind

MAX_FACET_VALUES = 50


def _facet_values(max_length: int, help_text: str, child=None) -> serializers.ListField:
    return serializers.ListField(
        child=child or serializers.CharField(max_length=max_length),
        required=False,
        max_length=MAX_FACET_VALUES,
        help_text=help_text + " Ulangi parameter untuk memilih beberapa nilai (digabung dengan ATAU).",
    )


class SearchParamsSerializer(serializers.Serializer):
    q = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=MAX_QUERY_LENGTH,
        help_text='Kata kunci: frasa "...", AND/OR/NOT, -kata, judul: pengarang: subjek: penerbit: isbn: '
        "tahun:2010-2020 panggil:. Kosong = koleksi terbaru.",
    )
    perpustakaan = _facet_values(48, "Kode perpustakaan.")
    provinsi = _facet_values(100, "Provinsi perpustakaan.")
    jenis = _facet_values(16, "Jenis satker.", child=serializers.ChoiceField(choices=UnitKind.values))
    bahan = _facet_values(60, "Jenis bahan (GMD).")
    bahasa = _facet_values(8, "Kode bahasa (id, ar, en, ...).")
    subjek = _facet_values(255, "Subjek, persis seperti di faset.")
    ketersediaan = _facet_values(
        16,
        "Ketersediaan: tersedia (ada eksemplar di rak), tidak_tersedia (tidak ada di rak), tidak_diketahui "
        "(perpustakaan tidak melaporkan peminjaman).",
        child=serializers.ChoiceField(choices=[value.value for value in Availability]),
    )
    tahun_dari = serializers.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    tahun_sampai = serializers.IntegerField(required=False, min_value=YEAR_MIN, max_value=YEAR_MAX)
    urut = serializers.ChoiceField(
        choices=[order.value for order in SortOrder],
        required=False,
        help_text="relevansi (bawaan bila ada kata kunci), tahun, tahun_lama, judul, "
        "terbaru (bawaan tanpa kata kunci).",
    )
    halaman = serializers.IntegerField(required=False, min_value=1, max_value=RESULT_WINDOW, default=1)
    setelah = serializers.CharField(
        required=False,
        max_length=4000,
        help_text="Token halaman berikutnya ('next' dari jawaban sebelumnya); untuk halaman sedalam apa pun.",
    )
    per_halaman = serializers.IntegerField(required=False, min_value=1, max_value=MAX_PER_PAGE, default=20)

    def validate(self, attrs):
        start, end = attrs.get("tahun_dari"), attrs.get("tahun_sampai")
        if start is not None and end is not None and start > end:
            raise ValidationError({"tahun_dari": _("tahun_dari tidak boleh lebih besar dari tahun_sampai.")})
        if attrs.get("setelah") and attrs.get("halaman", 1) != 1:
            raise ValidationError({"setelah": _("Pakai halaman atau setelah, tidak keduanya.")})
        return attrs

    def to_request(self) -> selectors.SearchRequest:
        data = self.validated_data
        values = {facet.param: tuple(dict.fromkeys(data.get(facet.param) or [])) for facet in FACETS}
        filters = Filters(
            values={param: chosen for param, chosen in values.items() if chosen},
            year_from=data.get("tahun_dari"),
            year_to=data.get("tahun_sampai"),
        )
        return selectors.SearchRequest(
            text=data.get("q", ""),
            filters=filters,
            order=SortOrder(data["urut"]) if data.get("urut") else None,
            page=data.get("halaman", 1),
            per_page=data.get("per_halaman", 20),
            after=data.get("setelah", ""),
        )


def _flatten(errors, prefix: str = "") -> list[str]:
    if isinstance(errors, dict):
        return [line for key, value in errors.items() for line in _flatten(value, f"{prefix}{key}")]
    if isinstance(errors, list):
        if all(not isinstance(item, dict | list) for item in errors):
            return [f"{prefix}: {' '.join(str(item) for item in errors)}"]
        return [line for item in errors for line in _flatten(item, prefix)]
    return [f"{prefix}: {errors}"]


def serializer_error_message(serializer: serializers.Serializer) -> str:
    """One readable line from a serializer's errors: "per_halaman: Pastikan nilai ini ..."."""
    return "; ".join(_flatten(serializer.errors))
