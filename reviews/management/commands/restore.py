from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from qa_review.backup import BackupError, backup_restore


class Command(BaseCommand):
    help = (
        "Restore a backup into an empty database and media folder, then verify row counts, the audit "
        "chain and every recording against the backup's manifest. See docs/operations.md."
    )
    # The database is empty until the restore: the checks that read it would fail.
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("source", type=Path, help="a folder written by `manage.py backup`")

    def handle(self, *args: Any, source: Path, **options: Any) -> None:
        try:
            report = backup_restore(source=source)
        except BackupError as exc:
            raise CommandError(str(exc)) from exc
        if report.problems:
            raise CommandError("The restore does not match the backup:\n  " + "\n  ".join(report.problems))
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored and verified: {report.tables} tables, {report.rows} rows, "
                f"{report.audit_events} audit events in an unbroken chain, {report.recordings} recordings."
            )
        )
