from __future__ import annotations

import datetime as dt
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import Conflict, DomainError, NotPermitted
from reviews.models import AuditAction, Call, Channel
from reviews.services.audit import audit_record

RECORDING_CONTENT_TYPES = {
    "audio/wav": "audio/wav",
    "audio/x-wav": "audio/wav",
    "audio/wave": "audio/wav",
    "audio/mpeg": "audio/mpeg",
    "audio/ogg": "audio/ogg",
    "audio/webm": "audio/webm",
    "audio/mp4": "audio/mp4",
}


@transaction.atomic
def call_create(
    *,
    external_id: str,
    agent: User,
    started_at: dt.datetime,
    handle_time_seconds: int,
    channel: str = Channel.PHONE,
    source: str = "telephony",
    recording: UploadedFile[bytes] | None = None,
    transcript: str = "",
    acting_user: User,
) -> Call:
    """Register a call for review. Supervisors may add calls of their own team's agents only."""
    if acting_user.role not in (Role.SUPERVISOR, Role.QA_LEAD):
        raise NotPermitted(_("Only supervisors and QA leads add calls."), code="role_not_allowed")
    if agent.role != Role.AGENT:
        raise DomainError(_("Calls belong to agents."), fields={"agent": [_("This user is not an agent.")]})
    if acting_user.role == Role.SUPERVISOR and agent.team_id != acting_user.team_id:
        raise DomainError(
            _("Supervisors add calls of agents in their own team only."),
            fields={"agent": [_("This agent is not in your team.")]},
        )
    if started_at.tzinfo is None:
        raise DomainError(
            _("Give the start time with its UTC offset."), fields={"started_at": [_("Needs a UTC offset.")]}
        )
    content_type = ""
    if recording is not None:
        content_type = RECORDING_CONTENT_TYPES.get((recording.content_type or "").split(";")[0].strip(), "")
        if not content_type:
            raise DomainError(
                _("The recording must be an audio file (WAV, MP3, Ogg, WebM or MP4 audio)."),
                fields={"recording": [_("Unsupported file type.")]},
            )
        if recording.size is not None and recording.size > settings.RECORDING_MAX_BYTES:
            raise DomainError(
                _("The recording is too large."),
                fields={"recording": [_("At most %(n)s bytes.") % {"n": settings.RECORDING_MAX_BYTES}]},
            )
    call = Call(
        source=source,
        external_id=external_id,
        agent=agent,
        channel=channel,
        started_at=started_at,
        handle_time_seconds=handle_time_seconds,
        transcript=transcript,
        recording_content_type=content_type,
    )
    try:
        with transaction.atomic():
            call.save()
    except IntegrityError as exc:
        raise Conflict(
            _("A call with external id %(id)s from %(source)s already exists.") % {"id": external_id, "source": source},
            code="duplicate_call",
            fields={"external_id": [_("Already imported from this source.")]},
        ) from exc
    if recording is not None:
        call.recording.save(recording.name or "recording", recording, save=True)
    audit_record(
        actor=acting_user,
        action=AuditAction.CALL_CREATED,
        obj=call,
        subject=agent,
        data={"source": source, "external_id": external_id, "has_recording": recording is not None},
    )
    return call


def call_recording_check(call: Call) -> None:
    """A chat, an e-mail, or a call whose recording is not (or no longer) there has none to play."""
    if not call.recording or not call.recording.name:
        raise DomainError(_("This call has no recording."), code="no_recording")


@transaction.atomic
def call_recording_open(*, call: Call, acting_user: User, byte_range: str = "") -> IO[bytes]:
    """Open a call's recording for playback. Every playback request is audited before a byte is sent."""
    call_recording_check(call)
    audit_record(
        actor=acting_user,
        action=AuditAction.CALL_RECORDING_PLAYED,
        obj=call,
        subject=call.agent,
        data={"range": byte_range or "full"},
    )
    return call.recording.storage.open(str(call.recording.name), "rb")
