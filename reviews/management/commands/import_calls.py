from __future__ import annotations

import csv
import os
import sys
import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from reviews.domain.errors import DomainError
from reviews.models import CallImport, RunStatus
from reviews.services.call_imports import call_import_create, call_import_run, import_format_for

SHOWN_REJECTS = 20


class Command(BaseCommand):
    help = (
        "Import calls from a telephony export (CSV or JSON lines) with columns external_id, agent "
        "(username or employee number), channel, started_at (ISO 8601 with offset), handle_time_seconds "
        "and optionally recording_reference. Bad rows are reported with their line numbers; good rows are "
        "imported; importing the same file again creates nothing twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="path of the export")
        parser.add_argument("--source", default="telephony", help="the system the ids come from (default telephony)")
        parser.add_argument("--format", choices=["csv", "jsonl"], default="", help="default: from the file name")
        parser.add_argument("--rejects", help="write every refused row (line, reason, row) to this CSV file")
        parser.add_argument(
            "--writer",
            choices=["auto", "copy", "bulk"],
            default="",
            help="auto (default): COPY on PostgreSQL, bulk inserts elsewhere",
        )
        parser.add_argument("--batch-size", type=int, default=0, help="rows per committed batch")

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"{path} is not a file.")
        if options["batch_size"] < 0:
            raise CommandError("--batch-size must be positive.")
        try:
            fmt = import_format_for(path.name, options["format"])
            call_import = call_import_create(
                file_name=path.name,
                source=options["source"],
                fmt=fmt,
                total_bytes=path.stat().st_size,
                acting_user=None,
            )
        except DomainError as exc:
            raise CommandError(f"{exc.message} {exc.fields or ''}".strip()) from exc
        started = time.monotonic()
        interactive = sys.stderr.isatty()

        def progress(current: CallImport) -> None:
            elapsed = max(time.monotonic() - started, 1e-6)
            line = (
                f"{current.progress_percent:5.1f}%  {current.rows_read:,} rows  {current.created_count:,} new  "
                f"{current.duplicate_count:,} already there  {current.rejected_count:,} refused  "
                f"{current.rows_read / elapsed:,.0f} rows/s"
            )
            self.stderr.write(f"\r{line}" if interactive else line, ending="" if interactive else "\n")

        try:
            with path.open("rb") as handle:
                finished = call_import_run(
                    import_id=call_import.pk,
                    stream=handle,
                    writer=options["writer"],
                    batch_size=options["batch_size"],
                    progress=progress,
                )
        except DomainError as exc:
            raise CommandError(exc.message) from exc
        if interactive:
            self.stderr.write("")
        self._report(finished, options["rejects"], time.monotonic() - started)
        if finished.status == RunStatus.FAILED:
            raise CommandError(finished.error)

    def _report(self, finished: CallImport, rejects_path: str | None, seconds: float) -> None:
        self.stdout.write(
            f"Import {finished.pk}: {finished.rows_read:,} rows in {seconds:.1f} s; "
            f"{finished.created_count:,} calls created, {finished.duplicate_count:,} already imported, "
            f"{finished.rejected_count:,} refused."
        )
        rejects = finished.rejects.order_by("line", "pk")
        if rejects_path:
            with open(rejects_path, "w", newline="", encoding="utf-8") as out:
                writer = csv.writer(out)
                writer.writerow(["line", "reason", "row"])
                for reject in rejects.iterator(chunk_size=2000):
                    writer.writerow([reject.line, reject.reason, reject.row])
            self.stdout.write(f"Refused rows written to {os.fspath(rejects_path)}.")
        elif finished.rejected_count:
            for reject in rejects[:SHOWN_REJECTS]:
                self.stdout.write(f"  line {reject.line}: {reject.reason}")
            if finished.rejected_count > SHOWN_REJECTS:
                self.stdout.write(f"  … and {finished.rejected_count - SHOWN_REJECTS:,} more (use --rejects FILE).")
