from typing import Any

from django.core.management.base import BaseCommand

from reviews.demo import seed_demo


class Command(BaseCommand):
    help = "Create the deterministic demo world (users, teams, scorecard, calls with recordings, evaluations)."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = seed_demo()
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready: {counts['users']} users, {counts['calls']} calls, "
                f"{counts['evaluations']} evaluations, {counts['rules']} threshold rules. "
                "Password: DEMO_PASSWORD (default 'demo-password')."
            )
        )
