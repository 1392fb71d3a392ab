"""Signal screening under the works council's consent: no screening before consent, a match is a
candidate for a targeted review (never an error, never evidence, never an alert), a retired or
nullified list stops, the precision report equals a hand count, and everyone sees what they should."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from reviews.domain.transcripts import read_segments
from reviews.models import (
    Alert,
    AlertEvidence,
    AuditAction,
    AuditEvent,
    CandidateStatus,
    CriticalError,
    Notification,
    ScreeningCandidate,
    ScreeningList,
    TargetReason,
)
from reviews.selectors.screening import screening_report
from reviews.services.evaluations import evaluation_create
from reviews.services.screening import screening_run_due
from reviews.services.screening_lists import (
    ScreeningTerms,
    screening_list_create,
    screening_version_activate,
    screening_version_decide_consent,
    screening_version_nullify,
    screening_version_propose,
    screening_version_retire,
)
from reviews.services.transcripts import call_transcript_replace
from tests.conftest import client_for, wait_for
from tests.factories import CallFactory
from tests.helpers import active_rule, appeal_decided, run_scoring_inline, scored_call

PHRASES = ("samenwonen", "zwart werk", "niet doorgegeven")
SAID = {
    "samen": "Ik ben samenwonend met mijn vriend sinds mei.",
    "zwart": "Ik doe af en toe wat zwart werk in de horeca.",
    "niet": "Dat heb ik niet aan jullie doorgegeven, nee.",
    "wel": "Dat heb ik allemaal doorgegeven.",
    "niks": "Mijn adres is veranderd, verder niets.",
}


def transcript(world, agent, *words: str):
    call = CallFactory.create(agent=agent, handle_time_seconds=60, started_at=timezone.now())
    lines = [{"start": 0, "end": 5, "speaker": "agent", "text": "Goedemorgen, waarmee kan ik u helpen?"}]
    lines += [
        {"start": 5 + 10 * i, "end": 14 + 10 * i, "speaker": "caller", "text": SAID[w]} for i, w in enumerate(words)
    ]
    segments, problems = read_segments(lines, duration_seconds=60)
    call_transcript_replace(call=call, segments=segments, problems=dict(problems), acting_user=world.qa_lead)
    return call


def consented(world, *, activate: bool = True, phrases=PHRASES):
    screening_list = screening_list_create(
        name="Signalen",
        terms=ScreeningTerms(purpose="Mogelijke signalen vinden.", phrases=phrases),
        acting_user=world.qa_lead,
    )
    version = screening_list.versions.get()
    screening_version_propose(version=version, acting_user=world.qa_lead)
    screening_version_decide_consent(
        version=version,
        decision="granted",
        reference="OR-besluit 2026-31",
        population="Alle medewerkers klantcontact",
        acting_user=world.council,
    )
    if activate:
        screening_version_activate(version=version, acting_user=world.qa_lead)
    version.refresh_from_db()
    return version


def review(candidate, version, *, errors: tuple[str, ...] = ()):
    """The assigned reviewer scores the selected call, logging these critical errors."""
    return scored_call(
        reviewer=candidate.reviewer,
        agent=candidate.call.agent,
        version=version,
        started_at=candidate.call.started_at,
        errors=errors,
        call=candidate.call,
    )


@pytest.mark.django_db
def test_no_list_screens_before_consent_and_activation_and_only_new_transcripts_after(world):
    before = transcript(world, world.agent, "samen")
    screening_list = screening_list_create(
        name="Signalen", terms=ScreeningTerms(purpose="Signalen.", phrases=PHRASES), acting_user=world.qa_lead
    )
    version = screening_list.versions.get()
    assert screening_run_due() == 0
    screening_version_propose(version=version, acting_user=world.qa_lead)
    transcript(world, world.agent, "zwart")
    assert screening_run_due() == 0
    screening_version_decide_consent(
        version=version, decision="granted", reference="OR-1", population="Iedereen", acting_user=world.council
    )
    assert screening_run_due() == 0, "consented but not active: nothing screens"
    screening_version_activate(version=version, acting_user=world.qa_lead)
    assert screening_run_due() == 0, "what arrived before activation is never screened"
    after = transcript(world, world.colleague, "wel", "niet")
    assert screening_run_due() == 1
    candidate = ScreeningCandidate.objects.get()
    assert (candidate.call, candidate.phrase, candidate.start_ms) == (after, "niet doorgegeven", 15_000)
    assert candidate.reviewer is not None and candidate.reviewer != after.agent
    assert not ScreeningCandidate.objects.filter(call=before).exists()
    assert screening_run_due() == 0, "screened once"


@pytest.mark.django_db
def test_a_version_whose_consent_passed_its_review_date_screens_nothing(world, time_machine):
    version = consented(world)
    time_machine.move_to(version.review_by + dt.timedelta(days=1))
    transcript(world, world.agent, "samen")
    assert screening_run_due() == 0


@pytest.mark.django_db
def test_candidates_never_count_toward_a_rule_and_never_open_an_alert(world, published_version):
    active_rule(
        qa_lead=world.qa_lead, council=world.council, at=timezone.now() - dt.timedelta(days=10), n=1, window_days=90
    )
    consented(world)
    for words in (("samen",), ("zwart",), ("niet",)):
        transcript(world, world.agent, *words)
    assert screening_run_due() == 3
    run_scoring_inline(full=True)
    assert not Alert.objects.exists() and not AlertEvidence.objects.exists()
    assert not CriticalError.objects.exists()
    # Reviewed with an error, the review is targeted (screening): by default its errors do not count either.
    candidate = ScreeningCandidate.objects.order_by("pk").first()
    evaluation = review(candidate, published_version, errors=("UNREPORTED_SIGNAL",))
    assert (evaluation.selection, evaluation.target_reason) == ("targeted", TargetReason.SCREENING)
    created = AuditEvent.objects.get(action=AuditAction.EVALUATION_CREATED, object_id=str(evaluation.pk))
    assert created.data["screening_candidate"] == candidate.pk
    run_scoring_inline(full=True)
    assert not Alert.objects.exists()


@pytest.mark.django_db
def test_a_retired_list_stops_screening_and_nullity_withdraws_what_nobody_started(world, published_version):
    version = consented(world)
    transcript(world, world.agent, "samen")
    transcript(world, world.colleague, "zwart")
    assert screening_run_due() == 2
    started = ScreeningCandidate.objects.select_related("reviewer").order_by("pk").first()
    assert started is not None and started.reviewer is not None
    evaluation_create(call=started.call, scorecard_version=published_version, acting_user=started.reviewer)
    screening_version_retire(version=version, acting_user=world.qa_lead)
    transcript(world, world.agent, "niet")
    assert screening_run_due() == 0
    screening_version_nullify(
        version=version, reason="Geen evenredige grondslag voor deze lijst.", acting_user=world.council
    )
    statuses = dict(ScreeningCandidate.objects.values_list("pk", "status"))
    assert statuses[started.pk] == CandidateStatus.OPEN, "a review already started stays"
    assert sorted(statuses.values()) == [CandidateStatus.OPEN, CandidateStatus.WITHDRAWN]
    assert AuditEvent.objects.filter(action=AuditAction.SCREENING_VERSION_NULLIFIED, data__withdrawn=1).exists()


@pytest.mark.django_db
def test_the_precision_report_matches_a_hand_count(world, published_version):
    version = consented(world)
    plan = [("samen", ("UNREPORTED_SIGNAL",)), ("samen", ()), ("zwart", ("UNREPORTED_SIGNAL",)), ("zwart", None)]
    plan += [("niet", ("UNREPORTED_SIGNAL",)), ("niet", ())]
    agents = [world.agent, world.colleague, world.other_agent]
    for i, (words, _errors) in enumerate(plan):
        transcript(world, agents[i % 3], words)
    assert screening_run_due() == len(plan)
    candidates = list(ScreeningCandidate.objects.order_by("call_id"))
    evaluations = {}
    for candidate, (_words, errors) in zip(candidates, plan, strict=True):
        if errors is not None:
            evaluations[candidate.pk] = review(candidate, published_version, errors=errors)
    # An appeal overturns the error of the "niet doorgegeven" review: it no longer counts as a finding.
    appeal_decided(evaluations[candidates[4].pk], overturn_errors=True)

    (report,) = screening_report([version])
    hand = {"samenwonen": (2, 2, 1), "zwart werk": (2, 1, 1), "niet doorgegeven": (2, 2, 0)}
    assert {p: (t.candidates, t.reviewed, t.with_error) for p, t in report.by_phrase} == hand
    assert (report.total.candidates, report.total.reviewed, report.total.with_error, report.total.waiting) == (
        6,
        5,
        2,
        1,
    )
    assert report.total.precision == pytest.approx(2 / 5)
    assert report.total.percents() == (40, 12, 77)

    api = client_for(world.council).get(f"/api/v1/screening-lists/{version.screening_list_id}/report/")
    assert api.status_code == 200
    assert api.json()[0]["total"]["with_error"] == 2
    assert api.json()[0]["total"]["precision"] == pytest.approx(0.4)


@pytest.mark.django_db
def test_who_sees_which_selection_and_why(world, published_version):
    consented(world)
    call = transcript(world, world.agent, "zwart")
    screening_run_due()
    candidate = ScreeningCandidate.objects.get()
    seen = {
        who: client_for(user).get("/api/v1/screening-candidates/").json()["results"]
        for who, user in [("agent", world.agent), ("colleague", world.colleague), ("qa", world.qa_lead)]
    }
    assert [c["call"] for c in seen["agent"]] == [call.pk]
    assert seen["agent"][0]["phrase"] == "zwart werk" and seen["agent"][0]["start_seconds"] == 5
    assert seen["colleague"] == []
    assert [c["id"] for c in seen["qa"]] == [candidate.pk]
    assert client_for(world.council).get("/api/v1/screening-candidates/").status_code == 403
    # The agent was told, in Dutch, why; the reviewer that a call waits for them.
    told = Notification.objects.get(recipient=world.agent, kind="screening_selected")
    assert told.params["phrase"] == "zwart werk"
    assert Notification.objects.filter(recipient=candidate.reviewer, kind="screening_assigned").exists()
    # The right of access holds the selection too.
    export = client_for(world.agent).get("/api/v1/me/export/")
    assert export.status_code == 200, export.content
    selected = export.json()["records"]["reviews.screeningcandidate (of my calls)"]
    assert [(row["call_id"], row["phrase"]) for row in selected] == [(call.pk, "zwart werk")]
    # The agent's page and the evaluation say which list selected the call and why.
    pages = Client()
    pages.force_login(world.agent)
    assert "lijst “Signalen” vond “zwart werk” op 0:05" in pages.get("/me/").content.decode()
    evaluation = review(candidate, published_version)
    reason = pages.get(f"/evaluations/{evaluation.pk}/").content.decode()
    assert "Lijst “Signalen” (versie 1, met instemming van de ondernemingsraad) vond “zwart werk” op 0:05" in reason


@pytest.mark.django_db
def test_a_screening_review_needs_a_selection_for_that_reviewer(world, published_version):
    call = CallFactory.create(agent=world.agent, handle_time_seconds=60)
    response = client_for(world.supervisor).post(
        "/api/v1/evaluations/",
        {"call": call.pk, "scorecard_version": published_version.pk, "target_reason": "screening"},
        format="json",
    )
    assert response.status_code == 400
    assert "target_reason" in response.json()["fields"]


@pytest.mark.django_db
def test_the_api_names_every_faulty_phrase_and_saves_nothing(world):
    response = client_for(world.qa_lead).post(
        "/api/v1/screening-lists/",
        {"name": "Fout", "purpose": "Test.", "phrases": ["zwart werk", "Zwart  werk", "123", "a b c d e f g"]},
        format="json",
        HTTP_ACCEPT_LANGUAGE="nl",
    )
    assert response.status_code == 400
    fields = response.json()["fields"]
    assert set(fields) == {"phrases.2", "phrases.3", "phrases.4"}
    assert "Hetzelfde als zin 1" in fields["phrases.2"][0]
    assert not ScreeningList.objects.exists()
    assert client_for(world.supervisor).post("/api/v1/screening-lists/", {}, format="json").status_code == 403


@pytest.mark.django_db
def test_the_lifecycle_through_the_api_and_pages(world):
    qa, council = client_for(world.qa_lead), client_for(world.council)
    created = qa.post(
        "/api/v1/screening-lists/",
        {"name": "Signalen", "purpose": "Signalen vinden.", "phrases": list(PHRASES), "max_gap": 1},
        format="json",
    )
    assert created.status_code == 201, created.content
    list_id = created.json()["id"]
    assert qa.post(f"/api/v1/screening-lists/{list_id}/activate/", {}, format="json").status_code == 409
    assert qa.post(f"/api/v1/screening-lists/{list_id}/propose/", {}, format="json").status_code == 200
    decided = council.post(
        f"/api/v1/screening-lists/{list_id}/consent/",
        {"decision": "granted", "reference": "OR-2026-31", "population": "Klantcontact"},
        format="json",
    )
    assert decided.status_code == 200, decided.content
    active = qa.post(f"/api/v1/screening-lists/{list_id}/activate/", {}, format="json")
    assert active.json()["versions"][0]["status"] == "active"
    # A change is a new draft that needs consent again; the active version keeps screening.
    revised = qa.post(
        f"/api/v1/screening-lists/{list_id}/revise/",
        {"purpose": "Signalen vinden.", "phrases": [*PHRASES, "bijverdiensten"]},
        format="json",
    )
    assert [v["status"] for v in revised.json()["versions"]] == ["draft", "active"]
    pages = Client()
    pages.force_login(world.council)
    page = pages.get(f"/screening/{list_id}/")
    assert page.status_code == 200 and "Nietigheid inroepen" in page.content.decode()


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_transcript_arriving_is_screened_by_the_real_worker(world, celery_worker):
    consented(world)
    call = transcript(world, world.agent, "samen")
    candidate = wait_for(
        lambda: ScreeningCandidate.objects.filter(call=call).first(), what="the worker to screen the new transcript"
    )
    assert candidate.phrase == "samenwonen"


@pytest.mark.django_db
def test_the_pages_take_a_list_from_draft_to_consent_with_a_confirmation_first(world):
    qa, council = Client(), Client()
    qa.force_login(world.qa_lead)
    council.force_login(world.council)
    refused = qa.post("/screening/", {"name": "Signalen", "purpose": "Signalen.", "phrases": "123\n", "max_gap": 2})
    assert refused.status_code == 400 and "Een zin heeft minstens één woord nodig" in refused.content.decode()
    created = qa.post(
        "/screening/", {"name": "Signalen", "purpose": "Signalen.", "phrases": "zwart werk\nsamenwonen", "max_gap": 2}
    )
    version = ScreeningList.objects.get().versions.get()
    assert created.status_code == 302 and version.phrases == ["zwart werk", "samenwonen"]
    action = f"/screening/{version.screening_list_id}/versions/{version.pk}/"
    asked = qa.post(action, {"action": "propose"})
    assert asked.status_code == 200 and "gaat naar de ondernemingsraad" in asked.content.decode()
    version.refresh_from_db()
    assert version.status == "draft", "nothing happens before the confirmation"
    assert qa.post(action, {"action": "propose", "confirmed": "yes"}).status_code == 302
    assert qa.post(action, {"action": "consent", "confirmed": "yes"}).status_code == 302  # not the QA lead's step
    decision = {"action": "consent", "decision": "granted", "reference": "OR-7", "population": "Klantcontact"}
    assert council.post(action, {**decision, "confirmed": "yes"}).status_code == 302
    version.refresh_from_db()
    assert (version.status, version.consent.reference) == ("consented", "OR-7")
