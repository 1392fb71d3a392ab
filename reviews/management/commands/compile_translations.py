"""Compile the .po files under LOCALE_PATHS into .mo files, with no need for GNU gettext on the machine."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import polib
from django.conf import settings
from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Compile every locale/<lang>/LC_MESSAGES/*.po into its .mo (run by the setup step)."
    # A build step (deploy/build-assets.sh): it needs no keys, database or broker.
    requires_system_checks: list[str] = []

    def handle(self, *args: Any, **options: Any) -> None:
        compiled = 0
        for root in settings.LOCALE_PATHS:
            for po_path in sorted(Path(root).glob("*/LC_MESSAGES/*.po")):
                try:
                    catalog = polib.pofile(str(po_path))
                except OSError as exc:
                    raise CommandError(f"{po_path}: {exc}") from exc
                catalog.save_as_mofile(str(po_path.with_suffix(".mo")))
                compiled += 1
                if options["verbosity"] >= 1:
                    self.stdout.write(f"{po_path}: {len(catalog.translated_entries())} messages")
        if not compiled:
            raise CommandError("No .po files found under LOCALE_PATHS.")
