"""The role matrix of every circulation page and endpoint: a librarian of A runs A's desk only, a
supervisor sees figures and no member, an operator may do everything, anonymous users are sent to log in;
another library's member, loan, fine and reservation ids (in URLs and form fields) do not exist here."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.db import connection
from django_tenants.utils import tenant_context

from catalog.circulation import services
from catalog.models import ClosingDay, Fine, Loan, Member, MemberType, Reservation
from tests.catalog.circulation.builders import make_member, make_member_type, make_record_with_copies
from tests.catalog.roles import ACTORS, client_for, make_actors, managed, status_for
from tests.factories import host_of

ALLOWED = {"anonymous": 302, "librarian_a": 200, "librarian_b": 403, "supervisor": 403, "operator": 200}
CHANGED = {**ALLOWED, "librarian_a": 302, "operator": 302}


@pytest.fixture
def world(library_a, library_b):
    managed(library_a)
    managed(library_b)
    actors = make_actors(library_a, library_b, prefix="sirkulasi")
    with tenant_context(library_a):
        member_type = make_member_type(name="Pegawai")
        member = make_member(member_type, name="Rahasia Pribadi Anggota")
        record, (lent, spare) = make_record_with_copies()
        loan = services.check_out(member=member, item_code=lent.item_code, today=date(2026, 3, 2))
        services.check_out(member=make_member(member_type), item_code=spare.item_code, today=date(2026, 3, 2))
        reservation = services.place_reservation(member=make_member(member_type), record=record)
        fine = Fine.objects.create(member=member, amount=Decimal("3000"), accrued_on=date(2026, 3, 2))
        closing_day = ClosingDay.objects.create(date=date(2026, 8, 17), description="HUT RI")
        ids = {
            "member": member.pk,
            "loan": loan.pk,
            "fine": fine.pk,
            "reservation": reservation.pk,
            "type": member_type.pk,
            "day": closing_day.pk,
            "record": record.pk,
            "item_code": spare.item_code,
            "member_code": member.member_code,
        }
    connection.set_schema_to_public()
    return actors, ids


def _pages(ids):
    """(method, path, data, expected statuses by actor) for library A's host."""
    figures = {**ALLOWED, "supervisor": 200}
    desk = {**ALLOWED, "supervisor": 302}  # to the figures
    return [
        ("get", "/kelola/sirkulasi/", None, desk),
        ("get", f"/kelola/sirkulasi/meja/{ids['member']}/", None, desk),
        ("get", "/kelola/sirkulasi/statistik/", None, figures),
        ("get", f"/kelola/sirkulasi/pinjaman/{ids['loan']}/", None, ALLOWED),
        ("get", "/kelola/sirkulasi/reservasi/", None, ALLOWED),
        ("get", f"/kelola/sirkulasi/reservasi/baru/{ids['member']}/", None, ALLOWED),
        ("get", "/kelola/sirkulasi/terlambat/", None, ALLOWED),
        ("get", "/kelola/sirkulasi/terlambat/surat.pdf", None, ALLOWED),
        ("get", "/kelola/sirkulasi/denda/", None, ALLOWED),
        ("get", f"/kelola/sirkulasi/denda/{ids['fine']}/", None, ALLOWED),
        ("get", "/kelola/sirkulasi/jenis-anggota/", None, ALLOWED),
        ("get", f"/kelola/sirkulasi/jenis-anggota/{ids['type']}/", None, ALLOWED),
        ("get", "/kelola/sirkulasi/hari-libur/", None, ALLOWED),
        ("get", "/kelola/sirkulasi/anggota/", None, ALLOWED),
        ("get", "/kelola/sirkulasi/anggota/baru/", None, ALLOWED),
        ("get", f"/kelola/sirkulasi/anggota/{ids['member']}/", None, ALLOWED),
        ("get", f"/kelola/sirkulasi/anggota/{ids['member']}/ubah/", None, ALLOWED),
        ("get", f"/kelola/sirkulasi/anggota/{ids['member']}/kartu.pdf", None, ALLOWED),
        (
            "get",
            f"/kelola/sirkulasi/anggota/{ids['member']}/foto/",
            None,
            {**ALLOWED, "librarian_a": 404, "operator": 404},
        ),
        ("post", "/kelola/sirkulasi/pindai/", {"code": ids["member_code"]}, CHANGED),
        ("post", f"/kelola/sirkulasi/pinjaman/{ids['loan']}/perpanjang/", {}, CHANGED),
        ("post", f"/kelola/sirkulasi/reservasi/baru/{ids['member']}/", {"record": ids["record"]}, CHANGED),
        ("post", "/kelola/sirkulasi/reservasi/kedaluwarsa/", {}, CHANGED),
        ("post", f"/kelola/sirkulasi/denda/{ids['fine']}/bayar/", {"amount": "1"}, CHANGED),
        (
            "post",
            f"/kelola/sirkulasi/denda/{ids['fine']}/bebaskan/",
            {"reason": "uji", "amount": "1"},
            CHANGED,
        ),
        ("post", "/kelola/sirkulasi/hari-libur/", {"date": "2026-12-25", "description": "Natal"}, CHANGED),
        ("post", "/kelola/sirkulasi/hari-libur/mingguan/", {"year": "2026", "weekdays": ["6"]}, CHANGED),
        (
            "post",
            "/kelola/sirkulasi/jenis-anggota/",
            {
                "name": "Tamu",
                "loan_limit": 1,
                "loan_days": 3,
                "renewals_allowed": 0,
                "fine_per_day": 500,
                "reservation_limit": 1,
                "reservation_pickup_days": 2,
                "membership_months": 1,
            },
            CHANGED,
        ),
        (
            "post",
            f"/kelola/sirkulasi/anggota/{ids['member']}/ubah/",
            {
                "member_code": ids["member_code"],
                "name": "Rahasia Pribadi Anggota",
                "member_type": ids["type"],
            },
            CHANGED,
        ),
        ("post", f"/kelola/sirkulasi/reservasi/{ids['reservation']}/batal/", {}, CHANGED),
        ("post", f"/kelola/sirkulasi/hari-libur/{ids['day']}/hapus/", {}, CHANGED),
    ]


def test_every_circulation_page_and_endpoint_by_role(world, library_a):
    actors, ids = world
    wrong = []
    for method, path, data, expected in _pages(ids):
        for actor in ACTORS:
            if method == "post" and actor in ("librarian_a", "operator"):
                continue  # changes are run once, by the librarian, below (they would change the fixtures)
            status = status_for(actors, actor, method, path, library_a, data)
            if status != expected[actor]:
                wrong.append((actor, method, path, status, expected[actor]))
    assert wrong == []


def test_the_librarian_of_a_runs_every_change(world, library_a):
    actors, ids = world
    wrong = []
    for method, path, data, expected in _pages(ids):
        if method == "post":
            status = status_for(actors, "librarian_a", method, path, library_a, data)
            if status != expected["librarian_a"]:
                wrong.append((path, status))
    assert wrong == []


def test_a_supervisor_sees_figures_but_no_members_personal_data(world, library_a):
    actors, ids = world
    client = client_for(actors, "supervisor")

    figures = client.get("/kelola/sirkulasi/statistik/", HTTP_HOST=host_of(library_a))

    assert figures.status_code == 200 and "sedang dipinjam" in figures.text
    assert "Rahasia Pribadi Anggota" not in figures.text and ids["member_code"] not in figures.text


def test_another_librarys_ids_do_not_exist_on_this_librarys_host(world, library_a, library_b):
    actors, ids = world
    host = {"HTTP_HOST": host_of(library_b)}
    client = client_for(actors, "librarian_b")

    for path in (
        f"/kelola/sirkulasi/meja/{ids['member']}/",
        f"/kelola/sirkulasi/anggota/{ids['member']}/",
        f"/kelola/sirkulasi/anggota/{ids['member']}/kartu.pdf",
        f"/kelola/sirkulasi/anggota/{ids['member']}/foto/",
        f"/kelola/sirkulasi/pinjaman/{ids['loan']}/",
        f"/kelola/sirkulasi/denda/{ids['fine']}/",
        f"/kelola/sirkulasi/jenis-anggota/{ids['type']}/",
    ):
        assert client.get(path, **host).status_code == 404, path
    for path, data in (
        (f"/kelola/sirkulasi/pinjaman/{ids['loan']}/perpanjang/", {}),
        (f"/kelola/sirkulasi/denda/{ids['fine']}/bayar/", {"amount": "1"}),
        (f"/kelola/sirkulasi/reservasi/{ids['reservation']}/batal/", {}),
        (f"/kelola/sirkulasi/hari-libur/{ids['day']}/hapus/", {}),
    ):
        assert client.post(path, data, **host).status_code == 404, path

    # A's ids in B's form fields: B's schema has no such member, copy, record or member type.
    scan = client.post(
        "/kelola/sirkulasi/pindai/", {"code": ids["item_code"], "member": ids["member"]}, **host
    )
    assert scan.status_code == 302 and "tidak dikenal" in client.get(scan["Location"], **host).text
    with tenant_context(library_b):
        other_member = make_member(make_member_type(name="Umum"))
    connection.set_schema_to_public()
    placed = client.post(
        f"/kelola/sirkulasi/reservasi/baru/{other_member.pk}/", {"record": ids["record"] + 10_000}, **host
    )
    assert "tidak ada di katalog" in client.get(placed["Location"], **host).text
    created = client.post(
        "/kelola/sirkulasi/anggota/baru/",
        {"member_code": "B-1", "name": "Anggota B", "member_type": ids["type"] + 10_000},
        **host,
    )
    assert created.status_code == 400
    with tenant_context(library_a):
        assert Loan.objects.filter(is_return=False).count() == 2
        assert Member.objects.filter(name="Rahasia Pribadi Anggota").exists()
        assert Reservation.objects.get(pk=ids["reservation"]).status == "waiting"
        assert MemberType.objects.filter(pk=ids["type"]).exists()
