"""URLs of cataloguing, under ``kelola/katalog/`` of a library's host (included by catalog/urls.py)."""

from django.urls import path

from catalog.cataloguing import move_over_views, views

app_name = "cataloguing"

urlpatterns = [
    path("", views.catalogue_list, name="list"),
    path("baru/", views.record_new, name="record-new"),
    path("salin/", views.copy_from, name="copy-from"),
    path("salin-dari-katalog-bersama/", views.copy_search, name="copy-search"),
    path("ubah-massal/", views.batch_edit, name="batch-edit"),
    path("cek-duplikat/", views.duplicates_json, name="duplicates"),
    path("otoritas/<slug:kind>/", views.authority_json, name="authority"),
    path("eksemplar/<int:item_id>/", views.copy_page, name="copy"),
    path("pindah-dari-slims/", move_over_views.move_over_start, name="move-over"),
    path("pindah-dari-slims/<int:move_over_id>/", move_over_views.move_over_page, name="move-over-progress"),
    path(
        "pindah-dari-slims/<int:move_over_id>/status/",
        move_over_views.move_over_status,
        name="move-over-status",
    ),
    path("<int:record_id>/", views.record_page, name="record"),
    path("<int:record_id>/ubah/", views.record_edit, name="record-edit"),
    path("<int:record_id>/hapus/", views.record_delete, name="record-delete"),
]
