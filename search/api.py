"""The union catalogue's JSON API: search, works, records, citations, autocomplete.

Thin, per STYLE.md: a serializer validates every parameter (a 400 with a message for anything else),
a selector runs the search, serializers shape the answer. Nothing a patron can type reaches a 500:
Elasticsearch refusing a query is a 400, Elasticsearch being down a 503.
"""

from __future__ import annotations

import re
from functools import lru_cache
from urllib.parse import quote

from django.conf import settings
from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
    inline_serializer,
)
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers, status
from rest_framework.exceptions import APIException, NotFound, ValidationError
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response
from rest_framework.views import APIView

from search import citations, selectors
from search.params import SearchParamsSerializer, serializer_error_message
from search.query.paging import InvalidCursor

MAX_CITATIONS = 100
_RECORD_REF_RE = re.compile(r"^([a-z0-9_-]{1,48}):(\d{1,18})$")
RECORD_REFS_PATTERN = r"^[a-z0-9_-]{1,48}:[0-9]{1,18}(,[a-z0-9_-]{1,48}:[0-9]{1,18})*$"


class ErrorSerializer(serializers.Serializer):
    detail = serializers.CharField()


# --- Output --------------------------------------------------------------------------------------------


@lru_cache(maxsize=1)
def _url_templates() -> tuple[str, str]:
    """The public site's work and library URLs with a placeholder, reversed once per process. The public
    site's URLconf is django-tenants' ``PUBLIC_SCHEMA_URLCONF`` (ROOT_URLCONF is a library site's)."""
    urlconf = settings.PUBLIC_SCHEMA_URLCONF
    work = reverse("search:work-page", args=["WORKKEY"], urlconf=urlconf)
    library = reverse("library-detail", args=["LIBRARYCODE"], urlconf=urlconf)
    return work, library


_URL_SAFE_RE = re.compile(r"^[A-Za-z0-9:_-]+$")  # work keys and library codes as the index has them


def work_url(work_key: str) -> str:
    path_part = work_key if _URL_SAFE_RE.match(work_key) else quote(work_key, safe=":@")
    return _url_templates()[0].replace("WORKKEY", path_part)


def library_url(library_code: str) -> str:
    path_part = library_code if _URL_SAFE_RE.match(library_code) else quote(library_code, safe="")
    return _url_templates()[1].replace("LIBRARYCODE", path_part)


# --- Output --------------------------------------------------------------------------------------------
# The serializers below document the answers in the OpenAPI schema (schemathesis checks every answer
# against them); the answers themselves are built by the *_data functions, which do the same as
# ``Serializer(...).data`` at a fraction of the cost (DRF's field machinery took ~20 ms of a search).


def holding_data(holding: selectors.Holding) -> dict:
    return {
        "record": holding.record_ref,
        "library_code": holding.library_code,
        "library_name": holding.library_name,
        "library_url": library_url(holding.library_code),
        "city": holding.city,
        "province": holding.province,
        "unit_kind": holding.unit_kind,
        "title": holding.title,
        "call_number": holding.call_number,
        "copies_available": holding.copies_available,
        "copies_total": holding.copies_total,
        "availability_known": holding.availability_known,
    }


def hit_data(hit: selectors.WorkHit) -> dict:
    return {
        "work_key": hit.work_key,
        "url": work_url(hit.work_key),
        "record": hit.record_ref,
        "title": hit.title,
        "title_html": str(hit.title_html),
        "authors": list(hit.authors),
        "year": hit.year,
        "publish_year": hit.publish_year,
        "publisher": hit.publisher,
        "publish_place": hit.publish_place,
        "edition": hit.edition,
        "isbn": list(hit.isbn),
        "call_number": hit.call_number,
        "classification": hit.classification,
        "language": hit.language,
        "material_type": hit.material_type,
        "subjects": list(hit.subjects),
        "series_title": hit.series_title,
        "holdings_count": hit.holdings_count,
        "library_count": hit.library_count,
        "holdings": [holding_data(holding) for holding in hit.holdings],
    }


def result_data(result: selectors.SearchResult) -> dict:
    years = result.years
    return {
        "query": result.query,
        "order": result.order.value,
        "total_works": result.total_works,
        "page": result.page,
        "per_page": result.per_page,
        "pages": result.pages,
        "next": result.next_cursor,
        "hits": [hit_data(hit) for hit in result.hits],
        "facets": [
            {
                "param": group.param,
                "values": [
                    {"value": v.value, "label": str(v.label), "count": v.count, "selected": v.selected}
                    for v in group.values
                ],
            }
            for group in result.facets
        ],
        "years": None
        if years is None
        else {
            "minimum": years.minimum,
            "maximum": years.maximum,
            "decades": [{"start": start, "end": start + 9, "count": count} for start, count in years.decades],
            "selected_from": years.selected_from,
            "selected_to": years.selected_to,
        },
        "did_you_mean": result.did_you_mean,
        "corrected_from": result.corrected_from,
        "relaxed": result.relaxed,
        "warnings": [str(warning) for warning in result.warnings],
        "took_ms": result.took_ms,
    }


def work_data(work: selectors.WorkDetail) -> dict:
    return {
        "work_key": work.work_key,
        "url": work_url(work.work_key),
        "work": hit_data(work.head),
        "holdings": [holding_data(holding) for holding in work.holdings],
        "library_count": work.library_count,
        "copies_available": work.copies_available,
        "copies_total": work.copies_total,
        "copies_availability_unknown": work.copies_unknown,
    }


class HoldingSerializer(serializers.Serializer):
    record = serializers.CharField(source="record_ref", help_text="<kode perpustakaan>:<id cantuman>")
    library_code = serializers.CharField()
    library_name = serializers.CharField()
    library_url = serializers.SerializerMethodField()
    city = serializers.CharField()
    province = serializers.CharField()
    unit_kind = serializers.CharField()
    title = serializers.CharField(help_text="Judul seperti dikatalog perpustakaan ini.")
    call_number = serializers.CharField()
    copies_available = serializers.IntegerField(
        allow_null=True,
        help_text="Eksemplar di rak; null bila ketersediaan tidak diketahui (perpustakaan tidak melaporkan "
        "peminjaman).",
    )
    copies_total = serializers.IntegerField()
    availability_known = serializers.BooleanField(
        help_text="Apakah perpustakaan ini melaporkan peminjaman (sirkulasinya di Simpul)."
    )

    def get_library_url(self, holding) -> str:
        return library_url(holding.library_code)


class WorkHitSerializer(serializers.Serializer):
    work_key = serializers.CharField()
    url = serializers.SerializerMethodField(help_text="Tautan tetap karya ini.")
    record = serializers.CharField(source="record_ref")
    title = serializers.CharField()
    title_html = serializers.CharField(
        help_text="Judul (HTML di-escape) dengan kata yang cocok dalam <mark>."
    )
    authors = serializers.ListField(child=serializers.CharField())
    year = serializers.IntegerField(allow_null=True)
    publish_year = serializers.CharField()
    publisher = serializers.CharField()
    publish_place = serializers.CharField()
    edition = serializers.CharField()
    isbn = serializers.ListField(child=serializers.CharField())
    call_number = serializers.CharField()
    classification = serializers.CharField()
    language = serializers.CharField()
    material_type = serializers.CharField()
    subjects = serializers.ListField(child=serializers.CharField())
    series_title = serializers.CharField()
    holdings_count = serializers.IntegerField()
    library_count = serializers.IntegerField()
    holdings = HoldingSerializer(many=True)

    def get_url(self, hit) -> str:
        return work_url(hit.work_key)


class FacetValueSerializer(serializers.Serializer):
    value = serializers.CharField()
    label = serializers.CharField()
    count = serializers.IntegerField()
    selected = serializers.BooleanField()


class FacetGroupSerializer(serializers.Serializer):
    param = serializers.CharField()
    values = FacetValueSerializer(many=True)


class DecadeSerializer(serializers.Serializer):
    start = serializers.IntegerField()
    end = serializers.IntegerField()
    count = serializers.IntegerField(help_text="Cantuman (eksemplar judul) pada dasawarsa ini.")


class YearFacetSerializer(serializers.Serializer):
    minimum = serializers.IntegerField(allow_null=True)
    maximum = serializers.IntegerField(allow_null=True)
    decades = serializers.SerializerMethodField()
    selected_from = serializers.IntegerField(allow_null=True)
    selected_to = serializers.IntegerField(allow_null=True)

    @extend_schema_field(DecadeSerializer(many=True))
    def get_decades(self, years) -> list[dict]:
        return [{"start": start, "end": start + 9, "count": count} for start, count in years.decades]


class SearchResultSerializer(serializers.Serializer):
    query = serializers.CharField(help_text="Kueri yang dijalankan (kueri yang dikoreksi bila ada koreksi).")
    order = serializers.CharField()
    total_works = serializers.IntegerField()
    page = serializers.IntegerField(allow_null=True)
    per_page = serializers.IntegerField()
    pages = serializers.IntegerField()
    next = serializers.CharField(source="next_cursor", allow_null=True, help_text="Nilai untuk 'setelah'.")
    hits = WorkHitSerializer(many=True)
    facets = FacetGroupSerializer(many=True)
    years = YearFacetSerializer(allow_null=True)
    did_you_mean = serializers.CharField(allow_null=True)
    corrected_from = serializers.CharField(allow_null=True)
    relaxed = serializers.BooleanField()
    warnings = serializers.ListField(child=serializers.CharField())
    took_ms = serializers.FloatField()


class SuggestionSerializer(serializers.Serializer):
    text = serializers.CharField()
    kind = serializers.ChoiceField(choices=["judul", "pengarang"])
    work_key = serializers.CharField()


class RecordSerializer(serializers.Serializer):
    record = serializers.CharField(source="record_ref")
    work_key = serializers.CharField()
    work_url = serializers.SerializerMethodField()
    library_url = serializers.SerializerMethodField()
    copies_available = serializers.IntegerField(
        allow_null=True, help_text="Eksemplar di rak; null bila ketersediaan tidak diketahui."
    )
    copies_total = serializers.IntegerField()
    availability_known = serializers.BooleanField(
        help_text="Apakah perpustakaan ini melaporkan peminjaman (sirkulasinya di Simpul)."
    )
    availability_is_live = serializers.BooleanField(
        help_text="Ketersediaan dibaca langsung dari katalog perpustakaan (bukan dari indeks)."
    )
    metadata = serializers.SerializerMethodField(help_text="Data cantuman seperti di indeks gabungan.")

    def get_work_url(self, record) -> str:
        return work_url(record.work_key)

    def get_library_url(self, record) -> str:
        return library_url(record.source.get("library_code", ""))

    @extend_schema_field(OpenApiTypes.OBJECT)
    def get_metadata(self, record) -> dict:
        return record.source


class WorkSerializer(serializers.Serializer):
    work_key = serializers.CharField()
    url = serializers.SerializerMethodField()
    work = WorkHitSerializer(source="head")
    holdings = HoldingSerializer(many=True)
    library_count = serializers.IntegerField()
    copies_available = serializers.IntegerField(
        help_text="Eksemplar di rak, di perpustakaan yang ketersediaannya diketahui."
    )
    copies_total = serializers.IntegerField()
    copies_availability_unknown = serializers.IntegerField(
        source="copies_unknown",
        help_text="Eksemplar yang ketersediaannya tidak diketahui (perpustakaan tanpa data peminjaman).",
    )

    def get_url(self, work) -> str:
        return work_url(work.work_key)


# --- Views ---------------------------------------------------------------------------------------------


def _blank_params(serializer: serializers.Serializer, data) -> dict[str, list[str]]:
    """Parameters sent empty (``halaman=``) whose field does not allow blank. DRF reads query parameters
    like an HTML form and treats such a value as absent, so the API would answer as if it had not been
    sent; the OpenAPI schema says it must be a number or a choice, so the API refuses it."""
    blank = {}
    for name, field in serializer.fields.items():
        if getattr(field, "allow_blank", False):
            continue
        values = data.getlist(name) if hasattr(data, "getlist") else [data.get(name)]
        if "" in values:
            blank[name] = [_("Nilai tidak boleh kosong.")]
    return blank


def _validated(serializer_class, data) -> serializers.Serializer:
    serializer = serializer_class(data=data)
    blank = _blank_params(serializer, data)
    if blank:
        name = next(iter(blank))
        raise ValidationError({"detail": f"{name}: {blank[name][0]}", "errors": blank})
    if not serializer.is_valid():
        raise ValidationError({"detail": serializer_error_message(serializer), "errors": serializer.errors})
    return serializer


def _run(selector, *args, **kwargs):
    try:
        return selector(*args, **kwargs)
    except (InvalidCursor, selectors.PageTooDeep) as error:
        raise ValidationError({"detail": str(error)}) from error
    except selectors.SearchUnavailable as error:
        raise ServiceUnavailable(str(error)) from error
    except selectors.SearchError as error:
        raise ValidationError({"detail": str(error)}) from error


class ServiceUnavailable(APIException):
    status_code = status.HTTP_503_SERVICE_UNAVAILABLE
    default_detail = _lazy("Layanan pencarian sedang tidak tersedia.")
    default_code = "service_unavailable"


WORK_KEY_PARAMETER = OpenApiParameter(
    "work_key",
    str,
    OpenApiParameter.PATH,
    required=True,
    pattern=r"^(isbn|fp):[0-9A-Za-z]{1,40}$",
    description="Kunci karya: 'isbn:<ISBN-13>' atau 'fp:<sidik jari judul dan pengarang>'.",
)
RECORD_PARAMETERS = [
    OpenApiParameter(
        "library_code", str, OpenApiParameter.PATH, required=True, pattern=r"^[-a-zA-Z0-9_]{1,48}$"
    ),
    OpenApiParameter(
        "record_id",
        {"type": "integer", "minimum": 0, "maximum": 2**63 - 1},
        OpenApiParameter.PATH,
        required=True,
        description="Id cantuman.",
    ),
]
_ERRORS = {
    400: OpenApiResponse(ErrorSerializer, description="Parameter tidak sah; 'detail' menjelaskan."),
    503: OpenApiResponse(ErrorSerializer, description="Layanan pencarian tidak tersedia."),
}


class SearchApi(APIView):
    """Search every library at once; one hit per work with its holdings."""

    @extend_schema(
        operation_id="search",
        parameters=[SearchParamsSerializer],
        responses={200: SearchResultSerializer, **_ERRORS},
        summary="Cari di semua perpustakaan",
    )
    def get(self, request):
        params = _validated(SearchParamsSerializer, request.query_params)
        result = _run(selectors.search_works, params.to_request())
        return Response(result_data(result))


class WorkApi(APIView):
    @extend_schema(
        operation_id="work",
        parameters=[WORK_KEY_PARAMETER],
        responses={200: WorkSerializer, 404: ErrorSerializer, 503: _ERRORS[503]},
        summary="Satu karya dan semua perpustakaan yang memilikinya",
    )
    def get(self, request, work_key: str):
        work = _run(selectors.work_detail, work_key)
        if work is None:
            raise NotFound(_("Karya ini tidak ditemukan di perpustakaan mana pun."))
        return Response(work_data(work))


def _record_ref(library_code: str, record_id: int) -> tuple[str, int]:
    if record_id >= 2**63:
        raise NotFound(_("Cantuman tidak ditemukan."))
    return library_code, record_id


class RecordApi(APIView):
    @extend_schema(
        operation_id="record",
        parameters=RECORD_PARAMETERS,
        responses={200: RecordSerializer, 404: ErrorSerializer, 503: _ERRORS[503]},
        summary="Satu cantuman dengan ketersediaan terkini",
    )
    def get(self, request, library_code: str, record_id: int):
        record = _run(selectors.record_detail, *_record_ref(library_code, record_id))
        if record is None:
            raise NotFound(_("Cantuman tidak ditemukan."))
        return Response(RecordSerializer(record).data)


class SuggestParamsSerializer(serializers.Serializer):
    q = serializers.CharField(max_length=100, help_text="Awal judul atau nama pengarang.")


class SuggestApi(APIView):
    @extend_schema(
        operation_id="suggest",
        parameters=[SuggestParamsSerializer],
        responses={
            200: inline_serializer("Suggestions", {"suggestions": SuggestionSerializer(many=True)}),
            **_ERRORS,
        },
        summary="Lengkapi otomatis judul dan pengarang",
    )
    def get(self, request):
        params = _validated(SuggestParamsSerializer, request.query_params)
        suggestions = _run(selectors.suggest_completions, params.validated_data["q"])
        return Response({"suggestions": SuggestionSerializer(suggestions, many=True).data})


# --- Citations -----------------------------------------------------------------------------------------


class CitationNegotiation(DefaultContentNegotiation):
    """Citations answer in the format named by ``format``, which DRF would otherwise take for a renderer
    name (URL_FORMAT_OVERRIDE) and turn into a 404: the format is validated by the serializer instead."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class CiteParamsSerializer(serializers.Serializer):
    format = serializers.ChoiceField(
        choices=list(citations.FORMATS), default="ris", help_text="ris, bibtex atau csl-json."
    )
    unduh = serializers.BooleanField(required=False, default=True, help_text="Sebagai berkas unduhan.")


class CiteSelectionParamsSerializer(CiteParamsSerializer):
    ids = serializers.ListField(
        child=serializers.RegexField(RECORD_REFS_PATTERN, max_length=2000),
        min_length=1,
        max_length=MAX_CITATIONS,
        help_text="Cantuman '<kode perpustakaan>:<id>'; ulangi parameter atau pisahkan dengan koma.",
    )

    def validate_ids(self, values: list[str]) -> list[tuple[str, int]]:
        refs = []
        for value in (part.strip() for raw in values for part in raw.split(",")):
            if not value:
                continue
            match = _RECORD_REF_RE.match(value)
            if not match:
                message = _("'%(value)s' bukan acuan cantuman '<kode perpustakaan>:<id>'.")
                raise ValidationError(message % {"value": value[:80]})
            refs.append((match.group(1), int(match.group(2))))
        if not refs:
            raise ValidationError(_("Sebutkan sedikitnya satu cantuman."))
        if len(refs) > MAX_CITATIONS:
            raise ValidationError(
                _("Paling banyak %(count)s cantuman sekali ekspor.") % {"count": MAX_CITATIONS}
            )
        return list(dict.fromkeys(refs))


_CITATION_RESPONSES = {
    (200, media_type): OpenApiResponse(OpenApiTypes.STR, description=f"Sitasi {name}")
    for name, (media_type, _) in citations.FORMATS.items()
}


def _citation_response(request, sources: list[dict], format_name: str, download: bool, filename: str):
    urls = [request.build_absolute_uri(work_url(source.get("work_key", ""))) for source in sources]
    media_type, extension = citations.FORMATS[format_name]
    response = HttpResponse(
        citations.render(format_name, sources, urls), content_type=f"{media_type}; charset=utf-8"
    )
    if download:
        response["Content-Disposition"] = f'attachment; filename="{filename}.{extension}"'
    return response


class CiteRecordApi(APIView):
    content_negotiation_class = CitationNegotiation

    @extend_schema(
        operation_id="cite_record",
        parameters=[*RECORD_PARAMETERS, CiteParamsSerializer],
        responses={**_CITATION_RESPONSES, 400: ErrorSerializer, 404: ErrorSerializer, 503: ErrorSerializer},
        summary="Sitasi satu cantuman (RIS, BibTeX, CSL-JSON)",
    )
    def get(self, request, library_code: str, record_id: int):
        params = _validated(CiteParamsSerializer, request.query_params)
        sources = _run(selectors.records_by_ref, [_record_ref(library_code, record_id)])
        if not sources:
            raise NotFound(_("Cantuman tidak ditemukan."))
        data = params.validated_data
        return _citation_response(
            request, sources, data["format"], data["unduh"], f"{library_code}-{record_id}"
        )


class CiteSelectionApi(APIView):
    content_negotiation_class = CitationNegotiation

    @extend_schema(
        operation_id="cite_selection",
        parameters=[CiteSelectionParamsSerializer],
        responses={**_CITATION_RESPONSES, 400: ErrorSerializer, 404: ErrorSerializer, 503: ErrorSerializer},
        summary="Sitasi beberapa cantuman sekaligus",
    )
    def get(self, request):
        params = _validated(CiteSelectionParamsSerializer, request.query_params)
        data = params.validated_data
        sources = _run(selectors.records_by_ref, data["ids"])
        if not sources:
            raise NotFound(_("Tidak satu pun cantuman itu ditemukan."))
        return _citation_response(request, sources, data["format"], data["unduh"], "simpul-sitasi")


# --- Schema --------------------------------------------------------------------------------------------


class SchemaApi(SpectacularAPIView):
    """The OpenAPI schema of the site that serves it: the URLconf the request was routed with (django-tenants
    sets ``request.urlconf`` on the public site), not ROOT_URLCONF, which is a library site's."""

    def get(self, request, *args, **kwargs):
        self.urlconf = getattr(request, "urlconf", None) or self.urlconf
        return super().get(request, *args, **kwargs)
