"""URLs of the public union portal (the base domain)."""

from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from portal.pages import views

urlpatterns = [
    *static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT),
    path("", views.home, name="home"),
    path("perpustakaan/<slug:code>/", views.library_detail, name="library-detail"),
    path("", include("oaipmh.urls")),
    path("healthz", views.healthz, name="healthz"),
    path("monev/", include("monev.urls_public")),
    path("operator/harvest/", include("harvest.urls")),
    path("", include("search.urls")),
    path("akun/", include("portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
