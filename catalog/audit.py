"""The audit trail of a library's catalogue and circulation: who changed what, when, before → after.

Every service that changes a record, copy, member, loan or fine calls ``record_change`` in the same
transaction as the change; ``trail_for`` reads an object's entries for its page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime
from decimal import Decimal

from django.db import models

from catalog.models import AuditEntry


def _plain(value: object) -> object:
    """A JSON-safe form of a field value (dates as ISO text, decimals as text, objects by their str)."""
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if isinstance(value, models.Model):
        return str(value)
    if hasattr(value, "name") and not callable(value.name):  # FieldFile
        return value.name or ""
    return str(value)


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, object]:
    """The object's field values (concrete fields, foreign keys by id) as plain data."""
    names = list(fields) if fields is not None else [field.name for field in obj._meta.concrete_fields]
    values = {}
    for name in names:
        field = obj._meta.get_field(name)
        values[name] = _plain(getattr(obj, field.attname if field.is_relation else name))
    return values


def changes_between(before: dict[str, object], after: dict[str, object]) -> dict[str, list[object]]:
    """``{field: [before, after]}`` of the fields whose value differs."""
    return {
        name: [before.get(name), after.get(name)]
        for name in sorted(set(before) | set(after))
        if before.get(name) != after.get(name)
    }


def object_type_of(obj: models.Model) -> str:
    return obj._meta.model_name


def record_change(
    *,
    obj: models.Model,
    action: str,
    actor=None,
    before: dict[str, object] | None = None,
    after: dict[str, object] | None = None,
    summary: str = "",
    object_id: int | None = None,
) -> AuditEntry:
    """One audit entry for ``obj``. ``before``/``after`` are snapshots: an update stores what changed, a
    create stores ``after``, a delete ``before``. ``actor`` is the user (public schema) or None (system)."""
    if before is not None and after is not None:
        changes: dict = changes_between(before, after)
    else:
        changes = {name: [None, value] for name, value in (after or {}).items()} or {
            name: [value, None] for name, value in (before or {}).items()
        }
    authenticated = bool(actor is not None and getattr(actor, "is_authenticated", False))
    return AuditEntry.objects.create(
        object_type=object_type_of(obj),
        object_id=object_id if object_id is not None else obj.pk,
        action=action,
        summary=summary[:300],
        changes=changes,
        actor_id=actor.pk if authenticated else None,
        actor_name=(actor.get_username() if authenticated else "sistem")[:150],
    )


def trail_for(obj: models.Model, *, object_type: str | None = None) -> models.QuerySet[AuditEntry]:
    return AuditEntry.objects.filter(object_type=object_type or object_type_of(obj), object_id=obj.pk)
