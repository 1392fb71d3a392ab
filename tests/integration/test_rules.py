import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from reviews.domain.errors import DomainError, InvalidTransition, NotPermitted
from reviews.domain.periods import add_months
from reviews.models import Alert, AlertStatus, AuditEvent, RuleVersion, RuleVersionStatus
from reviews.selectors.thresholds import firing_rule_versions
from reviews.services.rule_preview import rule_version_preview
from reviews.services.rules import (
    rule_version_activate,
    rule_version_decide_consent,
    rule_version_nullify,
    rule_version_propose,
    rule_version_retire,
    rule_version_revise,
    threshold_rule_create,
)
from tests.helpers import active_rule, rule_terms, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db


def consent(version, council, **kwargs):
    return rule_version_decide_consent(
        version=version,
        decision=kwargs.pop("decision", "granted"),
        reference="OR-2026-14",
        population="Alle agenten",
        acting_user=council,
        **kwargs,
    )


def test_the_full_lifecycle_is_audited(world):
    rule = threshold_rule_create(name="Signalen", terms=rule_terms(), acting_user=world.qa_lead)
    version = rule.versions.get()
    rule_version_propose(version=version, acting_user=world.qa_lead)
    record = consent(version, world.council)
    active = rule_version_activate(version=version, acting_user=world.qa_lead)
    assert active.status == RuleVersionStatus.ACTIVE
    assert record.review_by == add_months(timezone.localdate(), 12)
    assert list(AuditEvent.objects.filter(object_type="reviews.ruleversion").values_list("action", flat=True)) == [
        "reviews.threshold_rule.drafted",
        "reviews.rule_version.proposed",
        "reviews.rule_version.consent_granted",
        "reviews.rule_version.activated",
    ]


def test_a_version_cannot_be_activated_without_consent(world):
    rule = threshold_rule_create(name="Signalen", terms=rule_terms(), acting_user=world.qa_lead)
    version = rule.versions.get()
    with pytest.raises(InvalidTransition):
        rule_version_activate(version=version, acting_user=world.qa_lead)
    rule_version_propose(version=version, acting_user=world.qa_lead)
    with pytest.raises(InvalidTransition):
        rule_version_activate(version=version, acting_user=world.qa_lead)
    consent(version, world.council, decision="refused")
    with pytest.raises(InvalidTransition):
        rule_version_activate(version=version, acting_user=world.qa_lead)
    assert not RuleVersion.objects.filter(status="active").exists()


def test_a_status_set_to_consented_without_a_consent_record_still_cannot_activate(world):
    rule = threshold_rule_create(name="Signalen", terms=rule_terms(), acting_user=world.qa_lead)
    # Someone edits the row directly (not through a service): the consent record is still required.
    RuleVersion.objects.filter(rule=rule).update(status="consented", review_by=timezone.localdate())
    with pytest.raises(DomainError) as excinfo:
        rule_version_activate(version=rule.versions.get(), acting_user=world.qa_lead)
    assert excinfo.value.code == "no_consent"


@pytest.mark.parametrize("persona", ["supervisor", "agent", "admin", "qa_lead"])
def test_only_the_works_council_consents(world, persona):
    rule = threshold_rule_create(name="Signalen", terms=rule_terms(), acting_user=world.qa_lead)
    version = rule_version_propose(version=rule.versions.get(), acting_user=world.qa_lead)
    with pytest.raises(NotPermitted):
        consent(version, world.by_name(persona))


def test_consent_lasts_at_most_24_months(world):
    rule = threshold_rule_create(name="Signalen", terms=rule_terms(), acting_user=world.qa_lead)
    version = rule_version_propose(version=rule.versions.get(), acting_user=world.qa_lead)
    today = timezone.localdate()
    with pytest.raises(DomainError) as excinfo:
        consent(version, world.council, review_by=add_months(today, 24) + dt.timedelta(days=1))
    assert "review_by" in excinfo.value.fields
    record = consent(version, world.council, review_by=add_months(today, 24))
    assert record.review_by == add_months(today, 24)


def test_changing_an_active_rule_makes_a_new_draft_that_needs_consent_again(world):
    version = active_rule(qa_lead=world.qa_lead, council=world.council)
    draft = rule_version_revise(rule=version.rule, terms=rule_terms(n=5), acting_user=world.qa_lead)
    assert (draft.number, draft.status, draft.count_n) == (2, "draft", 5)
    version.refresh_from_db()
    assert (version.status, version.count_n) == ("active", 3)  # unchanged
    edited = rule_version_revise(rule=version.rule, terms=rule_terms(n=4), acting_user=world.qa_lead)
    assert edited.pk == draft.pk and edited.count_n == 4  # a draft is edited in place

    rule_version_propose(version=draft, acting_user=world.qa_lead)
    consent(draft, world.council)
    rule_version_activate(version=draft, acting_user=world.qa_lead)
    version.refresh_from_db()
    assert version.status == "retired"


def test_invalid_terms_are_refused_with_field_messages(world):
    with pytest.raises(DomainError) as excinfo:
        threshold_rule_create(
            name="Fout",
            terms=rule_terms(types=("NO_SUCH",), n=0, window_days=731, level="fire"),
            acting_user=world.qa_lead,
        )
    assert set(excinfo.value.fields) == {"counted_types", "count_n", "window_days", "level"}


def test_a_type_that_does_not_count_toward_thresholds_cannot_be_counted(world):
    from reviews.models import CriticalErrorType

    CriticalErrorType.objects.filter(code="PRIVACY_BREACH").update(counts_toward_thresholds=False)
    with pytest.raises(DomainError) as excinfo:
        threshold_rule_create(name="Privacy", terms=rule_terms(types=("PRIVACY_BREACH",)), acting_user=world.qa_lead)
    assert "tellen niet mee voor drempels" in excinfo.value.fields["counted_types"][0]


def test_a_version_past_its_review_date_stops_firing_and_shows_as_expired(world):
    version = active_rule(qa_lead=world.qa_lead, council=world.council)
    assert firing_rule_versions(timezone.now()) == [version]
    later = timezone.now() + dt.timedelta(days=370)
    with time_machine.travel(later, tick=False):
        version.refresh_from_db()
        assert version.is_expired(timezone.localdate())
        assert firing_rule_versions(timezone.now()) == []


def test_nullity_deactivates_the_version_and_quarantines_all_its_alerts(world, published_version):
    start = timezone.now() - dt.timedelta(days=30)
    version = active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=2)
    for days in (20, 10):
        scored_call(
            reviewer=world.supervisor,
            agent=world.agent,
            version=published_version,
            started_at=start + dt.timedelta(days=days),
        )
    run_scoring_inline()
    alert = Alert.objects.get()
    assert alert.status == AlertStatus.OPEN

    with pytest.raises(DomainError):
        rule_version_nullify(version=version, reason="te kort", acting_user=world.council)
    with pytest.raises(NotPermitted):
        rule_version_nullify(version=version, reason="Geen geldige instemming verleend.", acting_user=world.qa_lead)
    rule_version_nullify(version=version, reason="Instemming verleend op onjuiste gronden.", acting_user=world.council)

    version.refresh_from_db()
    alert.refresh_from_db()
    assert version.status == RuleVersionStatus.NULLIFIED
    assert alert.status == AlertStatus.QUARANTINED
    assert AuditEvent.objects.filter(action="reviews.alert.quarantined", subject=world.agent).exists()
    assert firing_rule_versions(timezone.now()) == []


def test_retiring_stops_the_rule(world):
    version = active_rule(qa_lead=world.qa_lead, council=world.council)
    rule_version_retire(version=version, acting_user=world.qa_lead)
    assert firing_rule_versions(timezone.now()) == []


def test_the_preview_counts_what_a_draft_would_flag_with_small_cells_suppressed(world, published_version, settings):
    settings.SMALL_CELL_K = 2
    # alice (temp agency) gets 3 signals, bob (permanent) 1: a rule of 2 in 30 days flags only alice.
    for days in (5, 6, 7):
        scored_call(
            reviewer=world.supervisor,
            agent=world.agent,
            version=published_version,
            started_at=timezone.now() - dt.timedelta(days=days),
        )
    scored_call(
        reviewer=world.supervisor,
        agent=world.colleague,
        version=published_version,
        started_at=timezone.now() - dt.timedelta(days=5),
    )
    rule = threshold_rule_create(name="Voorstel", terms=rule_terms(n=2, window_days=30), acting_user=world.qa_lead)
    preview = rule_version_preview(version=rule.versions.get(), acting_user=world.council)
    assert preview.agents_in_scope == 3
    assert preview.agents_flagged is None  # 1 < k
    groups = {g.employment_type: (g.agents, g.flagged) for g in preview.by_employment_type}
    # permanent: bob and charlie (2 agents, 0 flagged); temp agency: alice alone (1 agent, 1 flagged)
    assert groups == {"permanent": (None, None), "temp_agency": (None, None)}

    settings.SMALL_CELL_K = 1
    preview = rule_version_preview(version=rule.versions.get(), acting_user=world.qa_lead)
    groups = {g.employment_type: (g.agents, g.flagged) for g in preview.by_employment_type}
    assert preview.agents_flagged == 1
    assert groups == {"permanent": (2, 0), "temp_agency": (1, 1)}  # at k=1 nothing is small; a zero is shown
    assert AuditEvent.objects.filter(action="reviews.rule_version.previewed").count() == 2


def test_only_drafts_and_proposals_are_previewed(world):
    version = active_rule(qa_lead=world.qa_lead, council=world.council)
    with pytest.raises(DomainError):
        rule_version_preview(version=version, acting_user=world.council)
    with pytest.raises(NotPermitted):
        rule_version_preview(version=version, acting_user=world.supervisor)
