from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.services.audit_checkpoints import audit_checkpoint_write


class Command(BaseCommand):
    help = "Write the audit log's head as a signed checkpoint file, for the works council to keep."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--directory", type=Path, help="where to write it (default AUDIT_CHECKPOINT_DIR)")

    def handle(self, *args: Any, directory: Path | None, **options: Any) -> None:
        target = directory or (Path(settings.AUDIT_CHECKPOINT_DIR) if settings.AUDIT_CHECKPOINT_DIR else None)
        if target is None:
            raise CommandError("Give --directory, or set AUDIT_CHECKPOINT_DIR.")
        path = audit_checkpoint_write(directory=target)
        self.stdout.write(self.style.SUCCESS(f"Checkpoint written to {path}") if path else "The audit log is empty.")
