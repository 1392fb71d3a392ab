"""Support before sanction: of the confirmed formal and contract warnings, how many followed a coaching
plan for the same agent? Per team and per employment type, counts only (``reviews.domain.disclosure``).

A warning counts as preceded when a coaching plan for its agent was opened before the warning was
confirmed. A group's figures are shown only where its warnings concern at least k agents.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Exists, OuterRef

from reviews.domain.disclosure import suppress_table
from reviews.models import Alert, AlertStatus, CoachingPlan
from reviews.selectors.council_groups import NO_TEAM, UNKNOWN_TYPE, WARNING_LEVELS


def confirmed_warnings(*, start: dt.datetime, end: dt.datetime) -> Any:
    """Formal and contract warnings confirmed in [start, end), each with whether coaching came first."""
    coached_before = CoachingPlan.objects.filter(agent_id=OuterRef("agent_id"), opened_at__lt=OuterRef("decided_at"))
    return Alert.objects.filter(
        status=AlertStatus.CONFIRMED, level__in=WARNING_LEVELS, decided_at__gte=start, decided_at__lt=end
    ).annotate(preceded=Exists(coached_before))


def support_before_sanction(*, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    k = settings.SMALL_CELL_K
    rows = list(
        confirmed_warnings(start=start, end=end).values_list(
            "agent_id", "agent__team__name", "agent__employment_type", "preceded"
        )
    )
    overall_agents = len({row[0] for row in rows})
    overall = _share({"warnings": len(rows), "preceded_by_coaching": sum(1 for row in rows if row[3])})
    result: dict[str, Any] = {"k": k, "overall": overall if overall_agents >= k else dict.fromkeys(overall)}
    for dimension, position in (("team", 1), ("employment_type", 2)):
        table: dict[str, dict[str, int]] = defaultdict(lambda: {"warnings": 0, "preceded_by_coaching": 0})
        agents: dict[str, set[int]] = defaultdict(set)
        for row in rows:
            group = row[position] or (NO_TEAM if dimension == "team" else UNKNOWN_TYPE)
            table[group]["warnings"] += 1
            table[group]["preceded_by_coaching"] += bool(row[3])
            agents[group].add(row[0])
        # A group of fewer than k agents is hidden whole, and the organisation's total (shown above)
        # must not give it back: secondary suppression along each column.
        few = {(g, c) for g in table if len(agents[g]) < k for c in ("warnings", "preceded_by_coaching")}
        shown = suppress_table(table, 1, row_totals=False, column_totals=True, also_hide=few)
        result[dimension] = [{"group": name, **_share(shown[name])} for name in sorted(table)]
    return result


def _share(cells: dict[str, int | None]) -> dict[str, Any]:
    warnings, preceded = cells["warnings"], cells["preceded_by_coaching"]
    share = round(preceded / warnings, 3) if warnings and preceded is not None else None
    return {"warnings": warnings, "preceded_by_coaching": preceded, "share_preceded": share}


def warnings_without_coaching(*, start: dt.datetime, end: dt.datetime) -> dict[int, int]:
    """Per rule: its confirmed warnings in the window that no coaching plan preceded."""
    counts: dict[int, int] = defaultdict(int)
    for rule_id, preceded in confirmed_warnings(start=start, end=end).values_list("rule_id", "preceded"):
        if not preceded:
            counts[rule_id] += 1
    return dict(counts)


def uncoached_warnings_by_rule(*, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """For the council's usage table: per rule, the confirmed warnings no coaching preceded (flagged),
    shown where they concern at least k agents or none."""
    k = settings.SMALL_CELL_K
    agents: dict[str, set[int]] = defaultdict(set)
    counts: dict[str, int] = defaultdict(int)
    for name, agent_id, preceded in confirmed_warnings(start=start, end=end).values_list(
        "rule__name", "agent_id", "preceded"
    ):
        counts[name] += 0 if preceded else 1
        if not preceded:
            agents[name].add(agent_id)
    return [
        {
            "rule": name,
            "warnings_without_coaching": counts[name] if not agents[name] or len(agents[name]) >= k else None,
        }
        for name in sorted(counts)
    ]
