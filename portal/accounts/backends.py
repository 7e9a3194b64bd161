from django.contrib.auth.backends import ModelBackend

from portal.accounts.permissions import is_operator


class RoleBackend(ModelBackend):
    """Operators may do everything the admin offers; everyone else gets Django's model permissions."""

    def has_perm(self, user_obj, perm, obj=None) -> bool:
        return (user_obj.is_active and is_operator(user_obj)) or super().has_perm(user_obj, perm, obj)

    def has_module_perms(self, user_obj, app_label) -> bool:
        return (user_obj.is_active and is_operator(user_obj)) or super().has_module_perms(user_obj, app_label)
