"""An attacker who combines every answer the what-if preview and the council's tables give, solved
with linear programming.

The works council (or anyone who can draft rules and preview them) may ask the preview of one rule
under every scope: each team, each employment type, and every union of them. Each published count is
a linear equation over the hidden cells (flagged agents per team and employment type). For every cell
whose true count is small (1 to k-1), the published answers must leave it undetermined: the feasible
range found by ``scipy.optimize.linprog`` must include 0 (nobody in it need have been flagged) and be
wider than a single value.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from django.utils import timezone
from scipy.optimize import linprog

from accounts.models import EmploymentType, Team
from reviews.services.rule_preview import rule_version_preview
from reviews.services.rules import threshold_rule_create
from tests.conftest import client_for
from tests.factories import TeamFactory, UserFactory
from tests.helpers import active_rule, rule_terms, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db

K = 3
PERMANENT, TEMP, FIXED = EmploymentType.PERMANENT, EmploymentType.TEMP_AGENCY, EmploymentType.FIXED_TERM


def build_world(world):  # type: ignore[no-untyped-def]
    """Team A: 6 permanent staff and the one temp-agency worker; Team B: 2 people (k-1); Team C: 5 on
    fixed-term contracts. Flagged by a 1-error rule: the temp worker, 3 in A, 1 in B, 3 in C."""
    team_c = TeamFactory.create(name="Team C")
    a, b = world.agent.team, world.other_agent.team
    people = {
        (a.pk, TEMP): [world.agent],
        (a.pk, PERMANENT): [world.colleague]
        + [UserFactory.create(username=f"a{i}", team=a, employment_type=PERMANENT) for i in range(5)],
        (b.pk, PERMANENT): [world.other_agent, UserFactory.create(username="b1", team=b, employment_type=PERMANENT)],
        (team_c.pk, FIXED): [
            UserFactory.create(username=f"c{i}", team=team_c, employment_type=FIXED) for i in range(5)
        ],
    }
    flagged = {(a.pk, TEMP): 1, (a.pk, PERMANENT): 3, (b.pk, PERMANENT): 1, (team_c.pk, FIXED): 3}
    when = timezone.now() - dt.timedelta(days=3)
    for cell, n in flagged.items():
        for agent in people[cell][:n]:
            scored_call(reviewer=world.qa_lead, agent=agent, version=world.published_version, started_at=when)
    return people, flagged, [a.pk, b.pk, team_c.pk]


def published_equations(world, cells, team_ids):  # type: ignore[no-untyped-def]
    """Every preview of the same rule under every scope, as (cells summed, published value) pairs."""
    equations = []
    types = [PERMANENT, TEMP, FIXED]
    scopes = itertools.product(
        [frozenset(c) for r in range(len(team_ids) + 1) for c in itertools.combinations(team_ids, r)],
        [frozenset(c) for r in range(len(types) + 1) for c in itertools.combinations(types, r)],
    )
    for number, (teams, employment_types) in enumerate(scopes):
        rule = threshold_rule_create(
            name=f"Proef {number}",
            terms=rule_terms(n=1, window_days=30, team_ids=teams, employment_types=employment_types),
            acting_user=world.qa_lead,
        )
        preview = rule_version_preview(version=rule.versions.get(), acting_user=world.council)
        in_scope = [
            c for c in cells if (not teams or c[0] in teams) and (not employment_types or c[1] in employment_types)
        ]
        if preview.agents_flagged is not None:
            equations.append((in_scope, preview.agents_flagged))
        for group in preview.by_employment_type:
            if group.flagged is not None:
                equations.append(([c for c in in_scope if c[1] == group.employment_type], group.flagged))
    return equations


def feasible_range(cells, sizes, equations, target):  # type: ignore[no-untyped-def]
    index = {cell: i for i, cell in enumerate(cells)}
    rows = [[1.0 if c in members else 0.0 for c in cells] for members, _ in equations]
    values = [float(value) for _, value in equations]
    bounds = [(0, sizes[c]) for c in cells]
    objective = [0.0] * len(cells)
    ends = []
    for sign in (1.0, -1.0):
        objective[index[target]] = sign
        result = linprog(objective, A_eq=rows or None, b_eq=values or None, bounds=bounds, method="highs")
        assert result.status == 0, result.message  # the published answers are consistent
        ends.append(sign * result.fun)
    return ends[0], ends[1]


def test_no_combination_of_previews_pins_down_a_small_group(world, published_version, settings):
    settings.SMALL_CELL_K = K
    world.published_version = published_version
    people, flagged, team_ids = build_world(world)
    cells = sorted(people)
    sizes = {cell: len(members) for cell, members in people.items()}
    equations = published_equations(world, cells, team_ids)
    small = [c for c in cells if 0 < flagged[c] < K]
    assert len(small) == 2  # the temp worker alone, and one person in the team of k-1
    for cell in small:
        low, high = feasible_range(cells, sizes, equations, cell)
        print(f"cell {cell}: true {flagged[cell]}, feasible [{low:g}, {high:g}] from {len(equations)} answers")
        assert low <= 0 < high, (cell, low, high)


def test_a_scoped_preview_is_withheld_with_its_reason_only_while_a_group_is_small(world, published_version, settings):
    settings.SMALL_CELL_K = K
    world.published_version = published_version
    _, _, team_ids = build_world(world)
    only_c = threshold_rule_create(
        name="Alleen team C",
        terms=rule_terms(n=1, window_days=30, team_ids=frozenset({team_ids[2]})),
        acting_user=world.qa_lead,
    ).versions.get()
    withheld = rule_version_preview(version=only_c, acting_user=world.council)
    assert (withheld.withheld, withheld.agents_in_scope, withheld.agents_flagged) == (True, None, None)
    assert withheld.by_employment_type == []
    settings.SMALL_CELL_K = 1  # now no group is small: the same scope is answered
    shown = rule_version_preview(version=only_c, acting_user=world.council)
    assert (shown.withheld, shown.agents_in_scope, shown.agents_flagged) == (False, 5, 3)


def test_every_council_table_together_pins_no_small_group(world, published_version, settings):
    """The group breakdown (per team, per employment type), rule usage (per month and per quarter),
    the pressure indicators and the whole organisation's preview, all for the same quarter and the
    same rule: every figure they publish about group sizes and alerted agents becomes an equation
    over the team-by-employment-type cells (sizes s, alerted x, 0 <= x <= s), and each small group
    must stay undetermined from 0 upward."""
    settings.SMALL_CELL_K = K
    world.published_version = published_version
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=True):
        _people, flagged, _team_ids = build_world(world)
        active_rule(qa_lead=world.qa_lead, council=world.council, at=timezone.now() - dt.timedelta(days=10), n=1)
        run_scoring_inline()
        council = client_for(world.council)
        quarter = {"start": "2026-10-01T00:00:00+02:00", "end": "2027-01-01T00:00:00+01:00"}
        breakdown = council.get("/api/v1/works-council/group-breakdown/", quarter).json()
        usage = [council.get("/api/v1/works-council/rule-usage/", {**quarter, "period": p}).json() for p in PERIODS]
        pressure = council.get("/api/v1/works-council/pressure-indicators/", quarter).json()
        same_terms = threshold_rule_create(name="Dezelfde", terms=rule_terms(n=1), acting_user=world.qa_lead)
        preview = rule_version_preview(version=same_terms.versions.get(), acting_user=world.council)
    teams = [row["group"] for row in breakdown["team"]]
    types = [row["group"] for row in breakdown["employment_type"]]
    cells = list(itertools.product(teams, types))
    size_of, alerted_of = {}, {}  # a published figure: the cells it sums
    equations: list[tuple[str, list[tuple[str, str]], int]] = []  # (s or x, cells, value)
    for dimension, position in (("team", 0), ("employment_type", 1)):
        for row in breakdown[dimension]:
            members = [c for c in cells if c[position] == row["group"]]
            size_of[(dimension, row["group"])] = members
            alerted_of[(dimension, row["group"])] = members
            if row["agents"] is not None:
                equations.append(("s", members, row["agents"]))
            if row["with_alert"] is not None:
                equations.append(("x", members, row["with_alert"]))
    for answer in usage:  # one rule, alerts opened in one month: each row's total is every alerted agent
        for row in answer["rows"]:
            if row["agents_total"] is not None:
                equations.append(("x", cells, row["agents_total"]))
    for band in pressure["handle_time_bands"]:  # only the alerted agents had calls, all in one band
        if band["agents"] is not None:
            equations.append(("x", cells, band["agents"]))
    assert not preview.withheld
    if preview.agents_in_scope is not None:
        equations.append(("s", cells, preview.agents_in_scope))
    if preview.agents_flagged is not None:
        equations.append(("x", cells, preview.agents_flagged))
    for group in preview.by_employment_type:
        members = [c for c in cells if c[1] == group.employment_type]
        if group.agents is not None:
            equations.append(("s", members, group.agents))
        if group.flagged is not None:
            equations.append(("x", members, group.flagged))

    names = {c.pk: c.name for c in Team.objects.all()}
    small_cells = [cell for cell, n in flagged.items() if 0 < n < K]
    targets = {f"x[{names[t]}, {kind}]": [(names[t], str(kind))] for t, kind in small_cells}
    for (dimension, group), members in alerted_of.items():
        row = next(r for r in breakdown[dimension] if r["group"] == group)
        if row["with_alert"] is None:
            targets[f"x[{group}]"] = members
        if row["agents"] is None:
            targets[f"s[{group}]"] = size_of[(dimension, group)]
    assert "x[temp_agency]" in targets and "s[temp_agency]" in targets  # the temp worker is hidden
    for name, members in targets.items():
        low, high = cell_range(cells, equations, name[0], members)
        print(f"{name}: feasible [{low:g}, {high:g}] from {len(equations)} published figures")
        assert low == 0 < high, (name, low, high)


PERIODS = ("month", "quarter")


def cell_range(cells, equations, kind, members):  # type: ignore[no-untyped-def]
    """Min and max of the sum of ``kind`` ('s' sizes or 'x' alerted) over ``members`` given every equation."""
    n = len(cells)
    index = {c: i for i, c in enumerate(cells)}
    rows, values = [], []
    for var, summed, value in equations:
        row = [0.0] * (2 * n)
        for c in summed:
            row[index[c] + (0 if var == "s" else n)] = 1.0
        rows.append(row)
        values.append(float(value))
    inequalities = []  # x_c - s_c <= 0
    for c in cells:
        row = [0.0] * (2 * n)
        row[index[c]], row[index[c] + n] = -1.0, 1.0
        inequalities.append(row)
    ends = []
    for sign in (1.0, -1.0):
        objective = [0.0] * (2 * n)
        for c in members:
            objective[index[c] + (0 if kind == "s" else n)] = sign
        result = linprog(
            objective,
            A_ub=inequalities,
            b_ub=[0.0] * n,
            A_eq=rows,
            b_eq=values,
            bounds=[(0, 1000)] * (2 * n),
            method="highs",
        )
        assert result.status == 0, result.message
        ends.append(sign * result.fun)
    return ends[0], ends[1]
