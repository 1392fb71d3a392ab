"""Which open alerts lack a link of the evidence a run found."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.models import Alert, AlertEvidence, CriticalError
from reviews.selectors.evidence_links import alerts_missing_links
from tests.helpers import active_rule, scored_call, unsaved_alert

pytestmark = pytest.mark.django_db


def test_only_alerts_lacking_a_link_are_named(world, published_version):
    version = active_rule(qa_lead=world.qa_lead, council=world.council, n=1, window_days=90)
    now = timezone.now()
    for days in (5, 4, 3, 2):
        scored_call(
            reviewer=world.supervisor,
            agent=world.agent,
            version=published_version,
            started_at=now - dt.timedelta(days=days),
            errors=("UNREPORTED_SIGNAL",),
        )
    errors = sorted(CriticalError.objects.filter(agent=world.agent).values_list("pk", flat=True))
    alerts = Alert.objects.bulk_create(
        [
            unsaved_alert(version=version, agent=world.agent, as_of=now, status=status)
            for status in ("open", "dismissed")
        ]
    )
    full, partial = alerts
    AlertEvidence.objects.bulk_create([AlertEvidence(alert=full, critical_error_id=pk) for pk in errors])
    AlertEvidence.objects.bulk_create([AlertEvidence(alert=partial, critical_error_id=pk) for pk in errors[:2]])

    cases = [
        {},
        {full.pk: errors},  # nothing missing
        {partial.pk: errors[:2]},  # nothing missing
        {partial.pk: errors},  # two missing
        {full.pk: errors[:1], partial.pk: errors[3:]},
    ]
    assert [alerts_missing_links(found) for found in cases] == [set(), set(), set(), {partial.pk}, {partial.pk}]
