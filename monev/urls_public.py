"""Monev on the public portal (supervisors), mounted at ``/monev/`` by portal/urls_public.py."""

from django.urls import path

from monev import api, views

app_name = "monev"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("tinjau/", views.review_queue, name="review-queue"),
    path("penilaian/<int:pk>/", views.review, name="review"),
    path("penilaian/<int:pk>/verifikasi/", views.verify, name="verify"),
    path("penilaian/<int:pk>/kembalikan/", views.return_for_changes, name="return"),
    path("penilaian/<int:pk>/ekspor.xlsx", views.assessment_xlsx, name="assessment-xlsx"),
    path("unit/<slug:code>/", views.report_card, name="report-card"),
    path("unit/<slug:code>/rapor.pdf", views.report_card_pdf, name="report-card-pdf"),
    path("peringkat.<str:fmt>", views.ranking_export, name="ranking-export"),
    path("bukti/<uuid:public_id>/", views.evidence_file, name="evidence-file"),
    path("api/peringkat/", api.RankingApi.as_view(), name="api-ranking"),
    path("api/komponen/", api.BreakdownApi.as_view(), name="api-breakdown"),
    path("api/tren/", api.TrendApi.as_view(), name="api-trend"),
    path("api/penilaian/<int:pk>/", api.AssessmentDetailApi.as_view(), name="api-assessment"),
]
