"""The demo organisation around the personas: ten teams, about 200 agents, a year of work.

So that every view has something to show: three calls per agent a month around the 340-420 s band,
all evaluated, critical errors with a skew (more for temp-agency workers and in short calls, the
pattern the works council's views exist to catch), two rules consented and active all year, monthly
scoring runs whose alerts a QA lead decided, appeals and calibration sessions. Team J has eight
agents: fewer than k, so the council's pages hide it and say why.

History is written in time order (``time_machine`` sets the clock), through the services where a
person acts (rules, consent, scoring runs, decisions, appeals, calibration) and in bulk for the
calls and evaluations, each with the audit events the services write. A fixed seed makes it the
same world every time.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import time_machine
from django.contrib.auth.hashers import make_password

from accounts.models import EmploymentType, Role, Team, User
from reviews.demo_world import (
    ERROR_RATE,
    ERROR_TYPES,
    FIRST,
    LAST,
    MONTHS,
    NOTES,
    SEED,
    TEAMS,
    cause_for,
)
from reviews.domain.scoring import AnswerValue, CriterionSpec, CriticalPolicy, compute_score
from reviews.models import (
    Alert,
    AlertStatus,
    Answer,
    AuditAction,
    Call,
    CriticalError,
    CriticalErrorType,
    Evaluation,
    EvaluationStatus,
    RootCause,
    ScorecardVersion,
)
from reviews.selectors.scorecards import criteria_in_order
from reviews.services.alerts import alert_decide, alert_view_evidence
from reviews.services.appeal_decisions import ItemDecision, appeal_decide
from reviews.services.appeals import appeal_start_review, appeal_submit
from reviews.services.audit import PendingEvent, audit_record_many
from reviews.services.calibration import calibration_score, calibration_session_close, calibration_session_create
from reviews.services.evaluations import AnswerInput
from reviews.services.rules import (
    RuleTerms,
    rule_version_activate,
    rule_version_decide_consent,
    rule_version_propose,
    threshold_rule_create,
)
from reviews.services.scoring import scoring_chunk_process, scoring_run_create, scoring_run_plan


@contextmanager
def at(moment: dt.datetime) -> Iterator[None]:
    with time_machine.travel(moment, tick=False):
        yield


def seed_organisation(*, users: dict[str, User], version_id: int, now: dt.datetime, password: str) -> None:
    """Build the organisation once (idempotent: Team J is its mark)."""
    if Team.objects.filter(name="Team J").exists():
        return
    rng = random.Random(SEED)
    start = now - dt.timedelta(days=30 * MONTHS + 5)
    with at(start):
        agents, supervisors = _people(users, make_password(password))
        _rules(users, start)
    version = ScorecardVersion.objects.get(pk=version_id)
    criteria = list(criteria_in_order(version_id=version_id))
    for month in range(MONTHS):
        month_start = start + dt.timedelta(days=30 * month + 2)
        _month_of_work(rng, agents, supervisors, version, criteria, month_start, now, start)
        run_at = min(month_start + dt.timedelta(days=30), now - dt.timedelta(hours=2))
        with at(run_at):
            run = scoring_run_create(trigger="command", acting_user=None, as_of=run_at, enqueue=False)
            for chunk_id in scoring_run_plan(run_id=run.pk):
                scoring_chunk_process(chunk_id=chunk_id)
        if month < MONTHS - 1:  # the newest alerts wait for the QA lead
            _decide(rng, users["qa_lead"], run_at + dt.timedelta(days=1))
        if month % 3 == 1:
            with at(month_start + dt.timedelta(days=20)):
                _calibration(rng, users["qa_lead"], list(supervisors.values()), version, criteria, month)
    _appeals(users["qa_lead"], now)


def _people(users: dict[str, User], password_hash: str) -> tuple[list[User], dict[int, User]]:
    created: list[User] = []
    supervisors: dict[int, User] = {}
    number = 0
    for name, size in TEAMS:
        team = Team.objects.get_or_create(name=name)[0]
        letter = name[-1].lower()
        if f"supervisor_{letter}" in users:
            supervisors[team.pk] = users[f"supervisor_{letter}"]
        else:
            supervisors[team.pk] = _user(f"supervisor_{letter}", Role.SUPERVISOR, team, "", number, password_hash)
            created.append(supervisors[team.pk])
        first = 3 if name in ("Team A", "Team B") else 1
        for index in range(first, first + size):
            number += 1
            kind = (
                EmploymentType.TEMP_AGENCY
                if number % 20 < 4
                else EmploymentType.FIXED_TERM
                if number % 20 < 8
                else EmploymentType.PERMANENT
            )
            created.append(_user(f"agent_{letter}{index:02d}", Role.AGENT, team, kind, number, password_hash))
    User.objects.bulk_create(created)
    saved = {u.username: u for u in User.objects.filter(username__in=[u.username for u in created])}
    audit_record_many(
        [
            PendingEvent(actor=None, action=AuditAction.USER_CREATED, obj=u, data={"role": u.role, "demo": True})
            for u in saved.values()
        ]
    )
    supervisors = {team_id: saved.get(s.username, s) for team_id, s in supervisors.items()}
    agents = [saved[u.username] for u in created if u.role == Role.AGENT]
    agents += [users[name] for name in ("agent_a1", "agent_a2", "agent_b1", "agent_b2")]
    return agents, supervisors


def _user(username: str, role: str, team: Team, kind: str, number: int, password_hash: str) -> User:
    return User(
        username=username,
        first_name=FIRST[number % len(FIRST)],
        last_name=LAST[(number * 7 + len(username)) % len(LAST)],
        email=f"{username}@example.org",
        role=role,
        team=team,
        employment_type=kind,
        employee_number=f"E{3000 + number}" if role == Role.AGENT else f"S{3000 + number}",
        password=password_hash,
    )


def _rules(users: dict[str, User], start: dt.datetime) -> None:
    """Two rules in force all year, each proposed, consented by the works council and activated."""
    qa_lead, council = users["qa_lead"], users["council"]
    for name, purpose, codes, n, days, level in (
        (
            "Signalen coachen",
            "Coaching aanbieden wanneer een agent in korte tijd twee keer een signaal niet meldt.",
            {"UNREPORTED_SIGNAL"},
            2,
            90,
            "coaching",
        ),
        (
            "Herhaald onjuiste uitkeringsinformatie",
            "Een formele waarschuwing overwegen wanneer een agent herhaaldelijk onjuiste informatie geeft.",
            {"WRONG_BENEFIT_INFORMATION", "PRIVACY_BREACH", "DISRESPECTFUL_CONDUCT"},
            2,
            120,
            "formal_warning",
        ),
    ):
        terms = RuleTerms(
            purpose=purpose,
            counted_type_codes=frozenset(codes),
            count_n=n,
            window_days=days,
            level=level,
            effective_from=start.date(),
        )
        rule = threshold_rule_create(name=name, terms=terms, acting_user=qa_lead)
        version = rule_version_propose(version=rule.versions.get(), acting_user=qa_lead)
        rule_version_decide_consent(
            version=version,
            decision="granted",
            reference=f"OR-besluit {start.year}-{len(name)}",
            population="Alle agenten klantcontact uitkeringen",
            note="Evaluatie na twaalf maanden.",
            acting_user=council,
        )
        rule_version_activate(version=version, acting_user=qa_lead)


def _month_of_work(
    rng: random.Random,
    agents: list[User],
    supervisors: dict[int, User],
    version: ScorecardVersion,
    criteria: list,  # type: ignore[type-arg]
    month_start: dt.datetime,
    now: dt.datetime,
    origin: dt.datetime,
) -> None:
    types = {t.code: t for t in CriticalErrorType.objects.all()}
    causes = {c.code: c for c in RootCause.objects.filter(is_active=True)}
    # Its own stream, so the rest of the world stays what it was before causes existed.
    cause_rng = random.Random(SEED + 1)
    specs = [CriterionSpec(c.pk, c.max_points, c.na_allowed) for c in criteria]
    calls: list[Call] = []
    plans: list[tuple[int, User, bool]] = []
    for agent in agents:
        for index in range(3):
            started = month_start + dt.timedelta(days=rng.randrange(27), hours=8 + rng.randrange(9))
            if started > now - dt.timedelta(days=3):
                continue
            seconds = max(150, int(rng.gauss(385, 70)))
            calls.append(
                Call(
                    external_id=f"ORG-{agent.username.upper()}-{(month_start - origin).days // 30 + 1:02d}-{index + 1}",
                    agent=agent,
                    started_at=started,
                    handle_time_seconds=seconds,
                )
            )
            plans.append((len(calls) - 1, supervisors[agent.team_id], True))  # type: ignore[index]
    batch_at = min(month_start + dt.timedelta(days=28), now - dt.timedelta(days=1))
    with at(batch_at):
        Call.objects.bulk_create(calls)
        events = [
            PendingEvent(
                actor=None,
                action=AuditAction.CALL_CREATED,
                obj=call,
                subject=call.agent,
                data={"source": "telephony", "external_id": call.external_id, "has_recording": False},
            )
            for call in calls
        ]
        evaluations, answers, errors = [], [], []
        for position, reviewer, evaluated in plans:
            if not evaluated:
                continue
            call = calls[position]
            rate = ERROR_RATE[call.agent.employment_type] * (1.6 if call.handle_time_seconds < 340 else 1)
            code = (
                rng.choices([c for c, _ in ERROR_TYPES], [w for _, w in ERROR_TYPES])[0]
                if rng.random() < rate
                else None
            )
            values = {
                c.pk: AnswerValue(
                    c.pk, 0 if code and c.critical_error_type_id == types[code].pk else _points(rng, c), False
                )
                for c in criteria
            }
            result = compute_score(
                criteria=specs,
                answers=values,
                policy=CriticalPolicy(version.critical_policy),
                active_critical_errors=1 if code else 0,
            )
            evaluation = Evaluation(
                call=call,
                scorecard_version=version,
                reviewer=reviewer,
                status=EvaluationStatus.ACKNOWLEDGED if rng.random() < 0.6 else EvaluationStatus.SUBMITTED,
                score=result.score if result.score is not None else Decimal("0"),
                points_earned=result.points_earned,
                points_possible=result.points_possible,
                auto_failed=result.auto_failed,
                submitted_at=batch_at,
            )
            evaluations.append(evaluation)
            answers.append([AnswerInput(c, v.points) for c, v in values.items()])
            errors.append(code)
        Evaluation.objects.bulk_create(evaluations)
        Answer.objects.bulk_create(
            Answer(evaluation=e, criterion_id=a.criterion_id, points=a.points)
            for e, given in zip(evaluations, answers, strict=True)
            for a in given
        )
        logged = [
            CriticalError(
                evaluation=e,
                agent=e.call.agent,
                type=types[code],
                offset_seconds=(offset := 30 + (17 * i) % 120),
                note=NOTES[code],
                root_cause=cause_for(causes, cause_rng, e.call.handle_time_seconds),
                observed_at=e.call.started_at + dt.timedelta(seconds=offset),
            )
            for i, (e, code) in enumerate(zip(evaluations, errors, strict=True))
            if code
        ]
        CriticalError.objects.bulk_create(logged)
        # The events the services write, in their order: created, each error logged, submitted.
        events += [
            _event(e, AuditAction.EVALUATION_CREATED, e, call_id=e.call.pk, selection=e.selection) for e in evaluations
        ]
        events += [
            _event(
                x.evaluation, AuditAction.CRITICAL_ERROR_LOGGED, x, type=x.type.code, offset_seconds=x.offset_seconds
            )
            for x in logged
        ]
        events += [_event(e, AuditAction.EVALUATION_SUBMITTED, e, score=str(e.score)) for e in evaluations]
        audit_record_many(events)


def _event(evaluation: Evaluation, action: str, obj: Evaluation | CriticalError, **data: object) -> PendingEvent:
    return PendingEvent(actor=evaluation.reviewer, action=action, obj=obj, subject=evaluation.call.agent, data=data)


def _error_code(rng: random.Random) -> str:
    return rng.choices([code for code, _ in ERROR_TYPES], [weight for _, weight in ERROR_TYPES])[0]


def _calibration(
    rng: random.Random,
    qa_lead: User,
    supervisors: list[User],
    version: ScorecardVersion,
    criteria: list,  # type: ignore[type-arg]
    month: int,
) -> None:
    """Four supervisors score one call blind; the QA lead closes the session (agreement, deviations)."""
    participants = supervisors[month % 3 : month % 3 + 4]
    call = Call.objects.filter(evaluations__isnull=False).exclude(agent__team=None).order_by("pk")[month * 97]
    session = calibration_session_create(
        call=call,
        scorecard_version=version,
        title=f"Kalibratie ronde {month // 3 + 1}",
        participants=participants,
        acting_user=qa_lead,
    )
    for person in participants:
        answers = [AnswerInput(c.pk, _points(rng, c)) for c in criteria]
        calibration_score(session=session, answers=answers, acting_user=person)
    calibration_session_close(session=session, acting_user=qa_lead)


def _appeals(qa_lead: User, now: dt.datetime) -> None:
    """Five agents appeal a critical error of last month; the first two appeals are decided."""
    errors = CriticalError.objects.filter(evaluation__submitted_at__gte=now - dt.timedelta(days=5)).select_related(
        "evaluation", "agent"
    )
    for number, error in enumerate(errors.order_by("pk")[:5]):
        appeal = appeal_submit(
            evaluation=error.evaluation,
            reason="Ik heb het signaal wel doorgegeven, via het formulier na afloop van het gesprek.",
            critical_error_ids=[error.pk],
            acting_user=error.agent,
        )
        if number < 2 and appeal.assignee is not None:
            appeal_start_review(appeal=appeal, acting_user=appeal.assignee)
            item = appeal.items.get()
            appeal_decide(
                appeal=appeal,
                decisions=[ItemDecision(item.pk, number == 0, "Opname teruggeluisterd rond het genoemde moment.")],
                rationale="Na terugluisteren en navraag bij de teamleider besloten.",
                acting_user=appeal.assignee,
            )


def _points(rng: random.Random, criterion) -> int:  # type: ignore[no-untyped-def]
    roll = rng.random()
    return criterion.max_points if roll < 0.7 else max(0, criterion.max_points - 1) if roll < 0.92 else 0


def _decide(rng: random.Random, qa_lead: User, moment: dt.datetime) -> None:
    """The QA lead reads the evidence of each open alert and decides a few minutes later."""
    for number, alert in enumerate(Alert.objects.filter(status=AlertStatus.OPEN).order_by("pk")):
        seen = moment + dt.timedelta(minutes=15 * number)
        with at(seen):
            alert_view_evidence(alert=alert, acting_user=qa_lead)
        with at(seen + dt.timedelta(minutes=4 + rng.randrange(8))):
            confirm = rng.random() < 0.75
            alert_decide(
                alert=alert,
                decision="confirm" if confirm else "dismiss",
                rationale="Opnames teruggeluisterd; besproken met de teamleider."
                if confirm
                else "Bij terugluisteren geen patroon; de fouten hadden een andere oorzaak.",
                acting_user=qa_lead,
            )
