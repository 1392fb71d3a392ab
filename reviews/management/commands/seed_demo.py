from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from reviews.demo import seed_demo


class Command(BaseCommand):
    help = (
        "Create the deterministic demo world: the personas with their calls (with recordings) and evaluations, and "
        "around them an organisation of ten teams with a year of history (--personas-only leaves that out)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--personas-only", action="store_true", help="Only the personas' small world (quick, for page tests)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_demo(organisation=not options["personas_only"])
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready: {counts['users']} users, {counts['calls']} calls, "
                f"{counts['evaluations']} evaluations, {counts['rules']} threshold rules. "
                "Password: DEMO_PASSWORD (default 'demo-password')."
            )
        )
