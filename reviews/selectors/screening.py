"""Reads of screening lists: who sees which list and candidate, and the report the works council judges by."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.agreement import WilsonInterval, wilson_interval
from reviews.models import (
    CandidateStatus,
    CriticalError,
    CriticalErrorStatus,
    RuleVersionStatus,
    ScreeningCandidate,
    ScreeningList,
    ScreeningListVersion,
)
from reviews.selectors import Viewer, _known
from reviews.selectors.thresholds import version_for_action

OVERSIGHT = (Role.QA_LEAD, Role.WORKS_COUNCIL)


def screening_lists_visible_to(user: Viewer) -> QuerySet[ScreeningList]:
    """The QA lead and the works council see every list; supervisors and agents the lists that screen."""
    lists = ScreeningList.objects.all()
    if not _known(user):
        return lists.none()
    if user.role in OVERSIGHT:
        return lists
    if user.role in (Role.SUPERVISOR, Role.AGENT):
        return lists.filter(versions__status=RuleVersionStatus.ACTIVE).distinct()
    return lists.none()


def screening_versions_visible_to(user: Viewer) -> QuerySet[ScreeningListVersion]:
    versions = ScreeningListVersion.objects.select_related("screening_list", "consent__decided_by")
    if not _known(user):
        return versions.none()
    if user.role in OVERSIGHT:
        return versions.all()
    if user.role in (Role.SUPERVISOR, Role.AGENT):
        return versions.filter(status=RuleVersionStatus.ACTIVE)
    return versions.none()


def screening_version_for_action(
    list_id: int, *, requested_id: int | None, states: Collection[str]
) -> ScreeningListVersion:
    return version_for_action(
        ScreeningListVersion.objects.filter(screening_list_id=list_id),
        requested_id=requested_id,
        states=states,
        not_ours=_("That version does not belong to this screening list."),
        none_in=_("This screening list has no version that is %(states)s."),
    )


def candidates_visible_to(user: Viewer) -> QuerySet[ScreeningCandidate]:
    """QA leads see every candidate; a supervisor those assigned to them; an agent those of their own calls.

    The works council sees none one by one: it judges a list by its report.
    """
    candidates = ScreeningCandidate.objects.select_related(
        "version__screening_list", "call", "call__agent", "reviewer", "evaluation"
    ).order_by("-created_at", "-pk")
    if not _known(user):
        return candidates.none()
    if user.role == Role.QA_LEAD:
        return candidates
    if user.role == Role.SUPERVISOR:
        return candidates.filter(reviewer=user)
    if user.role == Role.AGENT:
        return candidates.filter(call__agent=user)
    return candidates.none()


def candidates_for_call(*, call_id: int, user: User) -> list[ScreeningCandidate]:
    """Why a call was selected by screening, for the people who may see it."""
    return list(candidates_visible_to(user).filter(call_id=call_id))


@dataclass
class Tally:
    candidates: int = 0
    waiting: int = 0
    withdrawn: int = 0
    reviewed: int = 0
    with_error: int = 0

    @property
    def precision(self) -> float | None:
        return self.with_error / self.reviewed if self.reviewed else None

    @property
    def interval(self) -> WilsonInterval | None:
        return wilson_interval(self.with_error, self.reviewed)

    def percents(self) -> tuple[int, int, int] | None:
        """Precision and its interval in whole percents, for a page; None before any review."""
        interval = self.interval
        if self.precision is None or interval is None:
            return None
        return round(self.precision * 100), round(interval.low * 100), round(interval.high * 100)


@dataclass
class VersionReport:
    version: ScreeningListVersion
    total: Tally
    by_phrase: list[tuple[str, Tally]] = field(default_factory=list)


def screening_report(versions: Iterable[ScreeningListVersion]) -> list[VersionReport]:
    """Per version: candidates, how many were reviewed, in how many the reviewer logged a critical error.

    Precision is the share of reviewed candidates with at least one critical error that still stands
    (not withdrawn, not overturned on appeal), with its 95 % Wilson interval. Per phrase as well, so
    the council can see which phrases earn their place.
    """
    versions = list(versions)
    standing = CriticalError.objects.filter(evaluation=OuterRef("evaluation"), status=CriticalErrorStatus.ACTIVE)
    rows = (
        ScreeningCandidate.objects.filter(version__in=versions)
        .annotate(has_error=Exists(standing))
        .values_list("version_id", "phrase", "status", "has_error")
    )
    totals: dict[int, Tally] = {v.pk: Tally() for v in versions}
    phrases: dict[int, dict[str, Tally]] = {v.pk: {p: Tally() for p in v.phrases} for v in versions}
    for version_id, phrase, status, has_error in rows:
        for tally in (totals[version_id], phrases[version_id].setdefault(phrase, Tally())):
            tally.candidates += 1
            if status == CandidateStatus.REVIEWED:
                tally.reviewed += 1
                tally.with_error += bool(has_error)
            elif status == CandidateStatus.WITHDRAWN:
                tally.withdrawn += 1
            else:
                tally.waiting += 1
    return [VersionReport(version=v, total=totals[v.pk], by_phrase=list(phrases[v.pk].items())) for v in versions]
