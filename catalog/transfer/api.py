"""The library's catalogue as a JSON API for its staff (``/api/katalog/``, on the library's host): records
(hidden ones included), copies and the authorities (authors, subjects, publishers). Reading: the library's
staff and supervisors; anonymous users get nothing here (the public ``/api/records/`` is the public view).
Read-only for now: writes are to go through the record form's save service (``catalog.cataloguing``),
which is not on main yet."""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q
from django.utils.dateparse import parse_date, parse_datetime
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework import serializers, viewsets
from rest_framework.permissions import BasePermission

from catalog.models import Author, Item, Publisher, Record, RecordAuthor, Subject
from catalog.selectors import open_loan_exists
from portal.accounts.permissions import can_read_library_catalogue, current_library


class CanReadLibraryCatalogue(BasePermission):
    """The request's library (from its host) is one whose whole catalogue the user may read."""

    def has_permission(self, request, view) -> bool:
        return can_read_library_catalogue(request.user, current_library(request))


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


def _copies_with_loan_flag():
    return Item.objects.annotate(on_loan=open_loan_exists()).order_by("item_code")


_SEARCH = OpenApiParameter(
    "q", str, description="Part of the title or the ISBN/ISSN (records), name (authorities)"
)
_SINCE = OpenApiParameter(
    "diubah_sejak", str, description="Only records changed at or after this date or date-time (ISO 8601)"
)


@extend_schema_view(list=extend_schema(parameters=[_SEARCH, _SINCE]))
class StaffRecordViewSet(viewsets.ReadOnlyModelViewSet):
    """Every record of the library, hidden ones included, with authors, subjects and copies."""

    serializer_class = StaffRecordSerializer
    permission_classes = [CanReadLibraryCatalogue]

    def get_queryset(self):
        records = (
            Record.objects.select_related("publisher")
            .prefetch_related(
                Prefetch("record_authors", queryset=RecordAuthor.objects.select_related("author")),
                "subjects",
                Prefetch("items", queryset=_copies_with_loan_flag()),
            )
            .order_by("pk")
        )
        query = self.request.query_params.get("q", "").strip()[:200]
        if query:
            records = records.filter(Q(title__icontains=query) | Q(isbn_issn__icontains=query))
        since = self.request.query_params.get("diubah_sejak", "").strip()
        moment = parse_datetime(since) or parse_date(since) if since else None
        if since and moment is None:
            raise serializers.ValidationError({"diubah_sejak": ["Tanggal tidak dikenali; pakai ISO 8601."]})
        if moment is not None:
            records = records.filter(updated_at__gte=moment)
        return records


@extend_schema_view(
    list=extend_schema(
        parameters=[
            OpenApiParameter("cantuman", int, description="Only the copies of this record"),
            OpenApiParameter("kode", str, description="The copy with this barcode"),
        ]
    )
)
class CopyViewSet(viewsets.ReadOnlyModelViewSet):
    """Copies (eksemplar) with their status and whether a loan is open — never who borrowed them."""

    serializer_class = CopySerializer
    permission_classes = [CanReadLibraryCatalogue]

    def get_queryset(self):
        copies = _copies_with_loan_flag().select_related("record")
        record = self.request.query_params.get("cantuman", "")
        if record:
            if not record.isdigit():
                raise serializers.ValidationError({"cantuman": ["Harus nomor cantuman."]})
            copies = copies.filter(record_id=int(record))
        code = self.request.query_params.get("kode", "").strip()
        if code:
            copies = copies.filter(item_code=code)
        return copies


class _AuthorityViewSet(viewsets.ReadOnlyModelViewSet):
    permission_classes = [CanReadLibraryCatalogue]
    model = None

    def get_queryset(self):
        rows = self.model.objects.annotate(record_count=Count("records", distinct=True)).order_by("name")
        query = self.request.query_params.get("q", "").strip()[:200]
        return rows.filter(name__icontains=query) if query else rows


@extend_schema_view(list=extend_schema(parameters=[_SEARCH]))
class AuthorViewSet(_AuthorityViewSet):
    """Authors (people, bodies, meetings) with how many records name them."""

    serializer_class = AuthorSerializer
    model = Author


@extend_schema_view(list=extend_schema(parameters=[_SEARCH]))
class SubjectViewSet(_AuthorityViewSet):
    serializer_class = SubjectSerializer
    model = Subject


@extend_schema_view(list=extend_schema(parameters=[_SEARCH]))
class PublisherViewSet(_AuthorityViewSet):
    serializer_class = PublisherSerializer

    model = Publisher

    def get_queryset(self):
        rows = Publisher.objects.annotate(record_count=Count("record", distinct=True)).order_by("name")
        query = self.request.query_params.get("q", "").strip()[:200]
        return rows.filter(name__icontains=query) if query else rows


class TenantSchemaView(SpectacularAPIView):
    """The OpenAPI schema of a library site's API (its URLconf, not the public portal's)."""

    permission_classes = [CanReadLibraryCatalogue]
    urlconf = "portal.urls_tenant"


class TenantDocsView(SpectacularSwaggerView):
    permission_classes = [CanReadLibraryCatalogue]
    url_name = "api-katalog-schema"
