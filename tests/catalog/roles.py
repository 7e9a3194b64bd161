"""The role matrix of a library's staff area: the same five actors against every page and API endpoint.

    actors = make_actors(library_a, library_b)
    assert status_for(actors, "librarian_a", "get", "/kelola/katalog/", library_a) == 200

A librarian of A manages only A; a supervisor reads every catalogue and changes none; an operator may do
everything; anonymous users see only the public view (a staff page redirects them to the login page).
Each part of the staff area (cataloguing, circulation, import/export, reports, API) keeps its own matrix
test next to its other tests and builds it from these helpers.
"""

from __future__ import annotations

from django.test import Client

from portal.accounts.models import GlobalRole
from tests.factories import host_of, make_user

ACTORS = ("anonymous", "librarian_a", "librarian_b", "supervisor", "operator")
# What "may not" looks like: a redirect to the login page for anonymous users, 403 for the others.
DENIED = {"anonymous": 302, "librarian_a": 403, "librarian_b": 403, "supervisor": 403, "operator": 403}


def make_actors(library_a, library_b, *, prefix: str = "peran") -> dict[str, object | None]:
    """The five actors (users created in the test's transaction; ``anonymous`` is None)."""
    return {
        "anonymous": None,
        "librarian_a": make_user(f"{prefix}-pustakawan-a", libraries=[library_a]),
        "librarian_b": make_user(f"{prefix}-pustakawan-b", libraries=[library_b]),
        "supervisor": make_user(f"{prefix}-pembina", global_role=GlobalRole.SUPERVISOR),
        "operator": make_user(f"{prefix}-operator", global_role=GlobalRole.OPERATOR),
    }


def client_for(actors: dict[str, object | None], actor: str) -> Client:
    client = Client()
    user = actors[actor]
    if user is not None:
        client.force_login(user)
    return client


def status_for(
    actors: dict[str, object | None], actor: str, method: str, path: str, library, data: dict | None = None
) -> int:
    """The status ``actor`` gets for ``method path`` on ``library``'s host."""
    client = client_for(actors, actor)
    call = getattr(client, method.lower())
    kwargs = {"HTTP_HOST": host_of(library)}
    response = (
        call(path, data or {}, **kwargs)
        if data is not None or method.lower() != "get"
        else call(path, **kwargs)
    )
    return response.status_code


def managed(library):
    """Make ``library`` managed in Simpul for this test (inside the test's transaction)."""
    from tenants import hostname_cache
    from tenants.models import Library, LibrarySystem

    Library.objects.filter(pk=library.pk).update(system=LibrarySystem.SIMPUL)
    library.system = LibrarySystem.SIMPUL
    hostname_cache.forget_all()  # the host → library cache must not serve the harvested copy
    return library
