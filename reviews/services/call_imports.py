"""Importing the telephony export: stream the file, check every row, write the good ones in batches.

A refused row goes to the rejects report with its line number and never stops the rest.
Re-importing a file creates nothing twice: (source, external id) is unique and the
writes skip what exists. Each batch commits with the import's progress, so a crash
loses nothing and a retry continues idempotently.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable, Sequence
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.uploadedfile import UploadedFile
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.call_rows import (
    CallRow,
    CountingReader,
    FileRejected,
    RejectedRow,
    check_header,
    read_calls,
    text_stream,
)
from reviews.domain.errors import DomainError, NotPermitted
from reviews.models import AuditAction, Call, CallImport, CallImportReject, ImportFormat, RunStatus
from reviews.services.audit import audit_record
from reviews.services.runs import background_run_fail
from reviews.services.transcripts import transcripts_of_import

logger = logging.getLogger(__name__)

IMPORTER_ROLES = (Role.QA_LEAD, Role.ADMIN)
Progress = Callable[[CallImport], None]


def import_format_for(file_name: str, requested: str = "") -> str:
    """The format asked for, or the one the file name says (.csv, .jsonl / .ndjson)."""
    if requested:
        if requested not in ImportFormat.values:
            raise DomainError(
                _("Unknown format %(format)s.") % {"format": requested},
                fields={"format": [_("One of %(values)s.") % {"values": ", ".join(ImportFormat.values)}]},
            )
        return requested
    lowered = file_name.lower()
    if lowered.endswith((".jsonl", ".ndjson")):
        return ImportFormat.JSONL
    if lowered.endswith(".csv"):
        return ImportFormat.CSV
    raise DomainError(
        _("Say whether the file is CSV or JSON lines (or name it .csv or .jsonl)."),
        fields={"format": [_("Cannot tell from the file name.")]},
    )


@transaction.atomic
def call_import_create(
    *,
    file_name: str,
    source: str,
    fmt: str,
    total_bytes: int,
    acting_user: User | None,
    pending_file: File[bytes] | None = None,
) -> CallImport:
    """Register an import. ``acting_user`` None is the command line (the operator)."""
    if acting_user is not None and acting_user.role not in IMPORTER_ROLES:
        raise NotPermitted(_("Only QA leads and administrators import calls."), code="role_not_allowed")
    source = source.strip()
    if not source or len(source) > 40:
        raise DomainError(_("Give the source (1 to 40 characters)."), fields={"source": ["1 to 40 characters."]})
    call_import = CallImport(
        source=source,
        file_name=file_name[-255:],
        format=fmt,
        total_bytes=total_bytes,
        created_by=acting_user,
    )
    if pending_file is not None:
        call_import.pending_file.save(f"{timezone.now():%Y%m%d%H%M%S}.{fmt}", pending_file, save=False)
    call_import.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CALL_IMPORT_CREATED,
        obj=call_import,
        data={"source": source, "format": fmt, "bytes": total_bytes},
    )
    return call_import


def agent_keys() -> dict[str, int]:
    """Active agents by username and by employee number (usernames win where both match)."""
    keys: dict[str, int] = {}
    agents = User.objects.filter(role=Role.AGENT, is_active=True).values_list("pk", "username", "employee_number")
    rows = list(agents)
    for pk, _username, number in rows:
        if number:
            keys[number] = pk
    for pk, username, _number in rows:
        keys[username] = pk
    return keys


def _write_copy(call_import: CallImport, rows: Sequence[CallRow]) -> int:
    """PostgreSQL: COPY the batch into a session table, then insert what is new in one statement."""
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS reviews_call_import_stage ("
            " external_id text, agent_id bigint, channel text, started_at timestamptz,"
            " handle_time_seconds integer, recording_reference text) ON COMMIT DELETE ROWS"
        )
        raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
        with raw.copy(
            "COPY reviews_call_import_stage (external_id, agent_id, channel, started_at,"
            " handle_time_seconds, recording_reference) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row(
                    (
                        row.external_id,
                        row.agent_id,
                        row.channel,
                        row.started_at,
                        row.handle_time_seconds,
                        row.recording_reference,
                    )
                )
        cursor.execute(
            "INSERT INTO reviews_call (source, external_id, agent_id, channel, started_at, handle_time_seconds,"
            " recording_reference, recording, recording_content_type, transcript, created_at, call_import_id)"
            " SELECT %s, external_id, agent_id, channel, started_at, handle_time_seconds, recording_reference,"
            " '', '', '', %s, %s FROM reviews_call_import_stage"
            " ON CONFLICT (source, external_id) DO NOTHING",
            [call_import.source, timezone.now(), call_import.pk],
        )
        return cursor.rowcount


def _write_bulk(call_import: CallImport, rows: Sequence[CallRow]) -> int:
    """Any database: Django's bulk insert, skipping rows that exist."""
    before = Call.objects.filter(call_import=call_import).count()
    Call.objects.bulk_create(
        [
            Call(
                source=call_import.source,
                external_id=row.external_id,
                agent_id=row.agent_id,
                channel=row.channel,
                started_at=row.started_at,
                handle_time_seconds=row.handle_time_seconds,
                recording_reference=row.recording_reference,
                call_import=call_import,
            )
            for row in rows
        ],
        ignore_conflicts=True,
        batch_size=2000,
    )
    return Call.objects.filter(call_import=call_import).count() - before


WRITERS = {"copy": _write_copy, "bulk": _write_bulk}


def chosen_writer(name: str = "") -> str:
    name = name or settings.CALL_IMPORT_WRITER
    if name == "auto":
        return "copy" if connection.vendor == "postgresql" else "bulk"
    if name not in WRITERS or (name == "copy" and connection.vendor != "postgresql"):
        raise DomainError(_("Unknown or unavailable writer %(name)s.") % {"name": name}, code="bad_writer")
    return name


def _commit_batch(
    call_import: CallImport,
    good: list[CallRow],
    bad: list[RejectedRow],
    *,
    write: Callable[[CallImport, Sequence[CallRow]], int],
    processed_bytes: int,
) -> None:
    with transaction.atomic():
        created = write(call_import, good) if good else 0
        if created:
            transcripts_of_import(source=call_import.source, call_import_id=call_import.pk, rows=good)
        CallImportReject.objects.bulk_create(
            [
                CallImportReject(
                    call_import=call_import,
                    line=r.line,
                    reason=r.reason[:300],
                    reason_template=getattr(r.reason, "template", ""),
                    reason_params=getattr(r.reason, "params", {}),
                    row=r.raw,
                )
                for r in bad
            ]
        )
        call_import.rows_read += len(good) + len(bad)
        call_import.created_count += created
        call_import.duplicate_count += len(good) - created
        call_import.rejected_count += len(bad)
        call_import.processed_bytes = processed_bytes
        CallImport.objects.filter(pk=call_import.pk).update(
            rows_read=call_import.rows_read,
            created_count=call_import.created_count,
            duplicate_count=call_import.duplicate_count,
            rejected_count=call_import.rejected_count,
            processed_bytes=processed_bytes,
        )


def _start(import_id: int) -> CallImport | None:
    """Claim the import; None if it already finished. A retry starts over (the writes are idempotent)."""
    with transaction.atomic():
        call_import = CallImport.objects.select_for_update().get(pk=import_id)
        if call_import.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return None
        call_import.rejects.all().delete()
        call_import.status = RunStatus.RUNNING
        call_import.started_at = timezone.now()
        call_import.rows_read = call_import.created_count = call_import.duplicate_count = 0
        call_import.rejected_count = call_import.processed_bytes = 0
        call_import.save()
        return call_import


def _settle(call_import: CallImport) -> dict[str, Any]:
    """Count what the import created from the rows themselves (so a retried import reports each row once),
    let go of the uploaded file, save; returns the counts for the audit event."""
    created = Call.objects.filter(call_import=call_import).count()
    valid = call_import.created_count + call_import.duplicate_count
    call_import.created_count, call_import.duplicate_count = created, max(0, valid - created)
    if call_import.pending_file:
        call_import.pending_file.delete(save=False)
    call_import.save()
    return {
        "rows": call_import.rows_read,
        "created": call_import.created_count,
        "duplicates": call_import.duplicate_count,
        "rejected": call_import.rejected_count,
    }


def _finish(call_import: CallImport, *, error: str = "") -> CallImport:
    if error:
        failed = background_run_fail(
            run_model=CallImport,
            run_id=call_import.pk,
            error=error,
            action=AuditAction.CALL_IMPORT_FAILED,
            actor=lambda run: run.created_by,
            finish=_settle,
        )
        return failed or CallImport.objects.get(pk=call_import.pk)
    with transaction.atomic():
        call_import.status = RunStatus.SUCCEEDED
        call_import.error = ""
        call_import.finished_at = timezone.now()
        call_import.processed_bytes = call_import.total_bytes
        counts = _settle(call_import)
        audit_record(
            actor=call_import.created_by,
            action=AuditAction.CALL_IMPORT_FINISHED,
            obj=call_import,
            data={**counts, "error": ""},
        )
    return call_import


def call_import_run(
    *,
    import_id: int,
    stream: IO[bytes],
    writer: str = "",
    batch_size: int = 0,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
) -> CallImport:
    """Read the file and write its calls. Memory stays bounded by the batch size, not the file size."""
    call_import = _start(import_id)
    if call_import is None:
        return CallImport.objects.get(pk=import_id)
    write = WRITERS[chosen_writer(writer)]
    batch_size = batch_size or settings.CALL_IMPORT_BATCH_SIZE
    reader = CountingReader(stream)
    good: list[CallRow] = []
    bad: list[RejectedRow] = []
    try:
        rows = read_calls(text_stream(reader), fmt=call_import.format, agents=agent_keys(), now=now or timezone.now())
        for row in rows:
            (bad if isinstance(row, RejectedRow) else good).append(row)  # type: ignore[arg-type]
            if len(good) + len(bad) >= batch_size:
                _commit_batch(call_import, good, bad, write=write, processed_bytes=reader.count)
                good, bad = [], []
                if progress is not None:
                    progress(call_import)
        _commit_batch(call_import, good, bad, write=write, processed_bytes=reader.count)
    except FileRejected as exc:
        kept = f" The {call_import.rows_read} rows read before that were imported." if call_import.rows_read else ""
        CallImport.objects.filter(pk=call_import.pk).update(
            error_template=exc.reason.template, error_params=exc.reason.params
        )
        return _finish(call_import, error=f"{exc.reason}{kept}")
    finished = _finish(call_import)
    if progress is not None:
        progress(finished)
    logger.info(
        "Call import %s finished: %s rows, %s created, %s duplicates, %s rejected",
        finished.pk,
        finished.rows_read,
        finished.created_count,
        finished.duplicate_count,
        finished.rejected_count,
    )
    return finished


def call_import_fail(*, import_id: int, error: str) -> None:
    """The worker gave up: the import says so; the calls written so far stay (they are complete rows)."""
    background_run_fail(
        run_model=CallImport,
        run_id=import_id,
        error=error,
        action=AuditAction.CALL_IMPORT_FAILED,
        actor=lambda call_import: call_import.created_by,
        finish=_settle,
    )


def call_import_enqueue(call_import: CallImport) -> None:
    from reviews.tasks import call_import_process

    transaction.on_commit(lambda: call_import_process.delay(call_import.pk))


def call_import_start(
    *, upload: UploadedFile[bytes], source: str, requested_format: str, acting_user: User
) -> CallImport:
    """An uploaded export, from the API or a page: checked at once, then read in this request when
    small (CALL_IMPORT_INLINE_MAX_BYTES) or by a worker when large. Returns the import, finished or queued."""
    size = upload.size or 0
    if size > settings.CALL_IMPORT_MAX_BYTES:
        raise DomainError(
            _("The file is too large."),
            fields={"file": [_("At most %(n)s bytes.") % {"n": settings.CALL_IMPORT_MAX_BYTES}]},
        )
    fmt = import_format_for(upload.name or "", requested_format)
    upload.seek(0)
    try:
        check_header(upload.read(64 * 1024), fmt=fmt)
    except FileRejected as exc:
        raise DomainError(exc.reason, code="file_rejected", fields={"file": [exc.reason]}) from exc
    upload.seek(0)
    inline = size <= settings.CALL_IMPORT_INLINE_MAX_BYTES
    call_import = call_import_create(
        file_name=upload.name or "upload",
        source=source,
        fmt=fmt,
        total_bytes=size,
        acting_user=acting_user,
        pending_file=None if inline else upload,
    )
    if inline:
        return call_import_run(import_id=call_import.pk, stream=upload)
    call_import_enqueue(call_import)
    return call_import


def call_import_run_pending(*, import_id: int) -> CallImport:
    """The worker's entry: read the uploaded file the import keeps, then let it go."""
    call_import = CallImport.objects.get(pk=import_id)
    if not call_import.pending_file:
        if call_import.status in (RunStatus.SUCCEEDED, RunStatus.FAILED):
            return call_import
        return _finish(call_import, error="The uploaded file is no longer there; upload it again.")
    with call_import.pending_file.open("rb") as handle:
        return call_import_run(import_id=import_id, stream=handle)
