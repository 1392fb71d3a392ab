"""Limits on what people write (notes, reasons, rationales): room to explain, and pages that stay readable."""

from __future__ import annotations

from django.utils.translation import gettext as _

NOTE_MAX_CHARS = 2000
EXPLANATION_MAX_CHARS = 4000


def too_long(value: str, limit: int) -> list[str]:
    """The message for a text over its limit; empty when it fits."""
    length = len(value.strip())
    if length <= limit:
        return []
    return [_("At most %(limit)s characters; this text has %(length)s.") % {"limit": limit, "length": length}]
