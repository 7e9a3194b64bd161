"""Monev on a library's own site, mounted at ``/monev/`` by portal/urls_tenant.py."""

from django.urls import path

from monev import api, views

app_name = "monev"

urlpatterns = [
    path("", views.library_assessments, name="library-assessments"),
    path("mulai/", views.start_assessment, name="start"),
    path("<int:pk>/", views.assessment_form, name="assessment"),
    path("<int:pk>/jawaban/", views.save_answer, name="save-answer"),
    path("<int:pk>/bukti/", views.attach_evidence, name="attach-evidence"),
    path("<int:pk>/bukti/<uuid:public_id>/hapus/", views.remove_evidence, name="remove-evidence"),
    path("<int:pk>/ajukan/", views.submit_assessment, name="submit"),
    path("<int:pk>/ekspor.xlsx", views.assessment_xlsx, name="assessment-xlsx"),
    path("bukti/<uuid:public_id>/", views.evidence_file, name="evidence-file"),
    path("api/penilaian/<int:pk>/", api.AssessmentDetailApi.as_view(), name="api-assessment"),
    path("api/penilaian/<int:pk>/jawaban/", api.AnswerAutosaveApi.as_view(), name="api-answer"),
]
