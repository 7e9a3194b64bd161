from django.urls import path

from catalog.transfer import views

app_name = "transfer"

urlpatterns = [
    path("", views.TransferHomeView.as_view(), name="home"),
    path("impor/<int:job_id>/", views.ImportJobView.as_view(), name="import-job"),
    path("impor/<int:job_id>/progres.json", views.ImportJobProgressView.as_view(), name="import-progress"),
    path("impor/<int:job_id>/mulai/", views.StartImportView.as_view(), name="import-start"),
    path("impor/<int:job_id>/batal/", views.DiscardImportView.as_view(), name="import-discard"),
    path("impor/<int:job_id>/laporan.csv", views.ImportReportView.as_view(), name="import-report"),
    path("ekspor/<slug:format>/", views.ExportView.as_view(), name="export"),
    path("label/", views.LabelView.as_view(), name="labels"),
]
