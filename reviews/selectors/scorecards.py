"""Reads of scorecards in the order people see them."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from reviews.domain.scoring import CriterionSpec
from reviews.models import Answer, Criterion, ScorecardVersion, Section

# Criteria in the order of the scorecard: by section, then within it. The one place this is written.
CRITERION_ORDER = ("section__position", "section_id", "position", "id")
ANSWER_ORDER = tuple(f"criterion__{field}" for field in CRITERION_ORDER)


def criteria_in_order(*, version_id: int) -> QuerySet[Criterion]:
    """A scorecard version's criteria (with their sections) in display order."""
    return Criterion.objects.filter(section__version_id=version_id).select_related("section").order_by(*CRITERION_ORDER)


def criteria_specs(version_id: int) -> list[CriterionSpec]:
    """A version's criteria as the scoring rules need them, in display order."""
    return [
        CriterionSpec(criterion_id=pk, max_points=max_points, na_allowed=na_allowed)
        for pk, max_points, na_allowed in criteria_in_order(version_id=version_id).values_list(
            "id", "max_points", "na_allowed"
        )
    ]


def answers_in_order() -> QuerySet[Answer]:
    """Answers with their criteria, in the scorecard's order (for a prefetch)."""
    return Answer.objects.select_related("criterion__section").order_by(*ANSWER_ORDER)


def sections_with_criteria(*, version: ScorecardVersion) -> list[Section]:
    """A version's sections, each with its criteria, in display order."""
    return list(
        Section.objects.filter(version=version)
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position", "id")))
        .order_by("position", "id")
    )


def criterion_in_version(*, version: ScorecardVersion, criterion_id: object) -> Criterion | None:
    try:
        pk = int(str(criterion_id))
    except ValueError:
        return None
    return Criterion.objects.filter(section__version=version, pk=pk).first()


def section_in_version(*, version: ScorecardVersion, section_id: object) -> Section | None:
    try:
        pk = int(str(section_id))
    except ValueError:
        return None
    return Section.objects.filter(version=version, pk=pk).first()
