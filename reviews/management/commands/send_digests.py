from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand
from django.utils.translation import ngettext

from reviews.services.digests import digests_send


class Command(BaseCommand):
    help = "Send today's e-mail digests (only with DIGEST_EMAILS on; at most one per person a day)."

    def handle(self, *args: Any, **options: Any) -> None:
        sent = digests_send()
        self.stdout.write(ngettext("%(n)s digest sent.", "%(n)s digests sent.", sent) % {"n": sent})
