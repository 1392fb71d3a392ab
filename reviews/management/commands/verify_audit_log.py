from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.domain.audit_chain import Checkpoint
from reviews.services.audit import audit_chain_verify
from reviews.services.audit_checkpoints import audit_checkpoint_read


class Command(BaseCommand):
    help = (
        "Recompute the audit log's hash chain and name the first broken row, if any. With --expect (or "
        "--expect-file) the chain must also still hold a checkpoint kept outside the database."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--expect", help="a kept head, SEQUENCE:HASH (as this command prints it)")
        parser.add_argument("--expect-file", type=Path, help="a signed checkpoint file (manage.py audit_checkpoint)")

    def handle(self, *args: Any, expect: str | None, expect_file: Path | None, **options: Any) -> None:
        checkpoint = None
        try:
            if expect:
                checkpoint = Checkpoint.parse(expect)
            elif expect_file:
                checkpoint = audit_checkpoint_read(expect_file)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        result = audit_chain_verify(expect=checkpoint)
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at sequence {result.first_broken_sequence}: {result.reason}. "
                f"{result.checked} events verify; the last good one is #{result.head_sequence} ({result.head_hash})."
            )
        against = f"; it still holds checkpoint #{checkpoint.sequence}" if checkpoint else ""
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain OK: {result.checked} events; head #{result.head_sequence} hash {result.head_hash}"
                f"{against}. Keep the head as {result.head_sequence}:{result.head_hash}"
            )
        )
