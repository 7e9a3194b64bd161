"""``/oai`` on the portal host (union) and on every library host (its own catalogue)."""

from django.urls import path

from oaipmh import views

app_name = "oaipmh"
urlpatterns = [path("oai", views.endpoint, name="endpoint")]
