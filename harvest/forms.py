from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from harvest.models import HarvestSource
from tenants.models import Library


class RegisterSourceForm(forms.Form):
    library = forms.ModelChoiceField(
        label=_("Perpustakaan"),
        queryset=Library.objects.active().exclude(schema_name="public").order_by("name"),
    )
    base_url = forms.URLField(
        label=_("Alamat OAI-PMH"),
        max_length=500,
        assume_scheme="https",
        widget=forms.URLInput(attrs={"placeholder": "https://perpustakaan.contoh.go.id/slims/oai2.php"}),
    )
    metadata_format = forms.ChoiceField(
        label=_("Format metadata"),
        choices=HarvestSource.MetadataFormat.choices,
        initial=HarvestSource.MetadataFormat.OAI_DC,
    )
    set_spec = forms.CharField(label=_("Set (opsional)"), max_length=200, required=False)
    name = forms.CharField(label=_("Nama (opsional)"), max_length=200, required=False)
