"""What the per-month figures (``reviews.models.figures``) are cut by, and where they are kept."""

from __future__ import annotations

from django.db import connection

from reviews.models import FigureChange

# The handle-time bands of the pressure indicators, as (label, low, high): low <= seconds < high.
HANDLE_TIME_BANDS = [("< 340 s", 0, 340), ("340-420 s", 340, 421), ("> 420 s", 421, 10**9)]


def figures_kept() -> bool:
    """Whether this database keeps the figures (PostgreSQL: triggers mark every change)."""
    return connection.vendor == "postgresql"


def figures_current() -> bool:
    """Whether the figures may be read now: kept, and no change waits for ``figures_refresh``.

    Callers refresh first, so this is nearly always true; where a change slipped in between (or a
    caller did not refresh), the reports count the raw rows instead: slower, never out of date.
    """
    return figures_kept() and not FigureChange.objects.exists()
