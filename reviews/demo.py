"""The deterministic demo world (ARCHITECTURE.md, "Demo personas").

Built through the same services as real use, so its audit trail is real.
Every object has a natural key; running it again creates nothing new.
"""

from __future__ import annotations

import datetime as dt
import io
import math
import uuid
import wave
from dataclasses import dataclass
from functools import partial

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import timezone

from accounts.models import EmploymentType, Role, Team, User
from reviews import demo_org
from reviews.correlation import reset_correlation_id, set_correlation_id
from reviews.demo_self import seed_self_evaluations
from reviews.demo_transcripts import seed_transcripts
from reviews.models import (
    Appeal,
    AuditAction,
    Call,
    CoachingPlan,
    Criterion,
    CriticalErrorType,
    Evaluation,
    RootCause,
    Scorecard,
    ScorecardVersion,
    ScorecardVersionStatus,
    ThresholdRule,
)
from reviews.selectors.scorecards import criteria_in_order
from reviews.services.appeals import appeal_submit
from reviews.services.audit import audit_record
from reviews.services.calls import call_create
from reviews.services.coaching import coaching_plan_open, coaching_session_add
from reviews.services.critical_errors import critical_error_log
from reviews.services.evaluations import (
    AnswerInput,
    evaluation_acknowledge,
    evaluation_answers_save,
    evaluation_create,
    evaluation_submit,
)
from reviews.services.rules import (
    RuleTerms,
    rule_version_activate,
    rule_version_decide_consent,
    rule_version_propose,
    threshold_rule_create,
)
from reviews.services.scorecards import criterion_add, scorecard_create, scorecard_version_publish, section_add

SCORECARD_NAME = "Klantcontact Uitkeringen"
SAMPLE_RATE = 8000


@dataclass(frozen=True)
class Persona:
    username: str
    first_name: str
    last_name: str
    role: str
    team: str | None = None
    employment_type: str = ""


PERSONAS = [
    Persona("qa_lead", "Quirine", "de Lange", Role.QA_LEAD),
    Persona("supervisor_a", "Sanne", "Aalbers", Role.SUPERVISOR, "Team A"),
    Persona("supervisor_b", "Stefan", "Bakker", Role.SUPERVISOR, "Team B"),
    Persona("agent_a1", "Anouk", "Arends", Role.AGENT, "Team A", EmploymentType.PERMANENT),
    Persona("agent_a2", "Ahmed", "Amrani", Role.AGENT, "Team A", EmploymentType.TEMP_AGENCY),
    Persona("agent_b1", "Bram", "Bos", Role.AGENT, "Team B", EmploymentType.FIXED_TERM),
    Persona("agent_b2", "Birgit", "Brouwer", Role.AGENT, "Team B", EmploymentType.PERMANENT),
    Persona("council", "Cor", "Claassen", Role.WORKS_COUNCIL),
    Persona("admin", "Ada", "Admin", Role.ADMIN),
]

# section title -> [(criterion text, max points, N/A allowed, linked critical-error type)]
SCORECARD: list[tuple[str, list[tuple[str, int, bool, str | None]]]] = [
    ("Identificatie", [("Identiteit geverifieerd", 2, False, "PRIVACY_BREACH")]),
    (
        "Inhoud",
        [
            ("Juiste informatie over de uitkering", 4, False, "WRONG_BENEFIT_INFORMATION"),
            ("Vervolgstappen duidelijk uitgelegd", 2, True, None),
        ],
    ),
    (
        "Signalen en bejegening",
        [
            ("Signaal gemeld waar nodig", 2, True, "UNREPORTED_SIGNAL"),
            ("Respectvolle bejegening", 2, False, "DISRESPECTFUL_CONDUCT"),
        ],
    ),
]

# Handle times straddle the criticised 340-420 s targets on purpose.
HANDLE_TIMES = [312, 365, 398, 441, 290, 505, 377, 352, 428, 333, 401, 470]


def _tone_second(freq: int) -> bytes:
    samples = bytearray()
    for i in range(SAMPLE_RATE):
        envelope = 0.5 + 0.5 * math.sin(2 * math.pi * 3 * i / SAMPLE_RATE)
        samples.append(128 + int(40 * envelope * math.sin(2 * math.pi * freq * i / SAMPLE_RATE)))
    return bytes(samples)


def demo_wav(seconds: int, seed: int) -> bytes:
    """A small 8 kHz, 8-bit mono WAV: two alternating 'speakers' as tones with pauses."""
    voices = [_tone_second(220 + 110 * speaker + 7 * (seed % 5)) for speaker in (0, 1)]
    silence = bytes([128]) * SAMPLE_RATE
    frames = b"".join(silence if second % 9 == 8 else voices[(second // 4 + seed) % 2] for second in range(seconds))
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as wav:
        wav.setnchannels(1)
        wav.setsampwidth(1)
        wav.setframerate(SAMPLE_RATE)
        wav.writeframes(frames)
    return buffer.getvalue()


def _users(password: str) -> dict[str, User]:
    teams = {name: Team.objects.get_or_create(name=name)[0] for name in ("Team A", "Team B")}
    users: dict[str, User] = {}
    for index, p in enumerate(PERSONAS, start=1):
        user = User.objects.filter(username=p.username).first()
        if user is None:
            user = User(
                username=p.username,
                first_name=p.first_name,
                last_name=p.last_name,
                email=f"{p.username}@example.org",
                role=p.role,
                team=teams[p.team] if p.team else None,
                employment_type=p.employment_type,
                employee_number=f"E{1000 + index}",
                is_staff=p.role == Role.ADMIN,
                is_superuser=p.role == Role.ADMIN,
            )
            user.set_password(password)
            user.save()
            audit_record(actor=None, action=AuditAction.USER_CREATED, obj=user, data={"role": p.role, "demo": True})
        users[p.username] = user
    return users


def _scorecard(qa_lead: User) -> int:
    scorecard = Scorecard.objects.filter(name=SCORECARD_NAME).first()
    if scorecard is not None:
        published = scorecard.versions.filter(status=ScorecardVersionStatus.PUBLISHED).first()
        if published is not None:
            return published.pk
    else:
        scorecard = scorecard_create(
            name=SCORECARD_NAME,
            description="Beoordeling van telefoongesprekken over uitkeringen.",
            acting_user=qa_lead,
        )
    version = scorecard.versions.get(status=ScorecardVersionStatus.DRAFT)
    if not version.sections.exists():
        types = {t.code: t for t in CriticalErrorType.objects.all()}
        for title, criteria in SCORECARD:
            section = section_add(version=version, title=title, acting_user=qa_lead)
            for text, points, na_allowed, type_code in criteria:
                criterion_add(
                    section=section,
                    text=text,
                    max_points=points,
                    na_allowed=na_allowed,
                    critical_error_type=types[type_code] if type_code else None,
                    acting_user=qa_lead,
                )
    return scorecard_version_publish(version=version, acting_user=qa_lead).pk


def _calls(users: dict[str, User], anchor: dt.datetime) -> dict[str, Call]:
    calls: dict[str, Call] = {}
    agents = ["agent_a1", "agent_a2", "agent_b1", "agent_b2"]
    number = 0
    for agent_index, username in enumerate(agents):
        agent = users[username]
        supervisor = users["supervisor_a" if agent.team and agent.team.name == "Team A" else "supervisor_b"]
        for call_index in range(3):
            external_id = f"DEMO-{username.upper()}-{call_index + 1}"
            existing = Call.objects.filter(source="telephony", external_id=external_id).first()
            if existing is not None:
                calls[external_id] = existing
                number += 1
                continue
            seconds = HANDLE_TIMES[number]
            recording = SimpleUploadedFile(
                f"{external_id.lower()}.wav", demo_wav(seconds, number), content_type="audio/wav"
            )
            calls[external_id] = call_create(
                external_id=external_id,
                agent=agent,
                started_at=anchor - dt.timedelta(days=3 + 9 * call_index + agent_index, hours=call_index),
                handle_time_seconds=seconds,
                recording=recording,
                acting_user=supervisor,
            )
            number += 1
    return calls


def _evaluate(
    *,
    reviewer: User,
    call: Call,
    version_id: int,
    points: list[int | None],
    errors: list[tuple[str, int, str, str]],
    submit: bool,
    acknowledge: bool = False,
) -> None:
    if Evaluation.objects.filter(call=call, reviewer=reviewer).exists():
        return
    version = ScorecardVersion.objects.get(pk=version_id)
    evaluation = evaluation_create(call=call, scorecard_version=version, acting_user=reviewer)
    criteria = list(criteria_in_order(version_id=version.pk))
    answers = [
        AnswerInput(criterion_id=c.pk, points=p, not_applicable=p is None)
        for c, p in zip(criteria, points, strict=True)
    ]
    evaluation_answers_save(evaluation=evaluation, answers=answers, summary="", acting_user=reviewer)
    for code, offset, note, cause in errors:
        critical_error_log(
            evaluation=evaluation,
            error_type=CriticalErrorType.objects.get(code=code),
            offset_seconds=offset,
            note=note,
            root_cause=RootCause.objects.get(code=cause, is_active=True),
            acting_user=reviewer,
        )
    if submit:
        evaluation_submit(evaluation=evaluation, acting_user=reviewer)
        if acknowledge:
            evaluation_acknowledge(evaluation=evaluation, acting_user=call.agent)


def _rules(users: dict[str, User]) -> None:
    """One rule in force (consented, then activated) and one proposal awaiting the works council."""
    qa_lead, council = users["qa_lead"], users["council"]
    today = timezone.localdate()
    if not ThresholdRule.objects.filter(name="Herhaald niet-gemelde signalen").exists():
        rule = threshold_rule_create(
            name="Herhaald niet-gemelde signalen",
            terms=RuleTerms(
                purpose="Coaching aanbieden wanneer een agent herhaaldelijk een mogelijk signaal niet meldt.",
                counted_type_codes=frozenset({"UNREPORTED_SIGNAL"}),
                count_n=3,
                window_days=90,
                level="coaching",
                effective_from=today,
            ),
            acting_user=qa_lead,
        )
        version = rule_version_propose(version=rule.versions.get(), acting_user=qa_lead)
        rule_version_decide_consent(
            version=version,
            decision="granted",
            reference="OR-besluit 2026-14",
            population="Alle agenten klantcontact uitkeringen",
            note="Evaluatie na twaalf maanden.",
            acting_user=council,
        )
        rule_version_activate(version=version, acting_user=qa_lead)
    if not ThresholdRule.objects.filter(name="Privacyschendingen").exists():
        rule = threshold_rule_create(
            name="Privacyschendingen",
            terms=RuleTerms(
                purpose="Een formele waarschuwing overwegen bij herhaalde privacyschendingen.",
                counted_type_codes=frozenset({"PRIVACY_BREACH"}),
                count_n=2,
                window_days=180,
                level="formal_warning",
                effective_from=today,
            ),
            acting_user=qa_lead,
        )
        rule_version_propose(version=rule.versions.get(), acting_user=qa_lead)


def _appeal(users: dict[str, User], call: Call) -> None:
    """agent_b1 contests one answer; the appeal goes to someone independent of supervisor_b."""
    evaluation = Evaluation.objects.get(call=call, previous_revision__isnull=True)
    if Appeal.objects.filter(evaluation=evaluation).exists():
        return
    criterion = Criterion.objects.get(
        section__version=evaluation.scorecard_version, text="Vervolgstappen duidelijk uitgelegd"
    )
    appeal_submit(
        evaluation=evaluation,
        reason="Ik heb de vervolgstappen wel uitgelegd, vanaf ongeveer minuut vier in het gesprek.",
        criterion_ids=[criterion.pk],
        acting_user=users["agent_b1"],
    )


def _coaching(users: dict[str, User], call: Call) -> None:
    """supervisor_a coaches agent_a1 on reporting signals, from the evaluation with the unreported signal."""
    if CoachingPlan.objects.filter(agent=users["agent_a1"]).exists():
        return
    plan = coaching_plan_open(
        agent=users["agent_a1"],
        goals="Signalen over inkomsten naast de uitkering herkennen en altijd melden; bij twijfel navragen.",
        evaluation=Evaluation.objects.get(call=call, previous_revision__isnull=True),
        acting_user=users["supervisor_a"],
    )
    coaching_session_add(
        plan=plan,
        held_on=timezone.localdate(),
        notes="Het gesprek samen teruggeluisterd vanaf 1:35; besproken waarom bijverdiensten gemeld worden.",
        agreed_actions="Bij twijfel altijd melden; over twee weken samen twee nieuwe gesprekken terugluisteren.",
        acting_user=users["supervisor_a"],
    )


def seed_demo(*, password: str | None = None, organisation: bool = True) -> dict[str, int]:
    """Create the demo world if it is not there yet. Returns counts of what exists.

    ``organisation``: also the organisation around the personas, with a year of history
    (``reviews.demo_org``); without it, only the personas' small world (fast, for page tests).
    """
    token = set_correlation_id(uuid.uuid4())
    password = password or settings.DEMO_PASSWORD
    try:
        with transaction.atomic():
            anchor = timezone.now().replace(minute=0, second=0, microsecond=0)
            if organisation:
                # The people and the scorecard were there a year ago; the year's work follows.
                with demo_org.at(anchor - dt.timedelta(days=30 * demo_org.MONTHS + 10)):
                    users = _users(password)
                    version_id = _scorecard(users["qa_lead"])
                demo_org.seed_organisation(users=users, version_id=version_id, now=anchor, password=password)
            else:
                users = _users(password)
                version_id = _scorecard(users["qa_lead"])
            calls = _calls(users, anchor)
            _evaluate(
                reviewer=users["supervisor_a"],
                call=calls["DEMO-AGENT_A1-1"],
                version_id=version_id,
                points=[2, 3, 2, 0, 2],
                errors=[("UNREPORTED_SIGNAL", 95, "Beller noemde bijverdiensten; niet gemeld.", "KNOWLEDGE_GAP")],
                submit=True,
            )
            _evaluate(
                reviewer=users["supervisor_a"],
                call=calls["DEMO-AGENT_A2-1"],
                version_id=version_id,
                points=[2, 4, None, None, 2],
                errors=[],
                submit=True,
                acknowledge=True,
            )
            _evaluate(
                reviewer=users["supervisor_b"],
                call=calls["DEMO-AGENT_B1-1"],
                version_id=version_id,
                points=[2, 4, 1, 2, 2],
                errors=[],
                submit=True,
            )
            _evaluate(
                reviewer=users["supervisor_b"],
                call=calls["DEMO-AGENT_B2-1"],
                version_id=version_id,
                points=[2, 2, 2, None, 1],
                errors=[],
                submit=False,
            )
            _rules(users)
            _appeal(users, calls["DEMO-AGENT_B1-1"])
            _coaching(users, calls["DEMO-AGENT_A1-1"])
            seed_transcripts(calls=calls, users=users)
            seed_self_evaluations(
                users=users, calls=calls, version_id=version_id, evaluate=partial(_evaluate, submit=True)
            )
    finally:
        reset_correlation_id(token)
    return {
        "rules": ThresholdRule.objects.count(),
        "users": User.objects.count(),
        "calls": Call.objects.count(),
        "evaluations": Evaluation.objects.count(),
    }
