"""URLs of a library's own catalogue and of its staff area (``/kelola/``), on the library's host.

Each part of the staff area has its own URL module: ``kelola/katalog/`` (cataloguing), ``kelola/sirkulasi/``
(members and circulation), ``kelola/impor-ekspor/``, ``kelola/laporan/``; ``api/`` is the JSON API."""

from django.urls import include, path

from catalog import api, views

urlpatterns = [
    path("", views.library_home, name="library-home"),
    path("koleksi/<int:record_id>/", views.record_detail, name="record-detail"),
    path("kelola/", views.StaffDashboardView.as_view(), name="staff-dashboard"),
    path("kelola/impor-ekspor/", include("catalog.transfer.urls")),
    path("kelola/laporan/", include("catalog.reports.urls")),
    path("api/katalog/", include("catalog.api_urls")),
    path("kelola/katalog/", include("catalog.cataloguing.urls")),
    path("kelola/sirkulasi/", include("catalog.circulation.urls")),
    path("api/records/", api.RecordListApi.as_view(), name="api-records"),
    path("api/records/<int:record_id>/", api.RecordDetailApi.as_view(), name="api-record-detail"),
]
