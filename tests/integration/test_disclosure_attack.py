"""An attacker who combines every answer the what-if preview gives, solved with linear programming.

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
from django.utils import timezone
from scipy.optimize import linprog

from accounts.models import EmploymentType
from reviews.services.rule_preview import rule_version_preview
from reviews.services.rules import threshold_rule_create
from tests.factories import TeamFactory, UserFactory
from tests.helpers import rule_terms, scored_call

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
