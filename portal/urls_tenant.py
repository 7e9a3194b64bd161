"""URLs of a library's own site (``<code>.<base domain>``)."""

from django.urls import include, path

from catalog import api, views
from portal.pages import views as public_views

urlpatterns = [
    path("", views.library_home, name="library-home"),
    path("koleksi/<int:record_id>/", views.record_detail, name="record-detail"),
    path("kelola/", views.StaffDashboardView.as_view(), name="staff-dashboard"),
    path("api/records/", api.RecordListApi.as_view(), name="api-records"),
    path("api/records/<int:record_id>/", api.RecordDetailApi.as_view(), name="api-record-detail"),
    path("healthz", public_views.healthz, name="healthz"),
    path("monev/", include("monev.urls_tenant")),
    path("akun/", include("portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
