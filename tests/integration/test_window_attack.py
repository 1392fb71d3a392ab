"""An attacker who asks the works council's tables for many overlapping periods and subtracts.

Two free periods that differ by one day give that day's count by subtraction. The council's tables
therefore cover one whole calendar quarter, whatever period is asked (``council_window``). The
attacker here asks the pressure indicators (evaluations per handle-time band, critical errors per
month: both add up over days) for periods that start and end around the day the one temp-agency
worker was evaluated, turns every published figure into a linear equation over the evaluations per
day, and asks ``scipy.optimize.linprog`` how far that day's count is determined.
"""

from __future__ import annotations

import datetime as dt
import itertools

import pytest
import time_machine
from scipy.optimize import linprog

from accounts.models import EmploymentType
from tests.conftest import client_for
from tests.factories import UserFactory
from tests.helpers import scored_call

pytestmark = pytest.mark.django_db

K = 3
ZONE = dt.timezone(dt.timedelta(hours=1))  # Europe/Amsterdam in winter; October dates below carry +02:00
QUARTER = [dt.date(2026, 10, 1) + dt.timedelta(days=i) for i in range(92)]
TARGET = dt.date(2026, 10, 20)  # the day the temp-agency worker was evaluated, alone
# Evaluations (each with one critical error) per day: three colleagues on 5 October, the temp worker on
# 20 October, three more in November.
PLAN = {dt.date(2026, 10, 5): 3, TARGET: 1, dt.date(2026, 11, 3): 2, dt.date(2026, 11, 10): 1}
ASKED_STARTS = [dt.date(2026, 10, 1), TARGET, TARGET + dt.timedelta(days=1)]
ASKED_ENDS = [TARGET, TARGET + dt.timedelta(days=1), dt.date(2026, 11, 16), dt.date(2027, 1, 1)]


def midnight(day: dt.date) -> str:
    offset = "+02:00" if day < dt.date(2026, 10, 25) else "+01:00"
    return f"{day.isoformat()}T00:00:00{offset}"


def days_of(body: dict, asked: tuple[dt.date, dt.date]) -> list[dt.date]:
    """The days an answer covers: the window it says it covers, or (without one) the period asked."""
    window = body.get("window")
    if window:
        first = dt.date.fromisoformat(window["start"][:10])
        after = dt.date.fromisoformat(window["end"][:10])
    else:
        first, after = asked
    return [day for day in QUARTER if first <= day < after]


@pytest.fixture
def evaluated(world, published_version, settings):
    settings.SMALL_CELL_K = K
    world.agent.employment_type = EmploymentType.TEMP_AGENCY
    world.agent.save()
    colleagues = [UserFactory.create(username=f"coll{i}", team=world.agent.team) for i in range(6)]
    by_day = {
        dt.date(2026, 10, 5): colleagues[:3],
        TARGET: [world.agent],
        dt.date(2026, 11, 3): colleagues[3:5],
        dt.date(2026, 11, 10): colleagues[5:],
    }
    for day, agents in by_day.items():
        assert len(agents) == PLAN[day]
        for agent in agents:
            moment = dt.datetime.combine(day, dt.time(11, 0), tzinfo=ZONE)
            scored_call(reviewer=world.qa_lead, agent=agent, version=published_version, started_at=moment)
    return world


def published_equations(council) -> list[tuple[list[dt.date], int]]:
    """Every figure the attacker got, as (days summed, value)."""
    equations = []
    for start, end in itertools.product(ASKED_STARTS, ASKED_ENDS):
        if start >= end:
            continue
        for period in ("month", "quarter"):
            response = council.get(
                "/api/v1/works-council/pressure-indicators/",
                {"start": midnight(start), "end": midnight(end), "period": period},
            )
            assert response.status_code == 200, response.content
            body = response.json()
            covered = days_of(body, (start, end))
            for band in body["handle_time_bands"]:
                if band["band"] == "340-420 s" and band["evaluations"] is not None:
                    equations.append((covered, band["evaluations"]))
            for row in body["unreported_signal_share"]:  # one active error per evaluation, same day
                if row["critical_errors"] is not None:
                    months = [d for d in covered if f"{d.year}-{d.month:02d}" == row["period"]]
                    equations.append((months or covered, row["critical_errors"]))
    return equations


def feasible(equations: list[tuple[list[dt.date], int]], target: dt.date) -> tuple[float, float]:
    rows = [[1.0 if day in days else 0.0 for day in QUARTER] for days, _ in equations]
    values = [float(v) for _, v in equations]
    ends = []
    for sign in (1.0, -1.0):
        objective = [sign if day == target else 0.0 for day in QUARTER]
        result = linprog(objective, A_eq=rows, b_eq=values, bounds=[(0, 100)] * len(QUARTER), method="highs")
        assert result.status == 0, result.message
        ends.append(sign * result.fun)
    return ends[0], ends[1]


def test_periods_that_differ_by_a_day_do_not_give_that_day(evaluated):
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=True):
        council = client_for(evaluated.council)
        equations = published_equations(council)
    assert equations, "the attacker got figures to work with"
    low, high = feasible(equations, TARGET)
    print(f"the temp worker's day {TARGET}: true {PLAN[TARGET]}, feasible [{low:g}, {high:g}] from {len(equations)}")
    assert low == 0 < high, (low, high)


def test_a_period_across_two_quarters_is_refused_in_the_readers_language(evaluated):
    council = client_for(evaluated.council)
    response = council.get(
        "/api/v1/works-council/group-breakdown/",
        {"start": midnight(dt.date(2026, 9, 1)), "end": midnight(dt.date(2026, 11, 1))},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    assert "kwartaal" in response.json()["fields"]["start"][0]


def test_the_printable_report_refuses_a_period_across_two_quarters_in_dutch(evaluated):
    from django.test import Client

    page = Client()
    page.force_login(evaluated.council)
    response = page.get(
        "/works-council/report/",
        {"start": midnight(dt.date(2026, 9, 1)), "end": midnight(dt.date(2026, 11, 1))},
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    assert "kwartaal" in response.content.decode()
