"""Free text has a limit with a clear message, and nothing is saved when it is exceeded."""

import datetime as dt

import pytest
from django.utils import timezone

from reviews.domain.errors import DomainError
from reviews.models import CriticalError, CriticalErrorType
from reviews.services.appeals import appeal_submit
from reviews.services.critical_errors import critical_error_log
from reviews.services.evaluations import evaluation_create
from tests.helpers import scored_call

pytestmark = pytest.mark.django_db


def test_a_20000_character_note_is_refused_with_its_length_and_nothing_is_saved(world, published_version, call):
    draft = evaluation_create(call=call, scorecard_version=published_version, acting_user=world.supervisor)
    with pytest.raises(DomainError) as excinfo:
        critical_error_log(
            evaluation=draft,
            error_type=CriticalErrorType.objects.get(code="UNREPORTED_SIGNAL"),
            offset_seconds=1,
            note="x" * 20_000,
            acting_user=world.supervisor,
        )
    assert excinfo.value.fields["note"] == ["Hoogstens 2000 tekens; deze tekst heeft er 20000."]
    assert not CriticalError.objects.exists()


def test_an_appeal_reason_over_the_limit_is_refused(world, published_version):
    evaluation = scored_call(
        reviewer=world.supervisor, agent=world.agent, version=published_version,
        started_at=timezone.now() - dt.timedelta(days=1),
    )  # fmt: skip
    with pytest.raises(DomainError) as excinfo:
        appeal_submit(evaluation=evaluation, reason="Oneens. " * 600, whole_evaluation=True, acting_user=world.agent)
    assert "Hoogstens 4000 tekens" in excinfo.value.fields["reason"][0]
    assert not evaluation.appeals.exists()
