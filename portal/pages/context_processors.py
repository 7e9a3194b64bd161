from django.conf import settings

from portal.accounts.permissions import can_supervise, current_library, is_operator


def site(request) -> dict:
    user = getattr(request, "user", None)
    return {
        "current_library": current_library(request),
        "base_domain": settings.BASE_DOMAIN,
        "user_is_operator": bool(user and is_operator(user)),
        "user_is_supervisor": bool(user and can_supervise(user)),
    }
