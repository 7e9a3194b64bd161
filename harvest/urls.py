from django.urls import path

from harvest import views

app_name = "harvest"

urlpatterns = [
    path("", views.HarvestDashboardView.as_view(), name="dashboard"),
    path("progres.json", views.ProgressView.as_view(), name="progress"),
    path("sumber/<int:source_id>/panen/", views.HarvestNowView.as_view(), name="harvest-now"),
    path("sumber/<int:source_id>/rekonsiliasi/", views.ReconcileNowView.as_view(), name="reconcile-now"),
    path("run/<int:run_id>/", views.RunDetailView.as_view(), name="run-detail"),
]
