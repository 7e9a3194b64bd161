"""What one endpoint disseminates: the union of every library (portal host) or one library's own
catalogue (its host), and the sets of the union.

Sets of the union (hierarchical, OAI-PMH 2.0 §2.7.2): ``library`` with ``library:<code>`` per active library,
``kind`` with ``kind:<unit kind>``, ``province`` with ``province:<slug of the province>``. A library that is
deleted or inactive leaves ListSets at once and its records are reported deleted (``oaipmh.feed``); a
harvest of its old set still finds those deletions. A library's own endpoint has no sets
(``noSetHierarchy``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from django.db import connection
from django.utils.text import slugify
from django.utils.translation import gettext as _

from tenants.models import Library, UnitKind


@dataclass(frozen=True)
class LibraryInfo:
    id: int
    code: str
    name: str
    schema_name: str
    kind: str
    province_slug: str
    active: bool

    def set_specs(self) -> tuple[str, ...]:
        specs = [f"library:{self.code}", f"kind:{self.kind}"]
        if self.province_slug:
            specs.append(f"province:{self.province_slug}")
        return tuple(specs)


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str


def province_slug(province: str) -> str:
    return slugify(province)[:80]


@dataclass
class Repository:
    """``library`` None: the union endpoint."""

    library: Library | None = None
    _libraries: dict[int, LibraryInfo] | None = field(default=None, repr=False)

    @property
    def is_union(self) -> bool:
        return self.library is None

    @property
    def key(self) -> str:
        """Tokens name the repository they belong to."""
        return "u" if self.library is None else f"l{self.library.pk}"

    @cached_property
    def libraries(self) -> dict[int, LibraryInfo]:
        """Every library row (active or not) by id: names, sets and schemas of the records on a page."""
        rows = Library.objects.exclude(schema_name="public").values_list(
            "pk", "code", "name", "schema_name", "kind", "province", "active"
        )
        if self.library is not None:
            rows = rows.filter(pk=self.library.pk)
        return {
            pk: LibraryInfo(pk, code, name, schema, kind, province_slug(province), active)
            for pk, code, name, schema, kind, province, active in rows
        }

    def active_libraries(self) -> list[LibraryInfo]:
        return sorted((info for info in self.libraries.values() if info.active), key=lambda info: info.code)

    # --- sets -------------------------------------------------------------------------------------------

    def sets(self) -> list[OaiSet]:
        if not self.is_union:
            return []
        active = self.active_libraries()
        kinds = dict(UnitKind.choices)
        provinces: dict[str, str] = {}
        for library in (
            Library.objects.filter(active=True).exclude(province="").values_list("province", flat=True)
        ):
            provinces.setdefault(province_slug(library), library)
        found = [OaiSet("library", _("Perpustakaan"))]
        found += [OaiSet(f"library:{info.code}", info.name) for info in active]
        found.append(OaiSet("kind", _("Jenis satker")))
        found += [
            OaiSet(f"kind:{kind}", str(kinds.get(kind, kind)))
            for kind in sorted({info.kind for info in active})
        ]
        found.append(OaiSet("province", _("Provinsi")))
        found += [OaiSet(f"province:{slug}", name) for slug, name in sorted(provinces.items()) if slug]
        return found

    def library_ids_for_set(self, spec: str) -> list[int] | None:
        """The libraries whose records are in set ``spec`` (None: every library); [] for an unknown set.
        Records of a deleted library stay findable under ``library:<its code>``."""
        if spec in ("library", "kind", "province"):
            return None
        family, _sep, value = spec.partition(":")
        if not value or ":" in value:
            return []
        infos = self.libraries.values()
        if family == "library":
            ids = [info.id for info in infos if info.code == value]
            return ids or self._deleted_library_ids(value)
        if family == "kind":
            return [info.id for info in infos if info.kind == value]
        if family == "province":
            return [info.id for info in infos if info.province_slug == value]
        return []

    def _deleted_library_ids(self, code: str) -> list[int]:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT DISTINCT library_id FROM public.oaipmh_entry WHERE library_code = %s", [code[:48]]
            )
            return [row[0] for row in cursor.fetchall()]
