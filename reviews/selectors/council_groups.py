"""The works council's group breakdown: per team and per employment type, how many agents got alerts
and confirmed warnings, against the rest. Counts only, never a person (``reviews.domain.disclosure``)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any, NamedTuple

from django.conf import settings

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


class AgentGroup(NamedTuple):
    pk: int
    team: str
    employment_type: str


class Alerted(NamedTuple):
    """Which agents had an alert, a confirmed one, a confirmed warning (within some period)."""

    with_alert: set[int]
    with_confirmed: set[int]
    with_warning: set[int]


def _alerted(rows: list[tuple[int, str, str]]) -> Alerted:
    alerted = Alerted(set(), set(), set())
    for agent_id, status, level in rows:
        alerted.with_alert.add(agent_id)
        if status == AlertStatus.CONFIRMED:
            alerted.with_confirmed.add(agent_id)
            if level in WARNING_LEVELS:
                alerted.with_warning.add(agent_id)
    return alerted


def _groups(agents: list[AgentGroup], alerted: Alerted, dimension: str) -> dict[str, dict[str, int]]:
    groups: dict[str, dict[str, int]] = defaultdict(
        lambda: {"agents": 0, "with_alert": 0, "with_confirmed": 0, "with_confirmed_warning": 0}
    )
    for agent in agents:
        cells = groups[getattr(agent, dimension)]
        cells["agents"] += 1
        cells["with_alert"] += agent.pk in alerted.with_alert
        cells["with_confirmed"] += agent.pk in alerted.with_confirmed
        cells["with_confirmed_warning"] += agent.pk in alerted.with_warning
    return groups


def group_breakdown(*, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Per team and per employment type: how many agents got alerts and confirmed warnings, against the rest."""
    k = settings.SMALL_CELL_K
    threshold = settings.GROUP_DISPARITY_RATIO
    # Plain tuples, not model instances: this reads every agent (measured in bench/RESULTS.md).
    agents = [
        AgentGroup(pk, team or NO_TEAM, employment_type or UNKNOWN_TYPE)
        for pk, team, employment_type in User.objects.filter(role=Role.AGENT).values_list(
            "pk", "team__name", "employment_type"
        )
    ]
    rows = list(
        Alert.objects.filter(opened_at__gte=start, opened_at__lt=end).values_list("agent_id", "status", "level")
    )
    alerted = _alerted(rows)
    result: dict[str, Any] = {"k": k, "disparity_ratio": threshold}
    overall_n = len(agents)
    overall_warning = sum(1 for a in agents if a.pk in alerted.with_warning)
    for dimension in DIMENSIONS:
        groups = _groups(agents, alerted, dimension)
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
