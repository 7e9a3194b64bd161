"""Users and their roles. A role in one library comes from a Membership; global roles sit on the user."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _


class GlobalRole(models.TextChoices):
    NONE = "", _("Tidak ada")
    SUPERVISOR = "supervisor", _("Pembina (Balitbang)")
    OPERATOR = "operator", _("Operator")


class LibraryRole(models.TextChoices):
    LIBRARIAN = "librarian", _("Pustakawan")


class User(AbstractUser):
    global_role = models.CharField(
        _("peran global"), max_length=16, choices=GlobalRole.choices, default=GlobalRole.NONE, blank=True
    )

    class Meta:
        verbose_name = _("pengguna")
        verbose_name_plural = _("pengguna")

    def save(self, *args, **kwargs):
        # Operators run the platform from the Django admin, which requires is_staff.
        if self.global_role == GlobalRole.OPERATOR:
            self.is_staff = True
        super().save(*args, **kwargs)


class Membership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    library = models.ForeignKey("tenants.Library", on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(
        _("peran"), max_length=16, choices=LibraryRole.choices, default=LibraryRole.LIBRARIAN
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "library", "role"], name="unique_membership")]
        verbose_name = _("keanggotaan")
        verbose_name_plural = _("keanggotaan")

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} {self.library.code}"
