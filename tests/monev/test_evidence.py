from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from monev import services
from monev.exceptions import EvidenceRejected
from monev.models import Evidence, EvidenceKind
from tests.factories import make_user
from tests.monev import builders


@pytest.fixture
def librarian(library_a):
    return make_user("pustakawan-a", libraries=[library_a])


@pytest.fixture
def draft(library_a, librarian):
    return builders.start(library_a, by=librarian)


@pytest.fixture(autouse=True)
def evidence_root(settings, tmp_path):
    settings.MONEV_EVIDENCE_ROOT = tmp_path / "evidence"
    return settings.MONEV_EVIDENCE_ROOT


def attach(draft, librarian, file=None, link=""):
    return services.attach_evidence(
        assessment=draft, indicator_code="1.1", file=file, link=link, by=librarian
    )


@pytest.mark.parametrize(
    ("upload", "content_type"),
    [
        (builders.pdf_file("kebijakan.pdf"), "application/pdf"),
        (builders.png_file("rak.png"), "image/png"),
        (SimpleUploadedFile("ruang.JPG", b"\xff\xd8\xff\xe0" + b"\x00" * 64), "image/jpeg"),
        (
            builders.ooxml_file("statistik.xlsx", "xlsx"),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        (
            builders.ooxml_file("sk.docx", "docx"),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
    ],
)
def test_accepted_types_are_stored_with_the_type_read_from_their_content(
    draft, librarian, upload, content_type
):
    evidence = attach(draft, librarian, file=upload)

    assert evidence.kind == EvidenceKind.FILE and evidence.content_type == content_type
    assert evidence.original_name == upload.name


def test_pdf_with_a_docx_name_is_caught_by_its_content(draft, librarian):
    with pytest.raises(EvidenceRejected, match=r"PDF.*docx"):
        attach(draft, librarian, file=builders.pdf_file("laporan.docx"))

    assert not Evidence.objects.exists()


def test_exe_renamed_to_pdf_is_rejected(draft, librarian, evidence_root):
    with pytest.raises(EvidenceRejected, match="bukan PDF"):
        attach(draft, librarian, file=builders.exe_file("laporan.pdf"))

    assert not Evidence.objects.exists()
    assert not list(Path(evidence_root).rglob("*.*"))


def test_zip_that_is_not_an_office_document_is_rejected_even_named_xlsx(draft, librarian):
    with pytest.raises(EvidenceRejected):
        attach(draft, librarian, file=builders.ooxml_file("data.xlsx", "zip"))


def test_docx_content_named_xlsx_is_rejected(draft, librarian):
    with pytest.raises(EvidenceRejected, match="DOCX"):
        attach(draft, librarian, file=builders.ooxml_file("tabel.xlsx", "docx"))


def test_file_over_the_size_limit_is_rejected(draft, librarian, settings):
    settings.MONEV_EVIDENCE_MAX_BYTES = 1024

    with pytest.raises(EvidenceRejected, match="batasnya"):
        attach(draft, librarian, file=builders.pdf_file(size=1025))

    assert attach(draft, librarian, file=builders.pdf_file(size=1024)).size == 1024


def test_file_is_stored_outside_media_under_a_random_name(draft, librarian, settings, evidence_root):
    first = attach(draft, librarian, file=builders.pdf_file("kebijakan.pdf"))
    second = attach(draft, librarian, file=builders.pdf_file("kebijakan.pdf"))

    assert first.stored_name != second.stored_name
    assert "kebijakan" not in first.stored_name
    assert len(Path(first.stored_name).stem) == 32  # uuid4 hex
    stored = Path(evidence_root) / first.stored_name
    assert stored.read_bytes().startswith(b"%PDF-")
    assert Path(settings.MEDIA_ROOT) not in stored.parents


def test_link_evidence_needs_an_http_address(draft, librarian):
    evidence = attach(draft, librarian, link="https://perpustakaan.kemenag.go.id/sk-kebijakan")
    assert evidence.kind == EvidenceKind.LINK

    with pytest.raises(EvidenceRejected, match="http"):
        attach(draft, librarian, link="javascript:alert(1)")


def test_evidence_needs_exactly_one_of_file_or_link(draft, librarian):
    with pytest.raises(EvidenceRejected):
        attach(draft, librarian)
    with pytest.raises(EvidenceRejected):
        attach(draft, librarian, file=builders.pdf_file(), link="https://x.id/")
