"""Forms of the circulation pages: validation at the edge, errors next to the field in Indonesian."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from catalog.circulation.member_services import MEMBER_AUDIT_FIELDS
from catalog.circulation.photos import prepare_photo
from catalog.models import Member, MemberType

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MemberForm(forms.ModelForm):
    remove_photo = forms.BooleanField(label=_("Hapus foto"), required=False)

    class Meta:
        model = Member
        fields = list(MEMBER_AUDIT_FIELDS)  # what the form edits is what the audit records
        widgets = {
            "expires_on": DATE_INPUT,
            "address": forms.Textarea(attrs={"rows": 2}),
            "notes": forms.Textarea(attrs={"rows": 2}),
            "photo": forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
        }
        help_texts = {
            "expires_on": _("Kosongkan untuk memakai masa keanggotaan jenis anggotanya."),
            "member_code": _("Nomor yang tercetak sebagai barcode di kartu anggota."),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member_type"].required = True
        self.fields["member_type"].queryset = MemberType.objects.order_by("name")
        self.fields["photo"].widget = forms.FileInput(attrs={"accept": "image/jpeg,image/png,image/webp"})
        self.prepared_photo = None

    def clean_member_code(self) -> str:
        code = self.cleaned_data["member_code"].strip()
        if not code or any(character.isspace() for character in code):
            raise forms.ValidationError(_("Nomor anggota tanpa spasi."))
        return code

    def clean_photo(self):
        uploaded = self.files.get("photo")
        if uploaded:
            self.prepared_photo = prepare_photo(uploaded)
        return self.instance.photo if self.instance.pk else None

    def values(self) -> dict:
        return {
            name: value for name, value in self.cleaned_data.items() if name not in {"photo", "remove_photo"}
        }


class MemberTypeForm(forms.ModelForm):
    class Meta:
        model = MemberType
        fields = [
            "name",
            "loan_limit",
            "loan_days",
            "renewals_allowed",
            "fine_per_day",
            "fines_limit",
            "reservation_limit",
            "reservation_pickup_days",
            "membership_months",
        ]

    def clean_loan_days(self) -> int:
        days = self.cleaned_data["loan_days"]
        if days < 1:
            raise forms.ValidationError(_("Lama pinjam paling sedikit 1 hari."))
        return days


class ClosingDayForm(forms.Form):
    date = forms.DateField(label=_("Tanggal"), widget=DATE_INPUT)
    description = forms.CharField(label=_("Keterangan"), max_length=200, required=False)


class WeeklyClosingForm(forms.Form):
    year = forms.IntegerField(
        label=_("Tahun"), min_value=2000, max_value=2100, initial=lambda: date.today().year
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("Hari"),
        choices=[(5, _("Sabtu")), (6, _("Minggu"))],
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        initial=[5, 6],
    )


class ScanForm(forms.Form):
    code = forms.CharField(max_length=64, required=False)
    member = forms.IntegerField(required=False)


class PaymentForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Jumlah dibayar (Rp)"), min_value=Decimal("1"), max_digits=12, decimal_places=2
    )


class WaiverForm(forms.Form):
    reason = forms.CharField(label=_("Alasan pembebasan"), max_length=300)
    amount = forms.DecimalField(
        label=_("Jumlah dibebaskan (Rp)"),
        min_value=Decimal("1"),
        max_digits=12,
        decimal_places=2,
        required=False,
        help_text=_("Kosongkan untuk membebaskan seluruh sisa denda."),
    )
