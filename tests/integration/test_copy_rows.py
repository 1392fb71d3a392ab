"""COPY writes what the ORM writes: new alerts through ``copy_new`` against ``bulk_create``."""

import pytest
from django.db import IntegrityError, models, transaction
from django.forms.models import model_to_dict
from django.test.utils import isolate_apps
from django.utils import timezone

from reviews.models import Alert, AlertStatus
from reviews.services.copy_rows import copy_new
from tests.helpers import active_rule, unsaved_alert

pytestmark = pytest.mark.django_db


def test_copied_alerts_are_the_rows_bulk_create_writes(world):
    version = active_rule(qa_lead=world.qa_lead, council=world.council, n=1, window_days=90)
    now = timezone.now()
    copied = [unsaved_alert(version=version, agent=world.agent, as_of=now)]
    created = Alert.objects.bulk_create([unsaved_alert(version=version, agent=world.colleague, as_of=now)])
    copy_new(copied)
    assert copied[0].pk is not None and copied[0].pk != created[0].pk
    ignore = ["id", "agent", "opened_at", "evidence"]
    read = {a.agent_id: a for a in Alert.objects.all()}
    assert {k: v for k, v in model_to_dict(read[world.agent.pk]).items() if k not in ignore} == {
        k: v for k, v in model_to_dict(read[world.colleague.pk]).items() if k not in ignore
    }
    assert read[world.agent.pk].status == AlertStatus.OPEN
    assert read[world.agent.pk].retraction_params == {}
    assert read[world.agent.pk].opened_at == copied[0].opened_at


def test_a_refused_copy_raises_the_integrity_error_callers_catch(world):
    version = active_rule(qa_lead=world.qa_lead, council=world.council, n=1, window_days=90)
    now = timezone.now()
    Alert.objects.bulk_create([unsaved_alert(version=version, agent=world.agent, as_of=now)])
    with pytest.raises(IntegrityError), transaction.atomic():
        copy_new([unsaved_alert(version=version, agent=world.agent, as_of=now)])  # a second open alert for the rule
    assert Alert.objects.count() == 1


@isolate_apps("reviews")
def test_a_model_the_database_fills_in_is_refused_before_anything_is_written():
    class Counted(models.Model):
        tally = models.IntegerField(db_default=0)

        class Meta:
            app_label = "reviews"

        def __str__(self) -> str:
            return str(self.tally)

    with pytest.raises(ValueError, match="tally"):
        copy_new([Counted()])
