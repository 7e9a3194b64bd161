"""The staff API of a library's catalogue (``/api/katalog/``), with its OpenAPI schema and docs."""

from django.urls import include, path
from rest_framework.routers import SimpleRouter

from catalog.transfer import api

router = SimpleRouter()
router.register("records", api.StaffRecordViewSet, basename="api-katalog-record")
router.register("copies", api.CopyViewSet, basename="api-katalog-copy")
router.register("authors", api.AuthorViewSet, basename="api-katalog-author")
router.register("subjects", api.SubjectViewSet, basename="api-katalog-subject")
router.register("publishers", api.PublisherViewSet, basename="api-katalog-publisher")

urlpatterns = [
    path("", include(router.urls)),
    path("schema/", api.TenantSchemaView.as_view(), name="api-katalog-schema"),
    path("docs/", api.TenantDocsView.as_view(), name="api-katalog-docs"),
]
