"""Screening new transcripts with every active, consented list version, and the candidates it makes.

Only an active version whose consent has not passed its review date screens, and only what arrived
after its activation. A match selects the call for a targeted review by a reviewer (balanced, never
the agent's own supervisor); it is never a critical error and never evidence.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.domain.errors import DomainError
from reviews.domain.sampling import Draw, NoReviewer, assign_reviewers
from reviews.domain.screening import Matcher, dutch_stemmer, read_phrases
from reviews.models import (
    AuditAction,
    CandidateStatus,
    RuleVersionStatus,
    ScreeningCandidate,
    ScreeningListVersion,
    TranscriptSegment,
)
from reviews.selectors.work import active_reviewers
from reviews.services.audit import audit_record
from reviews.services.notifications import notify
from reviews.services.sampling import excluded_reviewers

logger = logging.getLogger(__name__)

SCREEN_CHUNK = 20_000


def screening_candidate_open(*, call: Any, reviewer: User, required: bool) -> ScreeningCandidate | None:
    """The open candidate of this call assigned to this reviewer (``required``: refuse when there is none)."""
    candidate = (
        ScreeningCandidate.objects.filter(
            call=call, reviewer=reviewer, status=CandidateStatus.OPEN, evaluation__isnull=True
        )
        .order_by("pk")
        .first()
    )
    if candidate is None and required:
        raise DomainError(
            _("Only a call that a screening list selected for you is reviewed for screening."),
            fields={"target_reason": [_("No screening selection of this call waits for you.")]},
        )
    return candidate


def screening_candidate_link(*, candidate: ScreeningCandidate, evaluation: Any) -> None:
    """The targeted review of a candidate has started (inside the evaluation's transaction)."""
    ScreeningCandidate.objects.filter(pk=candidate.pk, evaluation__isnull=True).update(evaluation=evaluation)


def screening_candidates_reviewed(*, evaluation: Any) -> None:
    """The review was submitted: its candidates count as reviewed in their list's report."""
    ScreeningCandidate.objects.filter(evaluation=evaluation, status=CandidateStatus.OPEN).update(
        status=CandidateStatus.REVIEWED
    )


def screening_versions_due(today: dt.date | None = None) -> list[int]:
    """Active versions whose consent still holds: the only ones that screen."""
    today = today or timezone.localdate()
    return list(
        ScreeningListVersion.objects.filter(status=RuleVersionStatus.ACTIVE, review_by__gte=today)
        .order_by("pk")
        .values_list("pk", flat=True)
    )


@dataclass(frozen=True)
class Match:
    call_id: int
    agent_id: int
    segment_id: int
    start_ms: int
    phrase: str


def _matches(version: ScreeningListVersion, through: int) -> list[Match]:
    """The first matching line of every call with new lines, past the version's watermark up to ``through``."""
    stem = dutch_stemmer()
    phrases, _problems = read_phrases(version.phrases, stem)
    matcher = Matcher(phrases, max_gap=version.max_gap, stem=stem)
    already = set(ScreeningCandidate.objects.filter(version=version).values_list("call_id", flat=True))
    rows = (
        TranscriptSegment.objects.filter(pk__gt=version.screened_through, pk__lte=through)
        .order_by("call_id", "position")
        .values_list("call_id", "call__agent_id", "pk", "start_ms", "text")
    )
    found: list[Match] = []
    for (call_id, agent_id), lines in groupby(rows.iterator(chunk_size=SCREEN_CHUNK), key=lambda r: (r[0], r[1])):
        if call_id in already:
            continue
        for _call, _agent, segment_id, start_ms, text in lines:
            phrase = matcher.match(text)
            if phrase is not None:
                found.append(Match(call_id, agent_id, segment_id, start_ms, phrase.text))
                break
    return found


def screening_run_due() -> int:
    """Screen with every version that may (the worker's task); returns how many calls were selected."""
    return sum(screening_version_screen(version_id=pk) for pk in screening_versions_due())


def screening_version_screen(*, version_id: int) -> int:
    """Screen the transcripts added since the version last screened; returns how many calls it selected.

    Nothing happens unless the version is active and its consent holds. Reading is done outside the
    write transaction; the write re-checks the version under a lock, so a version retired or nullified
    meanwhile selects nothing.
    """
    if version_id not in screening_versions_due():
        return 0
    version = ScreeningListVersion.objects.select_related("screening_list").get(pk=version_id)
    through = TranscriptSegment.objects.aggregate(last=Max("pk"))["last"] or 0
    if through <= version.screened_through:
        return 0
    matches = _matches(version, through)
    try:
        assignment = assign_reviewers(
            [Draw(agent_id=m.agent_id, call_id=m.call_id) for m in matches],
            reviewer_ids=list(active_reviewers().values_list("pk", flat=True)),
            excluded=excluded_reviewers(True),
            seed=version.pk,
        )
    except NoReviewer as exc:
        logger.warning("Screening version %s: %s", version.pk, exc)
        return 0
    return _record(version.pk, through, matches, assignment)


@transaction.atomic
def _record(version_id: int, through: int, matches: Sequence[Match], assignment: dict[int, int]) -> int:
    version = ScreeningListVersion.objects.select_for_update().select_related("screening_list").get(pk=version_id)
    if version.pk not in screening_versions_due() or version.screened_through >= through:
        return 0
    # A run that overlapped this one may have selected some of the same calls first.
    taken = set(
        ScreeningCandidate.objects.filter(version=version, call_id__in=[m.call_id for m in matches]).values_list(
            "call_id", flat=True
        )
    )
    matches = [m for m in matches if m.call_id not in taken]
    candidates = ScreeningCandidate.objects.bulk_create(
        [
            ScreeningCandidate(
                version=version,
                call_id=m.call_id,
                segment_id=m.segment_id,
                phrase=m.phrase,
                start_ms=m.start_ms,
                reviewer_id=assignment[m.call_id],
            )
            for m in matches
        ],
        batch_size=5000,
    )
    version.screened_through = through
    version.save(update_fields=["screened_through"])
    _tell(version, candidates)
    audit_record(
        actor=None,
        action=AuditAction.SCREENING_CANDIDATES_ASSIGNED,
        obj=version,
        data={"list_id": version.screening_list_id, "candidates": len(candidates), "screened_through": through},
    )
    return len(candidates)


def _tell(version: ScreeningListVersion, candidates: Sequence[ScreeningCandidate]) -> None:
    """Each reviewer hears how many calls wait for them; each agent that a call of theirs was selected, and why."""
    per_reviewer: dict[int, int] = {}
    for candidate in candidates:
        if candidate.reviewer_id is not None:
            per_reviewer[candidate.reviewer_id] = per_reviewer.get(candidate.reviewer_id, 0) + 1
    users = User.objects.in_bulk(list(per_reviewer) + [c.call.agent_id for c in _with_calls(candidates)])
    name = version.screening_list.name
    for reviewer_id, count in per_reviewer.items():
        notify(
            recipient=users[reviewer_id],
            kind="screening_assigned",
            params={"list": name, "count": count},
            obj=version,
        )
    for candidate in _with_calls(candidates):
        notify(
            recipient=users[candidate.call.agent_id],
            kind="screening_selected",
            params={
                "list": name,
                "phrase": candidate.phrase,
                "call": candidate.call.external_id,
                "at": f"{candidate.start_ms // 60000}:{candidate.start_ms // 1000 % 60:02d}",
            },
            obj=candidate,
        )


def _with_calls(candidates: Sequence[ScreeningCandidate]) -> list[ScreeningCandidate]:
    from reviews.models import Call

    calls = Call.objects.in_bulk([c.call_id for c in candidates])
    for candidate in candidates:
        candidate.call = calls[candidate.call_id]
    return list(candidates)
