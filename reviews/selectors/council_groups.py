"""The works council's group breakdown: per team and per employment type, how many agents got alerts
and confirmed warnings, against the rest. Counts only, never a person (``reviews.domain.disclosure``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from accounts.models import Role, User
from reviews.domain.disclosure import suppress_table
from reviews.models import Alert, AlertStatus

WARNING_LEVELS = ("formal_warning", "contract_warning")
# The groups of agents without a team or an employment type (pages show them in the reader's language).
NO_TEAM = "(no team)"
UNKNOWN_TYPE = "(unknown)"
DIMENSIONS = ("team", "employment_type")
COUNTED = ("with_alert", "with_confirmed", "with_confirmed_warning")


def disparity(rate: float | None, rest_rate: float | None, ratio: float) -> bool:
    """A group's rate above ``ratio`` times the rest's (the inverse of the four-fifths rule)."""
    if rate is None or rest_rate is None or rate == 0:
        return False
    return rest_rate == 0 or rate > ratio * rest_rate


def _group_counts(*, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """Per (team, employment type): agents, and those with an alert opened in [start, end), a
    confirmed one, a confirmed warning. The alerts are counted per agent in the database; the agents
    are read as plain tuples (measured in bench/RESULTS.md)."""
    confirmed = Q(status=AlertStatus.CONFIRMED)
    alerted = {
        agent_id: (n_confirmed, n_warned)
        for agent_id, n_confirmed, n_warned in Alert.objects.filter(opened_at__gte=start, opened_at__lt=end)
        .values("agent_id")
        .annotate(c=Count("pk", filter=confirmed), w=Count("pk", filter=confirmed & Q(level__in=WARNING_LEVELS)))
        .values_list("agent_id", "c", "w")
        .order_by()
    }
    cells: dict[tuple[str | None, str | None], list[int]] = defaultdict(lambda: [0, 0, 0, 0])
    for pk, team, employment_type in User.objects.filter(role=Role.AGENT).values_list(
        "pk", "team__name", "employment_type"
    ):
        cell = cells[(team, employment_type)]
        cell[0] += 1
        if pk in alerted:
            n_confirmed, n_warned = alerted[pk]
            cell[1] += 1
            cell[2] += n_confirmed > 0
            cell[3] += n_warned > 0
    return [
        {"team__name": team, "employment_type": employment_type, **dict(zip(("agents", *COUNTED), cell, strict=True))}
        for (team, employment_type), cell in cells.items()
    ]


def _groups(counts: list[dict[str, Any]], dimension: str) -> dict[str, dict[str, int]]:
    groups: dict[str, dict[str, int]] = defaultdict(
        lambda: {"agents": 0, "with_alert": 0, "with_confirmed": 0, "with_confirmed_warning": 0}
    )
    for row in counts:
        name = (row["team__name"] or NO_TEAM) if dimension == "team" else (row["employment_type"] or UNKNOWN_TYPE)
        cells = groups[name]
        for cell in cells:
            cells[cell] += row[cell]
    return groups


def group_breakdown(*, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Per team and per employment type: how many agents got alerts and confirmed warnings, against the rest."""
    k = settings.SMALL_CELL_K
    threshold = settings.GROUP_DISPARITY_RATIO
    counts = _group_counts(start=start, end=end)
    result: dict[str, Any] = {"k": k, "disparity_ratio": threshold}
    overall_n = sum(row["agents"] for row in counts)
    overall_warning = sum(row["with_confirmed_warning"] for row in counts)
    for dimension in DIMENSIONS:
        groups = _groups(counts, dimension)
        shown = suppress_table(groups, k, row_totals=False, column_totals=True)
        result[dimension] = [
            _row(name, groups[name], shown[name], overall_n, overall_warning, threshold) for name in sorted(groups)
        ]
    return result


def _row(
    name: str, cells: dict[str, int], shown: dict[str, int | None], overall_n: int, overall_warning: int, ratio: float
) -> dict[str, Any]:
    rest_n = overall_n - cells["agents"]
    rest_warning = overall_warning - cells["with_confirmed_warning"]
    rate = cells["with_confirmed_warning"] / cells["agents"] if cells["agents"] else None
    rest_rate = rest_warning / rest_n if rest_n else None
    overall_rate = overall_warning / overall_n if overall_n else None
    visible = shown["agents"] is not None and shown["with_confirmed_warning"] is not None
    return {
        "group": name,
        **shown,
        "confirmed_warning_rate": round(rate, 3) if visible and rate is not None else None,
        "ratio_to_overall": round(rate / overall_rate, 2) if visible and rate is not None and overall_rate else None,
        # A flag about a group whose counts are hidden would itself say something about them:
        # it is shown only where the counts it rests on are (null: hidden, like them).
        "disparity_flag": disparity(rate, rest_rate, ratio) if visible else None,
    }
