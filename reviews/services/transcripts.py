"""A call's transcript as segments: replaced whole (per call via the API, or by the demo), and every
search of what was said recorded with its terms (they can reveal what is being looked for about people).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.call_rows import CallRow
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.domain.transcripts import Segment
from reviews.models import AuditAction, Call, Channel, RuleVersionStatus, ScreeningListVersion, TranscriptSegment
from reviews.services.audit import audit_record


def _screen_soon() -> None:
    """New lines: once they are committed, every active screening list screens them (the worker's task)."""
    if ScreeningListVersion.objects.filter(status=RuleVersionStatus.ACTIVE).exists():
        from reviews.tasks import screening_run

        transaction.on_commit(lambda: screening_run.delay())


def _plain(segments: Sequence[Segment]) -> str:
    """The transcript as text (the call's ``transcript``), one segment per line."""
    return "\n".join(f"[{s.start_ms // 60000}:{s.start_ms // 1000 % 60:02d}] {s.speaker}: {s.text}" for s in segments)


@transaction.atomic
def call_transcript_replace(
    *,
    call: Call,
    segments: Sequence[Segment],
    problems: dict[str, Any] | None = None,
    messages: bool = False,
    acting_user: User,
) -> list[TranscriptSegment]:
    """Replace a call's transcript with these segments, or a chat's or e-mail's with these ``messages``.

    ``problems`` (per line) refuse it whole. A phone call has a transcript, a chat or e-mail messages.
    """
    if acting_user.role not in (Role.SUPERVISOR, Role.QA_LEAD):
        raise NotPermitted(_("Only supervisors and QA leads add transcripts."), code="role_not_allowed")
    if acting_user.role == Role.SUPERVISOR and call.agent.team_id != acting_user.team_id:
        raise NotPermitted(_("Supervisors add transcripts of their own team's calls only."), code="not_own_team")
    written = messages
    if written != (call.channel != Channel.PHONE):
        raise Conflict(
            _("A chat or an e-mail has messages; a phone call has a transcript of spoken segments."),
            code="wrong_channel",
        )
    if problems:
        raise DomainError(
            _("The messages have errors; nothing was saved. Each is named by its line.")
            if written
            else _("The transcript has errors; nothing was saved. Each is named by its line."),
            code="invalid_transcript",
            fields=problems,
        )
    locked = Call.objects.select_for_update().get(pk=call.pk)
    TranscriptSegment.objects.filter(call=locked).delete()
    rows = TranscriptSegment.objects.bulk_create(
        TranscriptSegment(call=locked, position=i, start_ms=s.start_ms, end_ms=s.end_ms, speaker=s.speaker, text=s.text)
        for i, s in enumerate(segments)
    )
    locked.transcript = _plain(segments)
    locked.save(update_fields=["transcript"])
    audit_record(
        actor=acting_user,
        action=AuditAction.CALL_TRANSCRIPT_REPLACED,
        obj=locked,
        subject=locked.agent,
        data={"segments": len(rows)},
    )
    _screen_soon()
    return rows


def transcripts_of_import(*, source: str, call_import_id: int, rows: Sequence[CallRow]) -> int:
    """The transcripts and messages that came with an import's rows, for the calls it created.

    Runs inside the import's batch transaction, so a call and what was said arrive together; a call
    that was already there keeps its own. Returns how many lines were written.
    """
    wanted = {row.external_id: row for row in rows if row.segments}
    if not wanted:
        return 0
    calls = {
        call.external_id: call
        for call in Call.objects.filter(source=source, call_import_id=call_import_id, external_id__in=list(wanted))
        .exclude(segments__isnull=False)
        .only("pk", "external_id")
    }
    lines = TranscriptSegment.objects.bulk_create(
        [
            TranscriptSegment(
                call=call, position=i, start_ms=s.start_ms, end_ms=s.end_ms, speaker=s.speaker, text=s.text
            )
            for external_id, call in calls.items()
            for i, s in enumerate(wanted[external_id].segments)
        ],
        batch_size=5000,
    )
    for external_id, call in calls.items():
        call.transcript = _plain(wanted[external_id].segments)
    Call.objects.bulk_update(list(calls.values()), ["transcript"], batch_size=2000)
    if lines:
        _screen_soon()
    return len(lines)


@transaction.atomic
def transcript_search_record(*, query: str, filters: dict[str, str], found: int, acting_user: User) -> None:
    """Every search is in the audit log with its terms, its filters and how much it found."""
    audit_record(
        actor=acting_user,
        action=AuditAction.TRANSCRIPT_SEARCHED,
        object_type="reviews.transcript_search",
        data={"query": query, "filters": filters, "found": found},
    )
