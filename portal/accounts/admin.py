from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from portal.accounts.models import Membership, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["library"]


@admin.register(User)
class SimpulUserAdmin(UserAdmin):
    fieldsets = (*UserAdmin.fieldsets, ("Simpul", {"fields": ("global_role",)}))
    list_display = ("username", "email", "first_name", "last_name", "global_role", "is_staff")
    list_filter = ("global_role", *UserAdmin.list_filter)
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "library", "role", "created_at")
    list_filter = ("role",)
    search_fields = ("user__username", "library__code", "library__name")
    autocomplete_fields = ["user", "library"]
