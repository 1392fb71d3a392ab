from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qa_review.backup import BackupError, backup_create


class Command(BaseCommand):
    help = (
        "Take a consistent backup: pg_dump in one snapshot, the media folder, and a manifest "
        "(row counts, audit head, recording checksums). See docs/operations.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("destination", type=Path, help="a new (or empty) folder for this backup")

    def handle(self, *args: Any, destination: Path, **options: Any) -> None:
        try:
            manifest = backup_create(destination=destination)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        missing = [name for name, digest in manifest["recordings"].items() if digest is None]
        for name in missing:
            self.stderr.write(f"warning: recording {name} is referenced by a call but not in the media folder")
        head = manifest["audit_head"]
        self.stdout.write(
            self.style.SUCCESS(
                f"Backup written to {destination}: {len(manifest['tables'])} tables, "
                f"{sum(manifest['tables'].values())} rows, {len(manifest['recordings']) - len(missing)} recordings, "
                f"audit head #{head['sequence']} {head['hash']}"
            )
        )
