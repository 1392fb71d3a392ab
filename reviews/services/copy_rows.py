"""Writing many rows into a table with PostgreSQL's COPY: no model instances, no ids read back."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection
from django.db.models import Model


def copy_rows(model: type[Model], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> None:
    """COPY ``rows`` (values in the order of ``fields``, by field name) into ``model``'s table, in the
    caller's transaction. PostgreSQL only; the caller writes what no constraint will refuse."""
    column = {f.name: str(f.column) for f in model._meta.concrete_fields}
    columns = ", ".join(column[name] for name in fields)
    with connection.cursor() as cursor, cursor.copy(f"COPY {model._meta.db_table} ({columns}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
