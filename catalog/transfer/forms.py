from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.labels import LAYOUTS
from catalog.models import ImportJob, Item


class ImportUploadForm(forms.Form):
    file = forms.FileField(label=_("Berkas katalog"))
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("auto", _("Kenali otomatis dari isinya")), *ImportJob.Format.choices],
        initial="auto",
    )
    overwrite_local_edits = forms.BooleanField(
        label=_("Timpa cantuman yang sudah disunting di Simpul bila cocok"),
        required=False,
        help_text=_("Tanpa centang, cantuman yang pernah disunting di Simpul dibiarkan apa adanya."),
    )


class LabelForm(forms.Form):
    KINDS = [("barcode", _("Label barkode")), ("spine", _("Label punggung (nomor panggil)"))]

    items = forms.ModelMultipleChoiceField(
        label=_("Eksemplar"),
        queryset=Item.objects.none(),
        error_messages={
            "required": _("Pilih minimal satu eksemplar."),
            "invalid_choice": _("Eksemplar %(value)s tidak ada di perpustakaan ini."),
            "invalid_pk_value": _("“%(pk)s” bukan nomor eksemplar."),
        },
    )
    kind = forms.ChoiceField(label=_("Jenis label"), choices=KINDS, initial="barcode")
    layout = forms.ChoiceField(
        label=_("Lembar label"),
        choices=[(key, layout.label) for key, layout in LAYOUTS.items()],
        initial="3x8",
    )
    start_at = forms.IntegerField(
        label=_("Mulai dari label ke-"),
        min_value=1,
        initial=1,
        help_text=_("Lewati label yang sudah terpakai pada lembar sebelumnya."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The request's library schema is active: another library's copy ids simply do not exist here.
        self.fields["items"].queryset = Item.objects.select_related("record")

    def clean(self):
        cleaned = super().clean()
        layout = LAYOUTS.get(cleaned.get("layout", ""))
        start_at = cleaned.get("start_at")
        if layout and start_at and start_at > layout.per_sheet:
            self.add_error("start_at", _("Lembar ini hanya memuat %(n)s label.") % {"n": layout.per_sheet})
        return cleaned
