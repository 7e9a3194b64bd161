"""The library's catalogue as a JSON API for its staff (``/api/katalog/``, on the library's host): records
(hidden ones included), copies and the authorities (authors, subjects, publishers).

Reading: the library's staff and supervisors. Writing (POST, PUT, PATCH, DELETE): the library's staff,
only while its catalogue is managed in Simpul; supervisors never write, anonymous users get nothing (the
public ``/api/records/`` is the public view). Sessions authenticate the API, so a write needs the CSRF
token (``X-CSRFToken``) as any form of the site does.

Views are thin: a serializer checks the shape of the body, the cataloguing services
(``catalog.cataloguing.services``, the same road as the record form) check the content, write in one
transaction, audit every change and announce it to the union index. Their refusals map to HTTP:
``RecordInvalid`` → 400 with the errors by field (DRF's shape: copies and authors by row),
``CatalogueNotManaged`` → 403, not deletable (loans, records using an authority) → 409."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import datetime, time
from decimal import Decimal

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.parsers import JSONParser
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.response import Response
from rest_framework.settings import api_settings

from catalog.cataloguing import selectors as cataloguing_selectors
from catalog.cataloguing import services
from catalog.cataloguing.services import AuthorEntry, CopyData, RecordData
from catalog.models import Author, Item, Publisher, Record, RecordAuthor, Subject
from catalog.selectors import open_loan_exists
from portal.accounts.permissions import (
    can_edit_library_catalogue,
    can_manage_library,
    can_read_library_catalogue,
    current_library,
)

WRITE_ACTIONS = ("create", "update", "partial_update")
# Any path segment reaches the view, which answers a JSON 404 for an id that is not one (the router's
# default leaves a segment with a dot, "1.5", to Django's HTML 404 page).
ANY_SEGMENT = r"[^/]+"
_ORIGIN_PATTERN = r"^[a-z0-9][a-z0-9-]{0,47}:\d{1,12}$"  # "<library code>:<record id>", as the form
_LARGEST_ID = 2**63 - 1


# --- who may ---------------------------------------------------------------------------------------------


class CanReadLibraryCatalogue(BasePermission):
    """The request's library (from its host) is one whose whole catalogue the user may read."""

    def has_permission(self, request, view) -> bool:
        return can_read_library_catalogue(request.user, current_library(request))


def _with_fresh_system(library):
    """The host → library lookup is cached per process for a few seconds; whether the catalogue is
    managed in Simpul decides who may write, and a move-over changes it, so it is read fresh (on a copy:
    the cached object is shared)."""
    from tenants.models import Library

    system = Library.objects.filter(pk=library.pk).values_list("system", flat=True).first()
    if system and system != library.system:
        library = copy.copy(library)
        library.system = system
    return library


class CanChangeLibraryCatalogue(BasePermission):
    """Reads as ``CanReadLibraryCatalogue``; writes only by the library's staff of a catalogue managed in
    Simpul (``can_edit_library_catalogue``). A refusal says why, as the staff pages do."""

    def has_permission(self, request, view) -> bool:
        library = current_library(request)
        if request.method in SAFE_METHODS:
            return can_read_library_catalogue(request.user, library)
        if library is None:
            return False
        library = _with_fresh_system(library)
        if can_edit_library_catalogue(request.user, library):
            return True
        if can_manage_library(request.user, library):
            self.message = _(
                "Katalog %(library)s dipanen dari %(system)s: cantuman dan eksemplar diubah di sana. "
                "Pindahkan katalog ke Simpul lewat «Pindah dari SLiMS» untuk menyuntingnya di sini."
            ) % {"library": library.name, "system": library.get_system_display()}
        elif can_read_library_catalogue(request.user, library):
            self.message = _("Anda dapat melihat katalog ini, tetapi tidak mengubahnya.")
        else:
            self.message = _("Halaman ini hanya untuk pustakawan %(library)s.") % {"library": library.name}
        return False


# --- errors ------------------------------------------------------------------------------------------------


class Conflict(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = gettext_lazy("Permintaan ini bentrok dengan keadaan katalog.")
    default_code = "conflict"


def _as_drf_errors(errors: Mapping[str, list[str]], rows: Mapping[str, int]) -> dict:
    """The save service's ``{"copies.1.item_code": [...], "subjects.0": [...], "__all__": [...]}`` in the
    shape DRF gives its own errors, so a client reads one shape: ``{index: [...]}`` for ``subjects`` and
    ``{index: {field: [...]}}`` for ``copies`` and ``authors`` — or, where DRF still writes list errors as
    lists (``LIST_SERIALIZER_ERRORS_AS_DICT`` off), one object per row sent (``rows`` says how many)."""
    shaped: dict = {}
    for key, messages in errors.items():
        name, *rest = key.split(".")
        if name == "__all__":
            shaped.setdefault(api_settings.NON_FIELD_ERRORS_KEY, []).extend(messages)
        elif not rest or not rest[0].isdigit():
            shaped.setdefault(name, []).extend(messages)
        elif len(rest) == 1:
            shaped.setdefault(name, {}).setdefault(int(rest[0]), []).extend(messages)
        else:
            by_row = shaped.setdefault(name, {})
            by_row.setdefault(int(rest[0]), {}).setdefault(rest[1], []).extend(messages)
    if not getattr(api_settings, "LIST_SERIALIZER_ERRORS_AS_DICT", False):
        for name in ("copies", "authors"):
            if isinstance(shaped.get(name), dict):
                by_row = shaped[name]
                count = max(rows.get(name, 0), max(by_row) + 1)
                shaped[name] = [by_row.get(index, {}) for index in range(count)]
    return shaped


@contextmanager
def _service_refusals(rows: Mapping[str, int] | None = None) -> Iterator[None]:
    """Map the cataloguing services' refusals to HTTP answers (see the module docstring)."""
    try:
        yield
    except services.RecordInvalid as error:
        raise ValidationError(_as_drf_errors(error.errors, rows or {})) from error
    except services.CatalogueNotManaged as error:
        raise PermissionDenied(str(error)) from error
    except (services.RecordNotDeletable, services.CopyNotDeletable, services.AuthorityInUse) as error:
        raise Conflict(str(error)) from error


class ErrorDetailSerializer(serializers.Serializer):
    detail = serializers.CharField(help_text="Why the request was refused, in the user's language.")


_BAD_REQUEST = OpenApiResponse(
    response=OpenApiTypes.OBJECT,
    description=(
        "The body is invalid: `{field: [messages]}`; rows of `copies` and `authors` as "
        "`{index: {field: [messages]}}`, of `subjects` as `{index: [messages]}` (the index of the row "
        "sent); `non_field_errors` for the whole."
    ),
)
_FORBIDDEN = OpenApiResponse(
    response=ErrorDetailSerializer,
    description="Not signed in, not staff of this library, a supervisor (reads only), a missing CSRF "
    "token, or a catalogue harvested from its own SLiMS (edited there).",
)
_NOT_FOUND = OpenApiResponse(response=ErrorDetailSerializer, description="No such object in this library.")
_NO_PAGE = OpenApiResponse(response=ErrorDetailSerializer, description="No such page of the list.")
_BAD_FILTER = OpenApiResponse(
    response=OpenApiTypes.OBJECT, description="A filter that is not understood: `{parameter: [messages]}`."
)
_CONFLICT = OpenApiResponse(response=ErrorDetailSerializer, description="It may not be deleted; says why.")


def _write_schema(read_serializer, write_serializer, *, created: bool = False) -> dict:
    responses = {
        (201 if created else 200): read_serializer,
        400: _BAD_REQUEST,
        403: _FORBIDDEN,
    }
    if not created:
        responses[404] = _NOT_FOUND
    return {"request": write_serializer, "responses": responses}


def _list_schema(read_serializer, parameters: list, *, filtered: bool = False) -> dict:
    responses = {200: read_serializer(many=True), 403: _FORBIDDEN, 404: _NO_PAGE}
    if filtered:
        responses[400] = _BAD_FILTER
    return {"parameters": parameters, "responses": responses}


def _retrieve_schema(read_serializer) -> dict:
    return {"responses": {200: read_serializer, 403: _FORBIDDEN, 404: _NOT_FOUND}}


def _delete_schema(description: str) -> dict:
    return {
        "description": description,
        "responses": {204: None, 403: _FORBIDDEN, 404: _NOT_FOUND, 409: _CONFLICT},
    }


# --- reading serializers -------------------------------------------------------------------------------


class AuthorLinkSerializer(serializers.ModelSerializer):
    id = serializers.IntegerField(source="author.id")
    name = serializers.CharField(source="author.name")
    author_type = serializers.CharField(source="author.author_type")

    class Meta:
        model = RecordAuthor
        fields = ("id", "name", "author_type", "level", "role")


class SubjectSerializer(serializers.ModelSerializer):
    records = serializers.IntegerField(source="record_count", read_only=True)

    class Meta:
        model = Subject
        fields = ("id", "name", "records")


class PublisherSerializer(serializers.ModelSerializer):
    records = serializers.IntegerField(source="record_count", read_only=True)

    class Meta:
        model = Publisher
        fields = ("id", "name", "records")


class AuthorSerializer(serializers.ModelSerializer):
    records = serializers.IntegerField(source="record_count", read_only=True)

    class Meta:
        model = Author
        fields = ("id", "name", "author_type", "records")


class CopySerializer(serializers.ModelSerializer):
    on_loan = serializers.BooleanField(
        read_only=True, help_text="A loan of this copy is open (no one named)."
    )
    record_title = serializers.CharField(source="record.title", read_only=True)

    class Meta:
        model = Item
        fields = (
            "id",
            "record",
            "record_title",
            "item_code",
            "call_number",
            "collection_type",
            "location",
            "status",
            "on_loan",
            "acquired_on",
            "acquisition_source",
            "price",
            "created_at",
            "updated_at",
        )


class RecordCopySerializer(CopySerializer):
    class Meta(CopySerializer.Meta):
        fields = tuple(name for name in CopySerializer.Meta.fields if name not in ("record", "record_title"))


class StaffRecordSerializer(serializers.ModelSerializer):
    publisher = serializers.CharField(source="publisher.name", default="", read_only=True)
    authors = AuthorLinkSerializer(source="record_authors", many=True, read_only=True)
    subjects = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    copies = RecordCopySerializer(source="items", many=True, read_only=True)

    class Meta:
        model = Record
        fields = (
            "id",
            "title",
            "statement_of_responsibility",
            "edition",
            "isbn_issn",
            "publisher",
            "publish_place",
            "publish_year",
            "collation",
            "series_title",
            "call_number",
            "classification",
            "language",
            "notes",
            "abstract",
            "material_type",
            "opac_hide",
            "authors",
            "subjects",
            "copies",
            "copied_from",
            "edited_in_simpul_at",
            "created_at",
            "updated_at",
        )


# --- writing serializers: the shape of a body; its content is checked by the services -----------------


def _text(name: str, *, model=Record, **kwargs) -> serializers.CharField:
    limit = kwargs.pop("max_length", None) or model._meta.get_field(name).max_length
    return serializers.CharField(max_length=limit, required=False, allow_blank=True, **kwargs)


class AuthorEntrySerializer(serializers.Serializer):
    name = serializers.CharField(max_length=255, help_text="Reused when an author of this name exists.")
    role = serializers.ChoiceField(choices=RecordAuthor.Role.choices, default=RecordAuthor.Role.AUTHOR)
    level = serializers.ChoiceField(
        choices=((1, "1 (utama)"), (2, "2 (tambahan)")), default=1, help_text="1 = primary author."
    )


class CopyFieldsSerializer(serializers.Serializer):
    """A copy's own fields (eksemplar). "On loan" is not a status: it follows the open loan."""

    item_code = _text("item_code", model=Item, help_text="Barcode, unique in the library.")
    call_number = _text("call_number", model=Item, help_text="Empty: the record's call number.")
    collection_type = _text("collection_type", model=Item)
    location = _text("location", model=Item)
    status = serializers.ChoiceField(choices=Item.Status.choices, required=False)
    acquired_on = serializers.DateField(required=False, allow_null=True)
    acquisition_source = serializers.ChoiceField(
        choices=Item.AcquisitionSource.choices, required=False, allow_blank=True
    )
    price = serializers.DecimalField(
        max_digits=12, decimal_places=2, min_value=Decimal(0), required=False, allow_null=True
    )


class CopyChangeSerializer(CopyFieldsSerializer):
    """One change to a record's copies: without ``id`` a new copy; with the ``id`` of one of this record's
    copies, the fields given change it (the others stay) or ``delete`` removes it. Copies not listed stay
    as they are."""

    id = serializers.IntegerField(
        required=False,
        allow_null=True,
        min_value=1,
        max_value=_LARGEST_ID,
        help_text="A copy of this record.",
    )
    delete = serializers.BooleanField(required=False, default=False)


class RecordWriteSerializer(serializers.Serializer):
    """A record as the record form saves it. PUT replaces the record's fields, authors and subjects (what
    is left out becomes empty); PATCH changes only what it gives. ``copies`` is a list of changes in both.
    ISBN/ISSN check digits, the year, barcodes and the rest are checked by the save service."""

    title = serializers.CharField(max_length=2000)
    statement_of_responsibility = _text("statement_of_responsibility")
    edition = _text("edition")
    isbn_issn = _text("isbn_issn", help_text="ISBN-10/13 or ISSN; several separated by «;».")
    publisher = serializers.CharField(
        max_length=255, required=False, allow_blank=True, help_text="A name; reused when it exists."
    )
    publish_place = _text("publish_place")
    publish_year = _text("publish_year", help_text="As in SLiMS: 2019, 1440 H/2019, [t.t.]")
    collation = _text("collation")
    series_title = _text("series_title")
    call_number = _text("call_number")
    classification = _text("classification", help_text="DDC, e.g. 297.122")
    language = _text("language", help_text="ISO 639-1 code, e.g. id, ar, en")
    material_type = _text("material_type", help_text="GMD, e.g. Text")
    notes = serializers.CharField(required=False, allow_blank=True)
    abstract = serializers.CharField(required=False, allow_blank=True)
    opac_hide = serializers.BooleanField(required=False, help_text="Hidden from the OPAC: only staff see it.")
    authors = AuthorEntrySerializer(many=True, required=False, max_length=50)
    subjects = serializers.ListField(
        child=serializers.CharField(max_length=255), required=False, max_length=50, help_text="Names."
    )
    copies = CopyChangeSerializer(many=True, required=False, max_length=200)
    copied_from = serializers.RegexField(
        _ORIGIN_PATTERN,
        max_length=120,
        required=False,
        allow_blank=True,
        help_text="Copy cataloguing: the union record copied, «<library code>:<record id>».",
    )


class CopyWriteSerializer(CopyFieldsSerializer):
    """A copy saved on its own. PUT replaces its fields (what is left out becomes empty); PATCH changes
    only what it gives. A copy stays with its record (``record`` may only name it)."""

    record = serializers.PrimaryKeyRelatedField(queryset=Record.objects.all(), help_text="The copy's record.")
    item_code = serializers.CharField(max_length=64, help_text="Barcode, unique in the library.")


class NameWriteSerializer(serializers.Serializer):
    name = serializers.CharField(
        max_length=255,
        help_text="A rename onto a name another row has (in any case) is refused: it would merge two.",
    )


class AuthorWriteSerializer(NameWriteSerializer):
    author_type = serializers.ChoiceField(choices=Author.AuthorType.choices, required=False)


# --- the filters of the lists: checked as a body is (a NUL byte, a date that is none: 400, never a 500) ----


class SinceField(serializers.CharField):
    """A date or a date-time in ISO 8601; a date means its start, a time without a zone the library's."""

    def to_internal_value(self, data):
        text = super().to_internal_value(data)
        try:
            moment = parse_datetime(text)
            if moment is None:
                day = parse_date(text)
                moment = datetime.combine(day, time.min) if day is not None else None
        except ValueError:  # well formed, but no such date or time ("2026-02-30")
            moment = None
        if moment is None:
            raise ValidationError(_("Tanggal tidak dikenali; pakai ISO 8601 (mis. 2026-01-31)."))
        return timezone.make_aware(moment) if timezone.is_naive(moment) else moment


class SearchFilterSerializer(serializers.Serializer):
    q = serializers.CharField(required=False, allow_blank=True)


class RecordFilterSerializer(SearchFilterSerializer):
    diubah_sejak = SinceField(required=False, allow_blank=True)


class CopyFilterSerializer(serializers.Serializer):
    cantuman = serializers.IntegerField(required=False, min_value=1, max_value=_LARGEST_ID)
    kode = serializers.CharField(required=False, allow_blank=True)


class DuplicateFilterSerializer(serializers.Serializer):
    """What the record form sends while the librarian types (its duplicate warning)."""

    isbn = serializers.CharField(required=False, allow_blank=True, max_length=40)
    judul = serializers.CharField(required=False, allow_blank=True, max_length=500)
    pengarang = serializers.CharField(
        required=False, allow_blank=True, max_length=255, help_text="The primary author."
    )
    kecuali = serializers.IntegerField(
        required=False, min_value=1, max_value=_LARGEST_ID, help_text="The record being edited."
    )


class DuplicateSerializer(serializers.Serializer):
    id = serializers.IntegerField(source="record_id")
    title = serializers.CharField()
    authors = serializers.ListField(child=serializers.CharField())
    isbn_issn = serializers.CharField()
    publish_year = serializers.CharField()
    reason = serializers.ChoiceField(
        choices=(("isbn", "the same ISBN"), ("judul", "the same title and primary author"))
    )


def _filters(serializer_class, request) -> dict:
    """The list's query parameters as ``serializer_class`` reads them (400 by parameter otherwise)."""
    serializer = serializer_class(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# --- reading helpers ---------------------------------------------------------------------------------------


def _copies_with_loan_flag():
    return Item.objects.annotate(on_loan=open_loan_exists()).order_by("item_code")


def _records_for_staff():
    return (
        Record.objects.select_related("publisher")
        .prefetch_related(
            Prefetch("record_authors", queryset=RecordAuthor.objects.select_related("author")),
            "subjects",
            Prefetch("items", queryset=_copies_with_loan_flag()),
        )
        .order_by("pk")
    )


def _validated(serializer_class, request, *, partial: bool) -> tuple[dict, dict[str, int]]:
    """The body checked by ``serializer_class``; also how many rows each list had (for the errors)."""
    serializer = serializer_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    body = request.data if isinstance(request.data, Mapping) else {}
    rows = {name: len(value) for name, value in body.items() if isinstance(value, list)}
    return dict(serializer.validated_data), rows


def _current_record_values(record: Record) -> dict:
    values = {name: getattr(record, name) for name in services.RECORD_TEXT_FIELDS}
    values["publisher"] = record.publisher.name if record.publisher_id else ""
    values["opac_hide"] = record.opac_hide
    values["authors"] = [
        {"name": link.author.name, "role": link.role, "level": link.level}
        for link in record.record_authors.all()
    ]
    values["subjects"] = [subject.name for subject in record.subjects.all()]
    return values


def _record_data(given: dict, base: dict) -> RecordData:
    values = {**base, **given}
    text = {name: values.get(name, "") for name in services.RECORD_TEXT_FIELDS}
    return RecordData(
        **text,
        publisher=values.get("publisher", ""),
        opac_hide=bool(values.get("opac_hide", False)),
        authors=tuple(AuthorEntry(**author) for author in values.get("authors", ())),
        subjects=tuple(values.get("subjects", ())),
        copied_from=given.get("copied_from"),
    )


def _copy_data(
    given: Mapping, current: Item | None, *, copy_id: int | None, delete: bool = False
) -> CopyData:
    """A CopyData of the fields given over ``current``'s values (a change), or over the defaults."""
    defaults = CopyData()
    values = {
        name: given[name] if name in given else getattr(current if current is not None else defaults, name)
        for name in services.COPY_FIELDS
    }
    return CopyData(id=copy_id, delete=delete, **values)


def _copy_changes(entries: Sequence[Mapping], record: Record | None) -> list[CopyData]:
    own = {item.pk: item for item in record.items.all()} if record is not None else {}
    return [
        _copy_data(
            entry, own.get(entry.get("id")), copy_id=entry.get("id"), delete=entry.get("delete", False)
        )
        for entry in entries
    ]


# --- records -------------------------------------------------------------------------------------------


_SEARCH = OpenApiParameter(
    "q", str, description="Part of the title or the ISBN/ISSN (records), name (authorities)"
)
_SINCE = OpenApiParameter(
    "diubah_sejak", str, description="Only records changed at or after this date or date-time (ISO 8601)"
)


@extend_schema_view(
    list=extend_schema(**_list_schema(StaffRecordSerializer, [_SEARCH, _SINCE], filtered=True)),
    retrieve=extend_schema(**_retrieve_schema(StaffRecordSerializer)),
    create=extend_schema(
        description="Catalogue a new record with its authors, subjects, publisher and copies.",
        **_write_schema(StaffRecordSerializer, RecordWriteSerializer, created=True),
    ),
    update=extend_schema(
        description="Replace the record's fields, authors and subjects; `copies` lists changes.",
        **_write_schema(StaffRecordSerializer, RecordWriteSerializer),
    ),
    partial_update=extend_schema(
        description="Change the fields given; `authors` or `subjects` given replace the lists.",
        **_write_schema(StaffRecordSerializer, RecordWriteSerializer),
    ),
    destroy=extend_schema(
        **_delete_schema("Delete the record and its copies; refused (409) while a copy has loans.")
    ),
    duplicates=extend_schema(
        description=(
            "The record form's duplicate warning: records of this library with the same ISBN (in any of "
            "its forms), or the same normalized title and primary author. A warning only: a save is not "
            "refused for it, so a client asks before it posts."
        ),
        parameters=[DuplicateFilterSerializer],
        responses={200: DuplicateSerializer(many=True), 400: _BAD_FILTER, 403: _FORBIDDEN},
    ),
)
class StaffRecordViewSet(viewsets.ModelViewSet):
    """Every record of the library, hidden ones included, with authors, subjects and copies."""

    serializer_class = StaffRecordSerializer
    permission_classes = [CanChangeLibraryCatalogue]
    parser_classes = [JSONParser]
    lookup_value_regex = ANY_SEGMENT

    def get_serializer_class(self):
        return RecordWriteSerializer if self.action in WRITE_ACTIONS else StaffRecordSerializer

    def get_queryset(self):
        records = _records_for_staff()
        if self.action != "list":
            return records
        filters = _filters(RecordFilterSerializer, self.request)
        query = filters.get("q", "")[:200]
        if query:
            records = records.filter(Q(title__icontains=query) | Q(isbn_issn__icontains=query))
        if filters.get("diubah_sejak"):
            records = records.filter(updated_at__gte=filters["diubah_sejak"])
        return records

    def _answer(self, record_id: int, status_code: int) -> Response:
        record = _records_for_staff().get(pk=record_id)
        return Response(
            StaffRecordSerializer(record, context=self.get_serializer_context()).data, status_code
        )

    def create(self, request, *args, **kwargs):
        given, rows = _validated(RecordWriteSerializer, request, partial=False)
        with _service_refusals(rows):
            record = services.save_record(
                record=None,
                data=_record_data(given, {}),
                copies=_copy_changes(given.get("copies", ()), None),
                actor=request.user,
            )
        return self._answer(record.pk, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.get("partial", False)
        record = self.get_object()
        given, rows = _validated(RecordWriteSerializer, request, partial=partial)
        base = _current_record_values(record) if partial else {}
        with _service_refusals(rows):
            services.save_record(
                record=record,
                data=_record_data(given, base),
                copies=_copy_changes(given.get("copies", ()), record),
                actor=request.user,
            )
        return self._answer(record.pk, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        record = self.get_object()
        with _service_refusals():
            services.remove_record(record=record, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @action(detail=False, methods=["get"], pagination_class=None)
    def duplicates(self, request, *args, **kwargs):
        given = _filters(DuplicateFilterSerializer, request)
        found = cataloguing_selectors.duplicates_for(
            isbn=given.get("isbn", ""),
            title=given.get("judul", ""),
            author=given.get("pengarang", ""),
            exclude_id=given.get("kecuali"),
        )
        return Response(DuplicateSerializer(found, many=True).data)


# --- copies ----------------------------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(
        **_list_schema(
            CopySerializer,
            [
                OpenApiParameter("cantuman", int, description="Only the copies of this record"),
                OpenApiParameter("kode", str, description="The copy with this barcode"),
            ],
            filtered=True,
        )
    ),
    retrieve=extend_schema(**_retrieve_schema(CopySerializer)),
    create=extend_schema(
        description="Add a copy to a record.",
        **_write_schema(CopySerializer, CopyWriteSerializer, created=True),
    ),
    update=extend_schema(
        description="Replace the copy's fields.", **_write_schema(CopySerializer, CopyWriteSerializer)
    ),
    partial_update=extend_schema(
        description="Change the copy's fields given.", **_write_schema(CopySerializer, CopyWriteSerializer)
    ),
    destroy=extend_schema(**_delete_schema("Delete the copy; refused (409) when it has loan history.")),
)
class CopyViewSet(viewsets.ModelViewSet):
    """Copies (eksemplar) with their status and whether a loan is open — never who borrowed them."""

    serializer_class = CopySerializer
    permission_classes = [CanChangeLibraryCatalogue]
    parser_classes = [JSONParser]
    lookup_value_regex = ANY_SEGMENT

    def get_serializer_class(self):
        return CopyWriteSerializer if self.action in WRITE_ACTIONS else CopySerializer

    def get_queryset(self):
        copies = _copies_with_loan_flag().select_related("record")
        if self.action != "list":
            return copies
        filters = _filters(CopyFilterSerializer, self.request)
        if filters.get("cantuman") is not None:
            copies = copies.filter(record_id=filters["cantuman"])
        if filters.get("kode"):
            copies = copies.filter(item_code=filters["kode"])
        return copies

    def _answer(self, item_id: int, status_code: int) -> Response:
        item = _copies_with_loan_flag().select_related("record").get(pk=item_id)
        return Response(CopySerializer(item, context=self.get_serializer_context()).data, status_code)

    def create(self, request, *args, **kwargs):
        given, _rows = _validated(CopyWriteSerializer, request, partial=False)
        record = given.pop("record")
        with _service_refusals():
            item = services.save_copy(
                record=record, copy=_copy_data(given, None, copy_id=None), actor=request.user
            )
        return self._answer(item.pk, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        partial = kwargs.get("partial", False)
        item = self.get_object()
        given, _rows = _validated(CopyWriteSerializer, request, partial=partial)
        record = given.pop("record", item.record)
        if record.pk != item.record_id:
            raise ValidationError(
                {
                    "record": [
                        _(
                            "Eksemplar tidak dapat dipindah ke cantuman lain; hapus eksemplar ini dan "
                            "tambahkan yang baru di cantuman tujuan."
                        )
                    ]
                }
            )
        with _service_refusals():
            services.save_copy(
                record=item.record,
                copy=_copy_data(given, item if partial else None, copy_id=item.pk),
                actor=request.user,
            )
        return self._answer(item.pk, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        item = self.get_object()
        with _service_refusals():
            services.remove_copy(item=item, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


# --- authorities -----------------------------------------------------------------------------------------


def _authority_schema(read_serializer, write_serializer, word: str):
    return extend_schema_view(
        list=extend_schema(**_list_schema(read_serializer, [_SEARCH], filtered=True)),
        retrieve=extend_schema(**_retrieve_schema(read_serializer)),
        create=extend_schema(
            description=f"Create a {word}; a name that exists (in any case) is refused.",
            **_write_schema(read_serializer, write_serializer, created=True),
        ),
        update=extend_schema(
            description=f"Rename the {word}; every record naming it follows (reindexed, audited).",
            **_write_schema(read_serializer, write_serializer),
        ),
        partial_update=extend_schema(
            description=f"Rename the {word} (or change what is given).",
            **_write_schema(read_serializer, write_serializer),
        ),
        destroy=extend_schema(**_delete_schema(f"Delete the {word}; refused (409) while records use it.")),
    )


class _AuthorityViewSet(viewsets.ModelViewSet):
    permission_classes = [CanChangeLibraryCatalogue]
    parser_classes = [JSONParser]
    lookup_value_regex = ANY_SEGMENT
    write_serializer_class = NameWriteSerializer
    model = None
    used_by = "records"

    def get_serializer_class(self):
        return self.write_serializer_class if self.action in WRITE_ACTIONS else self.serializer_class

    def get_queryset(self):
        rows = self.model.objects.annotate(record_count=Count(self.used_by, distinct=True)).order_by("name")
        if self.action != "list":
            return rows
        query = _filters(SearchFilterSerializer, self.request).get("q", "")[:200]
        return rows.filter(name__icontains=query) if query else rows

    def _answer(self, authority_id: int, status_code: int) -> Response:
        row = self.get_queryset().get(pk=authority_id)
        return Response(self.serializer_class(row, context=self.get_serializer_context()).data, status_code)

    def create(self, request, *args, **kwargs):
        given, _rows = _validated(self.write_serializer_class, request, partial=False)
        with _service_refusals():
            row = services.save_authority(
                model=self.model, name=given["name"], author_type=given.get("author_type"), actor=request.user
            )
        return self._answer(row.pk, status.HTTP_201_CREATED)

    def update(self, request, *args, **kwargs):
        row = self.get_object()
        given, _rows = _validated(self.write_serializer_class, request, partial=kwargs.get("partial", False))
        with _service_refusals():
            services.save_authority(
                model=self.model,
                authority=row,
                name=given.get("name", row.name),
                author_type=given.get("author_type"),
                actor=request.user,
            )
        return self._answer(row.pk, status.HTTP_200_OK)

    def destroy(self, request, *args, **kwargs):
        row = self.get_object()
        with _service_refusals():
            services.remove_authority(authority=row, actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


@_authority_schema(AuthorSerializer, AuthorWriteSerializer, "author")
class AuthorViewSet(_AuthorityViewSet):
    """Authors (people, bodies, meetings) with how many records name them."""

    serializer_class = AuthorSerializer
    write_serializer_class = AuthorWriteSerializer
    model = Author


@_authority_schema(SubjectSerializer, NameWriteSerializer, "subject")
class SubjectViewSet(_AuthorityViewSet):
    """Subjects (topics) with how many records carry them."""

    serializer_class = SubjectSerializer
    model = Subject


@_authority_schema(PublisherSerializer, NameWriteSerializer, "publisher")
class PublisherViewSet(_AuthorityViewSet):
    """Publishers with how many records name them."""

    serializer_class = PublisherSerializer
    model = Publisher
    used_by = "record"


# --- the schema ----------------------------------------------------------------------------------------


def only_the_catalogue_api(endpoints):
    """drf-spectacular preprocessing hook: the schema of ``/api/katalog/`` is this API's, not every view of
    the library's site (the public record API and monev's have their own documentation)."""
    return [endpoint for endpoint in endpoints if endpoint[0].startswith("/api/katalog/")]


class TenantSchemaView(SpectacularAPIView):
    """The OpenAPI schema of a library site's catalogue API (its URLconf, not the public portal's)."""

    permission_classes = [CanReadLibraryCatalogue]
    urlconf = "portal.urls_tenant"
    custom_settings = {
        "TITLE": "Simpul — API katalog perpustakaan",
        "DESCRIPTION": (
            "The catalogue of this library for its staff: records (hidden ones included), copies, authors, "
            "subjects, publishers. Staff and supervisors read; the library's staff write while the "
            "catalogue is managed in Simpul. Session authentication: writes need the CSRF token "
            "(header X-CSRFToken)."
        ),
        "PREPROCESSING_HOOKS": ["catalog.transfer.api.only_the_catalogue_api"],
    }


class TenantDocsView(SpectacularSwaggerView):
    permission_classes = [CanReadLibraryCatalogue]
    url_name = "api-katalog-schema"
