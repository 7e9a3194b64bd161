"""``kelola/sirkulasi/`` on a library's host: the desk, its lists, members (``anggota/``), member types and
closing days."""

from django.urls import path

from catalog.circulation import member_views, views

app_name = "circulation"

urlpatterns = [
    path("", views.desk, name="desk"),
    path("meja/<int:member_id>/", views.desk, name="desk-member"),
    path("pindai/", views.scan, name="scan"),
    path("pinjaman/<int:loan_id>/", views.loan_detail, name="loan-detail"),
    path("pinjaman/<int:loan_id>/perpanjang/", views.renew, name="renew"),
    path("reservasi/", views.reservations, name="reservations"),
    path("reservasi/kedaluwarsa/", views.reservations_expire, name="reservations-expire"),
    path("reservasi/baru/<int:member_id>/", views.reservation_new, name="reservation-new"),
    path("reservasi/<int:reservation_id>/batal/", views.reservation_cancel, name="reservation-cancel"),
    path("terlambat/", views.overdue, name="overdue"),
    path("terlambat/surat.pdf", views.overdue_letter, name="overdue-letter"),
    path("denda/", views.fines, name="fines"),
    path("denda/<int:fine_id>/", views.fine_detail, name="fine-detail"),
    path("denda/<int:fine_id>/bayar/", views.fine_pay, name="fine-pay"),
    path("denda/<int:fine_id>/bebaskan/", views.fine_waive, name="fine-waive"),
    path("statistik/", views.figures, name="figures"),
    path("jenis-anggota/", member_views.member_types, name="member-types"),
    path("jenis-anggota/<int:type_id>/", member_views.member_type_edit, name="member-type-edit"),
    path("hari-libur/", member_views.closing_days, name="closing-days"),
    path("hari-libur/mingguan/", member_views.closing_days_weekly, name="closing-days-weekly"),
    path("hari-libur/<int:day_id>/hapus/", member_views.closing_day_delete, name="closing-day-delete"),
    path("anggota/", member_views.member_list, name="members"),
    path("anggota/baru/", member_views.member_create, name="member-create"),
    path("anggota/<int:member_id>/", member_views.member_detail, name="member-detail"),
    path("anggota/<int:member_id>/ubah/", member_views.member_edit, name="member-edit"),
    path("anggota/<int:member_id>/foto/", member_views.member_photo, name="member-photo"),
    path("anggota/<int:member_id>/kartu.pdf", member_views.member_card, name="member-card"),
]
