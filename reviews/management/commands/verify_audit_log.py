from typing import Any

from django.core.management.base import BaseCommand, CommandError

from reviews.services.audit import audit_chain_verify


class Command(BaseCommand):
    help = "Recompute the audit log's hash chain and name the first broken row, if any."

    def handle(self, *args: Any, **options: Any) -> None:
        result = audit_chain_verify()
        if not result.ok:
            raise CommandError(
                f"Audit chain broken at sequence {result.first_broken_sequence}: {result.reason}. "
                f"{result.checked} events before it verify; the last good one is "
                f"#{result.head_sequence} ({result.head_hash})."
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit chain OK: {result.checked} events; head #{result.head_sequence} hash {result.head_hash}"
            )
        )
