"""The per-month figures say what the raw rows say, whatever changed them and however often refreshed.

Property (Hypothesis, PostgreSQL): after any sequence of new evaluations (with or without critical
errors, targeted or not, left in draft), appeals that overturn errors or keep them (a new revision),
and changes written past the services (a bulk status update, an error moved to another month, a call's
handle time corrected), with refreshes in between or not, the pressure indicators' counts and the
fairness report's evaluation counts from the figures equal those counted from the raw rows, for every
month and quarter the data touches.
"""

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reviews.domain.periods import add_months
from reviews.models import Call, CriticalError, Evaluation, FigureChange, MonthFigures
from reviews.selectors.council_pressure import Counts, counts_from_figures, counts_from_rows, pressure_indicators
from reviews.selectors.sampling import evaluation_counts_from_figures, evaluation_counts_from_rows
from reviews.services.evaluations import evaluation_create
from reviews.services.figures import figures_refresh
from tests.factories import CallFactory, UserFactory
from tests.helpers import appeal_decided, scored_call

pytestmark = pytest.mark.django_db

AMSTERDAM = ZoneInfo("Europe/Amsterdam")
# Late evenings on the last days of months: a call's local month differs from its UTC month there.
BASE = dt.datetime(2026, 8, 31, 23, 30, tzinfo=AMSTERDAM)
HANDLE_TIMES = [120, 339, 340, 420, 421, 900]


class Rollback(Exception):
    pass


EVALUATION = st.tuples(
    st.just("evaluation"),
    st.integers(0, 2),  # agent
    st.integers(0, 100),  # days before BASE
    st.sampled_from(HANDLE_TIMES),
    st.sampled_from([(), ("UNREPORTED_SIGNAL",), ("PRIVACY_BREACH", "UNREPORTED_SIGNAL")]),
    st.sampled_from(["TIME_PRESSURE", "KNOWLEDGE_GAP"]),
    st.booleans(),  # targeted
)
STEP = st.one_of(
    EVALUATION,
    EVALUATION,
    EVALUATION,
    st.tuples(st.just("draft"), st.integers(0, 2), st.integers(0, 100), st.sampled_from(HANDLE_TIMES)),
    st.tuples(st.just("appeal"), st.integers(0, 9), st.booleans()),
    st.tuples(st.just("withdraw_in_bulk"), st.integers(0, 9)),
    st.tuples(st.just("move_error"), st.integers(0, 9), st.integers(-40, 40)),
    st.tuples(st.just("retime_call"), st.integers(0, 9), st.sampled_from(HANDLE_TIMES)),
    st.tuples(
        st.just("refresh"),
    ),
)


def _plain(counts: Counts) -> dict[str, Any]:
    """The counts without empty entries, and months as dates, so both ways of counting compare."""
    return {
        "bands": {
            k: (v["evaluations"], v["agents"], v["with_errors"]) for k, v in counts.bands.items() if v["evaluations"]
        },
        "causes": {
            k: (v["errors"], v["time_pressure"] or 0, v["agents"]) for k, v in counts.causes.items() if v["errors"]
        },
        "over_time": {k: {c: n for c, n in v.items() if n} for k, v in counts.over_time.items()},
        "agents_per_bucket": dict(counts.agents_per_bucket),
        "months": sorted(
            (m.astimezone(AMSTERDAM).date() if isinstance(m, dt.datetime) else m, n)
            for m, n in counts.months_with_agents
        ),
    }


def _month_start(moment: dt.datetime) -> dt.date:
    return moment.astimezone(AMSTERDAM).date().replace(day=1)


def _midnight(day: dt.date) -> dt.datetime:
    return dt.datetime.combine(day, dt.time.min, tzinfo=AMSTERDAM)


@settings(
    max_examples=15,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(steps=st.lists(STEP, min_size=4, max_size=14))
def test_figures_equal_the_raw_rows_after_any_changes(world, published_version, steps):
    try:
        with transaction.atomic():
            figures_refresh()
            agents = [world.agent, world.colleague, UserFactory.create(username="derde", team=world.agent.team)]
            evaluations: list[Evaluation] = []
            appealed: set[int] = set()
            for step in steps:
                kind = step[0]
                if kind == "evaluation":
                    _kind, agent, days, seconds, errors, cause, targeted = step
                    call = CallFactory.create(
                        agent=agents[agent], started_at=BASE - dt.timedelta(days=days), handle_time_seconds=seconds
                    )
                    evaluations.append(
                        scored_call(
                            reviewer=world.supervisor,
                            agent=agents[agent],
                            version=published_version,
                            started_at=call.started_at,
                            errors=errors,
                            cause=cause,
                            target_reason="follow_up" if targeted else "",
                            call=call,
                        )
                    )
                elif kind == "draft":
                    _kind, agent, days, seconds = step
                    call = CallFactory.create(
                        agent=agents[agent], started_at=BASE - dt.timedelta(days=days), handle_time_seconds=seconds
                    )
                    evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
                elif not evaluations:
                    continue
                elif kind == "appeal":
                    chosen = evaluations[step[1] % len(evaluations)]
                    if chosen.pk not in appealed:
                        appealed.add(chosen.pk)
                        appeal_decided(chosen, overturn_errors=step[2])
                elif kind == "withdraw_in_bulk":  # past the services: only the triggers see it
                    CriticalError.objects.filter(evaluation=evaluations[step[1] % len(evaluations)]).update(
                        status="withdrawn"
                    )
                elif kind == "move_error":
                    for error in CriticalError.objects.filter(evaluation=evaluations[step[1] % len(evaluations)]):
                        CriticalError.objects.filter(pk=error.pk).update(
                            observed_at=error.observed_at + dt.timedelta(days=step[2])
                        )
                elif kind == "retime_call":
                    Call.objects.filter(pk=evaluations[step[1] % len(evaluations)].call_id).update(
                        handle_time_seconds=step[2]
                    )
                else:
                    figures_refresh()
            figures_refresh()
            assert not FigureChange.objects.exists()
            moments = list(Call.objects.values_list("started_at", flat=True)) + list(
                CriticalError.objects.values_list("observed_at", flat=True)
            )
            months = {_month_start(m) for m in moments}
            quarters = {m.replace(month=(m.month - 1) // 3 * 3 + 1) for m in months}
            compared = 0
            for first, length in [(m, 1) for m in months] + [(q, 3) for q in quarters]:
                after = add_months(first, length)
                for period in ("month", "quarter"):
                    rows = counts_from_rows(_midnight(first), _midnight(after), period)
                    figures = counts_from_figures((first, after), period)
                    assert _plain(figures) == _plain(rows), (first, length, period)
                    compared += 1
            for month in months:
                after = add_months(month, 1)
                assert evaluation_counts_from_figures(month) == evaluation_counts_from_rows(month, after), month
            print(f"{len(steps)} steps, {len(evaluations)} evaluations, {compared} windows compared")
            raise Rollback
    except Rollback:
        pass


def test_a_refresh_recomputes_only_what_changed_and_then_nothing(world, published_version):
    figures_refresh()
    assert figures_refresh() == 0
    started = dt.datetime(2026, 5, 12, 10, 0, tzinfo=AMSTERDAM)
    scored_call(reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=started)
    assert figures_refresh() == 1  # one agent, one month
    assert figures_refresh() == 0
    row = MonthFigures.objects.get(agent=world.agent, month=dt.date(2026, 5, 1))
    assert (row.evaluations, row.with_errors, row.reviewed, row.targeted) == (1, 1, 1, 0)


def test_a_change_the_refresh_did_not_commit_stays_for_the_next(world, published_version):
    started = dt.datetime(2026, 5, 12, 10, 0, tzinfo=AMSTERDAM)
    scored_call(reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=started)
    with pytest.raises(RuntimeError), transaction.atomic():
        figures_refresh()
        raise RuntimeError("the refresh's transaction fails after recomputing")
    assert FigureChange.objects.exists()
    assert figures_refresh() >= 1
    assert MonthFigures.objects.filter(agent=world.agent, month=dt.date(2026, 5, 1)).exists()


def test_a_report_read_before_the_refresh_counts_the_raw_rows(world, published_version, settings):
    """A caller that did not refresh (or a change between refresh and read) never gets old figures."""
    settings.SMALL_CELL_K = 1
    start, end = _midnight(dt.date(2026, 4, 1)), _midnight(dt.date(2026, 7, 1))
    figures_refresh()
    before = pressure_indicators(start=start, end=end, period="month")
    started = dt.datetime(2026, 5, 12, 10, 0, tzinfo=AMSTERDAM)
    scored_call(reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=started)
    assert FigureChange.objects.exists()  # not refreshed: the figures do not know the new evaluation yet
    unrefreshed = pressure_indicators(start=start, end=end, period="month")
    assert unrefreshed != before
    assert unrefreshed["unreported_signal_share"] == [
        {"period": "2026-05", "critical_errors": 1, "unreported_signal_share": 1.0}
    ]
    figures_refresh()
    assert pressure_indicators(start=start, end=end, period="month") == unrefreshed


def test_a_report_leaves_a_large_backlog_to_beat_and_counts_the_raw_rows(world, published_version, settings):
    """After an upgrade or a large import, the refresh before a read does nothing (beat's does it all)."""
    from reviews.services.figures import figures_refresh_before_read

    settings.SMALL_CELL_K = 1
    figures_refresh()
    for month in (4, 5, 6):
        started = dt.datetime(2026, month, 12, 10, 0, tzinfo=AMSTERDAM)
        scored_call(reviewer=world.supervisor, agent=world.colleague, version=published_version, started_at=started)
    waiting = FigureChange.objects.count()
    settings.FIGURES_REFRESH_BEFORE_READ_MAX = waiting - 1
    assert figures_refresh_before_read() == 0
    assert FigureChange.objects.count() == waiting  # left for beat
    start, end = _midnight(dt.date(2026, 4, 1)), _midnight(dt.date(2026, 7, 1))
    from_rows = pressure_indicators(start=start, end=end, period="month")  # the raw rows meanwhile
    settings.FIGURES_REFRESH_BEFORE_READ_MAX = waiting
    assert figures_refresh_before_read() == 3  # few enough: one agent, three months
    assert not FigureChange.objects.exists()
    assert pressure_indicators(start=start, end=end, period="month") == from_rows


def test_a_report_does_not_wait_for_a_refresh_already_running(world, published_version):
    """Beat's refresh holds the figures' lock: a report's refresh skips (and the report counts rows)."""
    import psycopg
    from django.db import connection

    from reviews.services.figures import _LOCK, figures_refresh_before_read

    started = dt.datetime(2026, 5, 12, 10, 0, tzinfo=AMSTERDAM)
    scored_call(reviewer=world.supervisor, agent=world.agent, version=published_version, started_at=started)
    params = connection.get_connection_params()
    with psycopg.connect(**{k: v for k, v in params.items() if k != "cursor_factory"}) as other:
        other.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK])  # held until `other` ends its transaction
        assert figures_refresh_before_read() == 0
        assert FigureChange.objects.exists()
    assert figures_refresh_before_read() >= 1
