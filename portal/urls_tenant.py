"""URLs of a library's own site (``<code>.<base domain>``)."""

from django.urls import include, path

from portal.pages import views as public_views

urlpatterns = [
    path("", include("catalog.urls")),
    path("", include("oaipmh.urls")),
    path("healthz", public_views.healthz, name="healthz"),
    path("monev/", include("monev.urls_tenant")),
    path("akun/", include("portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
]
