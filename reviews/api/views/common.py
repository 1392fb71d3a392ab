"""Shared pieces of the API views."""

from __future__ import annotations

from typing import Any

from rest_framework.renderers import BaseRenderer

from accounts.models import Role

QA_LEAD_ONLY = frozenset({Role.QA_LEAD})
STREAM_CHUNK = 64 * 1024


class PassthroughRenderer(BaseRenderer):
    """Lets a binary response through DRF's content negotiation for any Accept header."""

    media_type = "*/*"
    format = "binary"

    def render(self, data: Any, accepted_media_type: str | None = None, renderer_context: Any = None) -> Any:
        return data
