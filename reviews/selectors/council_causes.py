"""The works council's view of why critical errors happened: root causes per group, and time pressure
next to the handle-time bands. Counts only, never a person (``reviews.domain.disclosure``).

A cell counts the critical errors of one cause in one group; it is shown only where those errors
come from at least k agents (else a count could describe one person), and secondary suppression
keeps a hidden cell from being recovered from the cause's total (which the other dimension's table
gives away).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, Q

from reviews.domain.disclosure import suppress_table
from reviews.models import CauseKind, CriticalError, CriticalErrorStatus, RootCause
from reviews.selectors.council_groups import NO_TEAM, UNKNOWN_TYPE
from reviews.selectors.thresholds import COUNTING_EVALUATION_STATUSES

TIME_PRESSURE = "TIME_PRESSURE"
NOT_RECORDED = "_none"  # errors logged before root causes existed


def _counted(start: dt.datetime, end: dt.datetime) -> Any:
    """Active critical errors observed in the window, from counting evaluations (never calibration)."""
    return CriticalError.objects.filter(
        observed_at__gte=start,
        observed_at__lt=end,
        status=CriticalErrorStatus.ACTIVE,
        evaluation__status__in=COUNTING_EVALUATION_STATUSES,
        evaluation__calibration_session__isnull=True,
    )


def cause_distribution(*, start: dt.datetime, end: dt.datetime) -> dict[str, Any]:
    """Per team and per employment type: critical errors per root cause, and the systemic share."""
    k = settings.SMALL_CELL_K
    causes = {c.code: c for c in RootCause.objects.order_by("code", "version")}  # the newest version names it
    result: dict[str, Any] = {
        "k": k,
        "causes": [
            {"code": c.code, "kind": c.kind, "label_nl": c.label_nl, "label_en": c.label_en}
            for c in sorted(causes.values(), key=lambda c: (c.kind, c.code))
        ],
    }
    for dimension, field, nobody in (
        ("team", "agent__team__name", NO_TEAM),
        ("employment_type", "agent__employment_type", UNKNOWN_TYPE),
    ):
        rows = (
            _counted(start, end)
            .order_by()
            .values_list(field, "root_cause__code")
            .annotate(errors=Count("pk"), agents=Count("agent_id", distinct=True))
        )
        errors: dict[str, dict[str, int]] = defaultdict(dict)
        agents: dict[tuple[str, str], int] = {}
        systemic = {code for code, c in causes.items() if c.kind == CauseKind.SYSTEMIC}
        for group, code, n, people in rows:
            group = group or nobody
            column = code or NOT_RECORDED
            errors[group][column] = n
            agents[(group, column)] = people
        for group in errors:
            for code in [*causes, NOT_RECORDED]:
                errors[group].setdefault(code, 0)
        # A cell with errors of fewer than k agents is hidden whatever its count.
        few = {(g, c) for (g, c), people in agents.items() if 0 < people < k}
        # A cause's total over the groups follows from the other dimension's table: columns have totals.
        # A row's total is shown only where all its cells are, so rows need none.
        shown = suppress_table(errors, 1, row_totals=False, column_totals=True, also_hide=few)
        result[dimension] = [_row(group, errors[group], shown[group], systemic) for group in sorted(errors)]
    return result


def _row(group: str, cells: dict[str, int], shown: dict[str, int | None], systemic: set[str]) -> dict[str, Any]:
    """A group's cells as shown; its total and systemic share only where every cell is (else they would
    give a hidden cell back)."""
    total = sum(cells.values())
    every_cell_shown = all(v is not None for v in shown.values())
    systemic_errors = sum(n for code, n in cells.items() if code in systemic)
    return {
        "group": group,
        "cells": shown,
        "critical_errors": total if every_cell_shown else None,
        "systemic_share": round(systemic_errors / total, 3) if every_cell_shown and total else None,
    }


def time_pressure_by_band(
    *, start: dt.datetime, end: dt.datetime, bands: list[tuple[str, int, int]]
) -> dict[str, dict[str, int]]:
    """Per handle-time band: critical errors, those with time pressure as their cause, and their agents."""
    figures: dict[str, dict[str, int]] = {}
    counted = _counted(start, end).filter(evaluation__previous_revision__isnull=True)
    for label, low, high in bands:
        in_band = counted.filter(
            evaluation__call__handle_time_seconds__gte=low, evaluation__call__handle_time_seconds__lt=high
        )
        figures[label] = in_band.aggregate(
            errors=Count("pk"),
            time_pressure=Count("pk", filter=Q(root_cause__code=TIME_PRESSURE)),
            agents=Count("agent_id", distinct=True),
        )
    return figures
