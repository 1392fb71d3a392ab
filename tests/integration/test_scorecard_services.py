import pytest

from reviews.domain.errors import Conflict, DomainError, InvalidTransition, NotPermitted
from reviews.models import AuditEvent, Criterion, ScorecardVersionStatus
from reviews.services.scorecards import (
    criterion_add,
    criterion_delete,
    criterion_update,
    scorecard_create,
    scorecard_version_create_draft,
    scorecard_version_publish,
    section_add,
    section_delete,
)

pytestmark = pytest.mark.django_db


def test_a_qa_lead_builds_and_publishes_a_scorecard(world):
    scorecard = scorecard_create(name="Chat", acting_user=world.qa_lead)
    version = scorecard.versions.get()
    section = section_add(version=version, title="Opening", acting_user=world.qa_lead)
    criterion_add(section=section, text="Begroeting", max_points=2, acting_user=world.qa_lead)
    published = scorecard_version_publish(version=version, acting_user=world.qa_lead)

    assert published.status == ScorecardVersionStatus.PUBLISHED
    assert published.published_by == world.qa_lead
    actions = list(AuditEvent.objects.values_list("action", flat=True))
    assert actions == [
        "reviews.scorecard.created",
        "reviews.section.added",
        "reviews.criterion.added",
        "reviews.scorecard_version.published",
    ]


def test_a_published_version_cannot_be_edited(world, published_version):
    section = published_version.sections.get()
    criterion = Criterion.objects.filter(section=section)[0]
    with pytest.raises(DomainError, match="maak in plaats daarvan een nieuwe versie"):
        section_add(version=published_version, title="Extra", acting_user=world.qa_lead)
    with pytest.raises(DomainError):
        criterion_add(section=section, text="Extra", max_points=1, acting_user=world.qa_lead)
    with pytest.raises(DomainError):
        criterion_update(criterion=criterion, text="Changed", acting_user=world.qa_lead)
    with pytest.raises(DomainError):
        criterion_delete(criterion=criterion, acting_user=world.qa_lead)
    with pytest.raises(DomainError):
        section_delete(section=section, acting_user=world.qa_lead)
    criterion.refresh_from_db()
    assert criterion.text == "Identiteit geverifieerd"


def test_a_change_is_a_new_version_that_retires_the_old_on_publish(world, published_version):
    draft = scorecard_version_create_draft(scorecard=published_version.scorecard, acting_user=world.qa_lead)
    assert draft.number == 2
    copied = Criterion.objects.filter(section__version=draft)
    assert list(copied.values_list("text", "max_points")) == list(
        Criterion.objects.filter(section__version=published_version).values_list("text", "max_points")
    )
    criterion_update(criterion=copied[0], text="Identiteit en adres geverifieerd", acting_user=world.qa_lead)
    scorecard_version_publish(version=draft, acting_user=world.qa_lead)

    published_version.refresh_from_db()
    assert published_version.status == ScorecardVersionStatus.RETIRED
    # the old version's text is untouched
    assert Criterion.objects.filter(section__version=published_version, text="Identiteit geverifieerd").exists()


def test_there_is_at_most_one_draft(world, published_version):
    scorecard_version_create_draft(scorecard=published_version.scorecard, acting_user=world.qa_lead)
    with pytest.raises(Conflict):
        scorecard_version_create_draft(scorecard=published_version.scorecard, acting_user=world.qa_lead)


def test_an_empty_version_cannot_be_published(world):
    scorecard = scorecard_create(name="Leeg", acting_user=world.qa_lead)
    with pytest.raises(DomainError, match="minstens één criterium"):
        scorecard_version_publish(version=scorecard.versions.get(), acting_user=world.qa_lead)


def test_publishing_twice_is_refused(world, published_version):
    with pytest.raises(InvalidTransition):
        scorecard_version_publish(version=published_version, acting_user=world.qa_lead)


@pytest.mark.parametrize("persona", ["supervisor", "agent", "council", "admin"])
def test_only_a_qa_lead_manages_scorecards(world, persona):
    with pytest.raises(NotPermitted):
        scorecard_create(name="X", acting_user=world.by_name(persona))
