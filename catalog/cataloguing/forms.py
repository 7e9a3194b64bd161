"""The record form on one page: the record's fields, its authors and subjects (reusable authority rows,
autocomplete), its cover, and its copies in the same form (a formset). The form validates what it can
show next to a field; the save service validates again and its errors are put back next to the field."""

from __future__ import annotations

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from catalog.cataloguing import covers, validation
from catalog.cataloguing.selectors import material_types_in_use
from catalog.cataloguing.services import AuthorEntry, CopyData, RecordData
from catalog.models import Item, RecordAuthor

LANGUAGES = (
    ("", _("— pilih —")),
    ("id", _("Indonesia")),
    ("ar", _("Arab")),
    ("en", _("Inggris")),
    ("ms", _("Melayu")),
    ("jv", _("Jawa")),
    ("su", _("Sunda")),
    ("nl", _("Belanda")),
    ("fa", _("Persia")),
    ("ur", _("Urdu")),
    ("tr", _("Turki")),
)
_ORIGIN_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,47}:\d{1,12}$")


def _with_current(choices, current: str):
    values = {value for value, _label in choices}
    return [*choices, (current, current)] if current and current not in values else list(choices)


class RecordForm(forms.Form):
    title = forms.CharField(label=_("Judul"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    statement_of_responsibility = forms.CharField(
        label=_("Pernyataan tanggung jawab"), max_length=500, required=False
    )
    edition = forms.CharField(label=_("Edisi"), max_length=100, required=False)
    isbn_issn = forms.CharField(
        label=_("ISBN/ISSN"),
        max_length=40,
        required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    publisher = forms.CharField(
        label=_("Penerbit"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"data-authority": "penerbit", "autocomplete": "off"}),
    )
    publish_place = forms.CharField(label=_("Tempat terbit"), max_length=100, required=False)
    publish_year = forms.CharField(
        label=_("Tahun terbit"),
        max_length=40,
        required=False,
        help_text=_("Seperti di SLiMS: 2019, 1440 H/2019, [t.t.]"),
    )
    collation = forms.CharField(
        label=_("Kolasi"), max_length=200, required=False, help_text=_("mis. xii, 340 hlm. ; 21 cm")
    )
    series_title = forms.CharField(label=_("Judul seri"), max_length=300, required=False)
    call_number = forms.CharField(label=_("Nomor panggil"), max_length=100, required=False)
    classification = forms.CharField(
        label=_("Klasifikasi (DDC)"), max_length=40, required=False, help_text=_("mis. 297.122")
    )
    language = forms.ChoiceField(label=_("Bahasa"), required=False, choices=LANGUAGES)
    material_type = forms.ChoiceField(label=_("Jenis bahan (GMD)"), required=False)
    notes = forms.CharField(label=_("Catatan"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    abstract = forms.CharField(label=_("Abstrak"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    opac_hide = forms.BooleanField(label=_("Sembunyikan dari OPAC (hanya staf yang melihat)"), required=False)
    cover = forms.FileField(
        label=_("Sampul"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp,image/gif"}),
    )
    remove_cover = forms.BooleanField(label=_("Hapus sampul"), required=False)
    copied_from = forms.CharField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        current = (
            self.data.get(self.add_prefix("material_type"))
            if self.is_bound
            else self.initial.get("material_type")
        )
        types = [("", _("— pilih —"))] + [(value, value) for value in material_types_in_use()]
        self.fields["material_type"].choices = _with_current(types, current or "")
        language = (
            self.data.get(self.add_prefix("language")) if self.is_bound else self.initial.get("language")
        )
        self.fields["language"].choices = _with_current(LANGUAGES, language or "")

    def clean_isbn_issn(self) -> str:
        return validation.clean_isbn_issn(self.cleaned_data["isbn_issn"])

    def clean_publish_year(self) -> str:
        return validation.clean_publish_year(
            self.cleaned_data["publish_year"], this_year=timezone.localdate().year
        )

    def clean_cover(self):
        uploaded = self.cleaned_data.get("cover")
        if uploaded:
            covers.read_cover(uploaded)  # raises with the reason; the service reads it again to store it
            uploaded.seek(0)
        return uploaded

    def clean_copied_from(self) -> str:
        origin = self.cleaned_data["copied_from"].strip()
        if origin and not _ORIGIN_RE.match(origin):
            raise ValidationError(_("Asal salinan tidak sah."))
        return origin


class AuthorForm(forms.Form):
    name = forms.CharField(
        label=_("Nama"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"data-authority": "pengarang", "autocomplete": "off"}),
    )
    role = forms.ChoiceField(
        label=_("Peran"), choices=RecordAuthor.Role.choices, initial=RecordAuthor.Role.AUTHOR
    )
    level = forms.TypedChoiceField(
        label=_("Tingkat"), coerce=int, choices=((1, _("Utama")), (2, _("Tambahan"))), initial=1
    )


class SubjectForm(forms.Form):
    name = forms.CharField(
        label=_("Subjek"),
        max_length=255,
        required=False,
        widget=forms.TextInput(attrs={"data-authority": "subjek", "autocomplete": "off"}),
    )


class CopyForm(forms.Form):
    """One copy row. ``id`` names a copy of this record (checked by the save service: another record's or
    another library's id is refused); "on loan" is not a status here, it is shown from the open loan."""

    id = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    item_code = forms.CharField(
        label=_("Kode eksemplar (barkod)"),
        max_length=64,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )
    call_number = forms.CharField(label=_("Nomor panggil"), max_length=100, required=False)
    collection_type = forms.CharField(
        label=_("Tipe koleksi"),
        max_length=60,
        required=False,
        widget=forms.TextInput(attrs={"list": "collection-types"}),
    )
    location = forms.CharField(
        label=_("Lokasi"), max_length=100, required=False, widget=forms.TextInput(attrs={"list": "locations"})
    )
    status = forms.ChoiceField(label=_("Status"), choices=Item.Status.choices, required=False)
    acquired_on = forms.DateField(
        label=_("Tanggal pengadaan"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    acquisition_source = forms.ChoiceField(
        label=_("Sumber"), required=False, choices=[("", "—"), *Item.AcquisitionSource.choices]
    )
    price = forms.DecimalField(
        label=_("Harga (Rp)"), required=False, min_value=0, max_digits=12, decimal_places=2,
        widget=forms.NumberInput(attrs={"step": "any", "inputmode": "decimal"}),
    )  # fmt: skip
    DELETE = forms.BooleanField(label=_("Hapus"), required=False)

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("DELETE") and (self.has_changed() or cleaned.get("id")):
            try:
                cleaned["item_code"] = validation.clean_barcode(cleaned.get("item_code", ""))
            except ValidationError as error:
                self.add_error("item_code", error)
        return cleaned

    @property
    def is_blank(self) -> bool:
        """An extra row left empty: not a copy."""
        return not self.cleaned_data.get("id") and not self.has_changed()


AuthorFormSet = forms.formset_factory(AuthorForm, extra=1, max_num=50)
SubjectFormSet = forms.formset_factory(SubjectForm, extra=1, max_num=50)
CopyFormSet = forms.formset_factory(CopyForm, extra=1, max_num=200)


class RecordFormBundle:
    """The record form with its three formsets, bound or not, and what the save service wants of them."""

    def __init__(
        self, data=None, files=None, *, initial: dict | None = None, authors=(), subjects=(), copies=()
    ):
        plain = {"label_suffix": ""}
        self.record = RecordForm(data, files, initial=initial or {}, **plain)
        self.authors = AuthorFormSet(data, prefix="authors", initial=list(authors), form_kwargs=plain)
        self.subjects = SubjectFormSet(data, prefix="subjects", initial=list(subjects), form_kwargs=plain)
        self.copies = CopyFormSet(data, prefix="copies", initial=list(copies), form_kwargs=plain)
        self._copy_forms: list[CopyForm] = []
        self._author_forms: list[AuthorForm] = []

    def is_valid(self) -> bool:
        results = [part.is_valid() for part in (self.record, self.authors, self.subjects, self.copies)]
        return all(results)

    def record_data(self) -> RecordData:
        values = dict(self.record.cleaned_data)
        self._author_forms = [
            form for form in self.authors.forms if form.cleaned_data.get("name", "").strip()
        ]
        authors = tuple(
            AuthorEntry(
                name=form.cleaned_data["name"].strip(),
                role=form.cleaned_data["role"],
                level=form.cleaned_data["level"],
            )
            for form in self._author_forms
        )
        subjects = tuple(
            form.cleaned_data["name"].strip()
            for form in self.subjects.forms
            if form.cleaned_data.get("name", "").strip()
        )
        return RecordData(
            title=values["title"],
            statement_of_responsibility=values["statement_of_responsibility"],
            edition=values["edition"],
            isbn_issn=values["isbn_issn"],
            publisher=values["publisher"],
            publish_place=values["publish_place"],
            publish_year=values["publish_year"],
            collation=values["collation"],
            series_title=values["series_title"],
            call_number=values["call_number"],
            classification=values["classification"],
            language=values["language"],
            material_type=values["material_type"],
            notes=values["notes"],
            abstract=values["abstract"],
            opac_hide=values["opac_hide"],
            authors=authors,
            subjects=subjects,
            copied_from=values["copied_from"] or None,
            cover=values.get("cover") or None,
            remove_cover=values["remove_cover"],
        )

    def copy_changes(self) -> list[CopyData]:
        self._copy_forms = [form for form in self.copies.forms if not form.is_blank]
        changes = []
        for form in self._copy_forms:
            values = form.cleaned_data
            changes.append(
                CopyData(
                    id=values.get("id"),
                    item_code=values.get("item_code", ""),
                    call_number=values.get("call_number", ""),
                    collection_type=values.get("collection_type", ""),
                    location=values.get("location", ""),
                    status=values.get("status", ""),
                    acquired_on=values.get("acquired_on"),
                    acquisition_source=values.get("acquisition_source", ""),
                    price=values.get("price"),
                    delete=bool(values.get("DELETE")),
                )
            )
        return changes

    def add_service_errors(self, errors: dict[str, list[str]]) -> None:
        """Put the save service's errors next to their fields (copies and authors by row)."""
        for key, messages in errors.items():
            parts = key.split(".")
            for message in messages:
                if parts[0] == "copies" and len(parts) == 3 and int(parts[1]) < len(self._copy_forms):
                    form, name = self._copy_forms[int(parts[1])], parts[2]
                    shown = name in form.fields and not form.fields[name].widget.is_hidden
                    form.add_error(name if shown else None, message)
                elif parts[0] == "authors" and len(parts) == 3 and int(parts[1]) < len(self._author_forms):
                    form, name = self._author_forms[int(parts[1])], parts[2]
                    form.add_error(name if name in form.fields else None, message)
                else:
                    self.record.add_error(parts[0] if parts[0] in self.record.fields else None, message)

    @property
    def error_count(self) -> int:
        count = (
            len(self.record.errors) + len(self.authors.non_form_errors()) + len(self.copies.non_form_errors())
        )
        for formset in (self.authors, self.subjects, self.copies):
            count += sum(len(form.errors) for form in formset.forms)
        return count


def initial_from(data: RecordData) -> tuple[dict, list[dict], list[dict]]:
    """Initial values of the form (record, authors, subjects) from a RecordData (copy cataloguing)."""
    record = {
        name: getattr(data, name)
        for name in (
            "title", "statement_of_responsibility", "edition", "isbn_issn", "publisher", "publish_place",
            "publish_year", "collation", "series_title", "call_number", "classification", "language",
            "material_type", "notes", "abstract", "opac_hide",
        )
    }  # fmt: skip
    record["copied_from"] = data.copied_from or ""
    authors = [{"name": author.name, "role": author.role, "level": author.level} for author in data.authors]
    subjects = [{"name": name} for name in data.subjects]
    return record, authors, subjects


class BatchEditForm(forms.Form):
    FIELD_CHOICES = (
        ("location", _("Lokasi eksemplar")),
        ("collection_type", _("Tipe koleksi eksemplar")),
        ("material_type", _("Jenis bahan (GMD)")),
        ("opac_hide", _("Sembunyikan dari OPAC (ya/tidak)")),
    )
    field = forms.ChoiceField(label=_("Ruas"), choices=FIELD_CHOICES)
    value = forms.CharField(label=_("Nilai baru"), max_length=100, required=False)
    ids = forms.TypedMultipleChoiceField(coerce=int, choices=(), required=True)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # ids are checked against the library's own records by the service; here: numbers only
        posted = self.data.getlist("ids") if hasattr(self.data, "getlist") else []
        self.fields["ids"].choices = [(value, value) for value in posted if str(value).isdigit()]
        self.fields["ids"].error_messages["required"] = _("Pilih sedikitnya satu cantuman.")
        self.fields["ids"].error_messages["invalid_choice"] = _("Pilihan cantuman tidak sah.")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("field") == "opac_hide":
            value = (cleaned.get("value") or "").strip().lower()
            if value not in ("ya", "tidak", "yes", "no", "1", "0"):
                self.add_error("value", _("Isi «ya» atau «tidak»."))
            else:
                cleaned["value"] = value in ("ya", "yes", "1")
        return cleaned


class MoveOverForm(forms.Form):
    export_file = forms.FileField(
        label=_("Berkas ekspor SLiMS (opsional)"),
        required=False,
        help_text=_(
            "MARC (ISO 2709), MARCXML, MODS atau CSV ekspor bibliografi SLiMS. Tanpa berkas: sumber OAI-PMH "
            "dipanen penuh."
        ),
    )
    accept_problems = forms.BooleanField(
        label=_("Tetap pindah walau ada cantuman yang gagal diambil (akan dicatat)"), required=False
    )
    confirm = forms.BooleanField(
        label=_("Saya mengerti: setelah pindah, katalog diubah di Simpul, bukan lagi di SLiMS."),
        error_messages={"required": _("Centang pernyataan ini untuk melanjutkan.")},
    )
