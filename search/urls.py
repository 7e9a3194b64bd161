"""URLs of the union search on the public site: the JSON API, its OpenAPI schema and docs, and the
pages. Included by the public site's URLconf (django-tenants' ``PUBLIC_SCHEMA_URLCONF``)."""

from django.urls import path
from drf_spectacular.views import SpectacularSwaggerView

from search import api, views

app_name = "search"

urlpatterns = [
    path("cari/", views.search_page, name="search-page"),
    path("karya/<str:work_key>/", views.work_page, name="work-page"),
    path("api/search", api.SearchApi.as_view(), name="api-search"),
    path("api/suggest", api.SuggestApi.as_view(), name="api-suggest"),
    path("api/works/<str:work_key>", api.WorkApi.as_view(), name="api-work"),
    path("api/records/<slug:library_code>:<int:record_id>", api.RecordApi.as_view(), name="api-record"),
    path(
        "api/records/<slug:library_code>:<int:record_id>/cite",
        api.CiteRecordApi.as_view(),
        name="api-record-cite",
    ),
    path("api/cite", api.CiteSelectionApi.as_view(), name="api-cite"),
    path("api/schema/", api.SchemaApi.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="search:api-schema"), name="api-docs"),
]
