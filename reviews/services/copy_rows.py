"""Writing many rows into a table with PostgreSQL's COPY: no model instances, no ids read back."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from operator import attrgetter
from typing import Any

from django.db import connection
from django.db.models import NOT_PROVIDED, Field, JSONField, Model


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows`` (values in the order of ``fields``, by field name) into ``model``'s table, in the
    caller's transaction. PostgreSQL only; the caller writes what no constraint will refuse."""
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    columns = ", ".join(column[name] for name in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def copy_new(objs: Sequence[Model]) -> None:
    """Insert new instances of one model with COPY, as ``bulk_create`` would: ids drawn from the
    table's sequence first and set on the instances, ``auto_now_add`` and defaults as on save.
    PostgreSQL only; a constraint that refuses a row raises Django's ``IntegrityError``."""
    if not objs:
        return
    model = type(objs[0])
    meta = model._meta
    fields = meta.concrete_fields
    computed = [f.name for f in fields if getattr(f, "generated", False) or f.db_default is not NOT_PROVIDED]
    if computed:  # the database computes these; COPY would have to name a value for each
        raise ValueError(f"copy_new does not write {model.__name__}: {computed} are computed by the database")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
            [meta.db_table, meta.pk.column, len(objs)],
        )
        for obj, (pk,) in zip(objs, cursor.fetchall(), strict=True):
            obj.pk = pk
    # Values as psycopg writes them (Django's per-value preparation costs more than the COPY itself):
    # JSON as text, dates and times as they are; auto_now_add and friends through their pre_save.
    getters = [_getter(field) for field in fields]
    rows = ([get(obj) for get in getters] for obj in objs)
    with connection.wrap_database_errors:
        copy_rows(model, [field.name for field in fields], rows)


def _getter(field: Field[Any, Any]) -> Callable[[Model], Any]:
    if isinstance(field, JSONField):  # None is SQL NULL, as Django saves it
        return lambda obj: None if (v := getattr(obj, field.attname)) is None else json.dumps(v, cls=field.encoder)
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return lambda obj: field.pre_save(obj, True)
    if field.choices:  # an enum member is written as its value
        return lambda obj: _plain(getattr(obj, field.attname))
    return attrgetter(field.attname)


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, Enum) else value
