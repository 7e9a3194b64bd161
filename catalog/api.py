from django.shortcuts import get_object_or_404
from rest_framework import generics, serializers

from catalog import selectors
from catalog.models import Record
from catalog.normalized import DESCRIPTIVE_FIELDS


class RecordSerializer(serializers.ModelSerializer):
    authors = serializers.SerializerMethodField()
    subjects = serializers.SlugRelatedField(many=True, read_only=True, slug_field="name")
    publisher = serializers.CharField(source="publisher.name", default="", read_only=True)
    copies_total = serializers.IntegerField(read_only=True)

    class Meta:
        model = Record
        # Every descriptive field of the one declaration (catalog.normalized), then the copy count.
        fields = ("id", *DESCRIPTIVE_FIELDS, "copies_total")

    def get_authors(self, record: Record) -> list[str]:
        return [link.author.name for link in record.record_authors.all()]


class RecordListApi(generics.ListAPIView):
    """Public records of the library whose host the request came in on."""

    serializer_class = RecordSerializer

    def get_queryset(self):
        return selectors.public_records()


class RecordDetailApi(generics.RetrieveAPIView):
    serializer_class = RecordSerializer

    def get_object(self):
        return get_object_or_404(selectors.public_records(), pk=self.kwargs["record_id"])
