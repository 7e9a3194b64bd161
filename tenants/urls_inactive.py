"""URLs of an inactive library's own site: every page says the library is not active (``TenantMiddleware``).
Sign-in and the language switch stay, because the page's header links to them."""

from django.urls import include, path, re_path

from tenants import views

urlpatterns = [
    path("akun/", include("portal.accounts.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    re_path(r"^.*$", views.library_inactive, name="library-inactive"),
]
