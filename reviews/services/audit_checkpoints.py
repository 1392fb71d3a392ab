"""Checkpoints: the audit chain's head, kept where the works council keeps it, outside the database.

A chain that verifies proves that nothing before its head was changed, but not that its newest rows
are all there. A checkpoint (sequence and hash of the head at some moment) kept elsewhere closes
that gap: ``verify_audit_log --expect`` and ``/api/v1/audit/verify/?expect=`` fail when the chain no
longer reaches it, or reaches it with another hash. Checkpoint files are signed with SECRET_KEY, so a
file that was altered, or written by anything but this installation, is refused.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.audit_chain import Checkpoint
from reviews.models import AuditEvent

SALT = "qa_review.audit.checkpoint"


def audit_checkpoint_current() -> Checkpoint | None:
    head = AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    return Checkpoint(sequence=head[0], hash=head[1]) if head else None


def audit_checkpoint_write(*, directory: Path) -> Path | None:
    """Write the current head as a signed checkpoint file; None when the log is still empty."""
    checkpoint = audit_checkpoint_current()
    if checkpoint is None:
        return None
    directory.mkdir(parents=True, exist_ok=True)
    created_at = timezone.now().isoformat()
    payload = {"checkpoint": str(checkpoint), "created_at": created_at}
    path = directory / f"audit-checkpoint-{checkpoint.sequence:010d}.json"
    path.write_text(json.dumps({**payload, "signed": signing.dumps(payload, salt=SALT)}, indent=2) + "\n")
    return path


def audit_checkpoint_read(path: Path) -> Checkpoint:
    """The checkpoint a file holds, after checking its signature. ValueError says what is wrong."""
    try:
        content = json.loads(path.read_text())
        signed = signing.loads(content["signed"], salt=SALT)
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ValueError(f"{path} is not a readable checkpoint file") from exc
    except signing.BadSignature as exc:
        raise ValueError(f"{path}: the signature does not match; the file was altered or made elsewhere") from exc
    if signed.get("checkpoint") != content.get("checkpoint"):
        raise ValueError(f"{path}: the checkpoint differs from the one signed")
    return Checkpoint.parse(signed["checkpoint"])


def audit_checkpoint_email() -> int:
    """E-mail the current head to every active works-council member with an address; how many were sent.

    The message holds only the checkpoint and how to use it: nothing about any person.
    """
    checkpoint = audit_checkpoint_current()
    if checkpoint is None:
        return 0
    recipients = list(
        User.objects.filter(role=Role.WORKS_COUNCIL, is_active=True).exclude(email="").values_list("email", flat=True)
    )
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("qa_review audit checkpoint #%(n)s") % {"n": checkpoint.sequence}
        body = _(
            "Keep this line outside qa_review (in your own mail, a printout, the minutes):\n\n%(checkpoint)s\n\n"
            "It proves how far the audit log reached today. To check later that nothing was removed from it or "
            "rewritten, open /api/v1/audit/verify/?expect=%(checkpoint)s or give it to "
            "'manage.py verify_audit_log --expect'. A failure there means the log no longer contains what it "
            "contained today."
        ) % {"checkpoint": str(checkpoint)}
    for address in recipients:
        send_mail(subject, body, None, [address])
    return len(recipients)
