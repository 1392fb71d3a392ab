"""Content negotiation that refuses a ``format`` it does not offer, an empty one included."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.http import Http404
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request


class StrictContentNegotiation(DefaultContentNegotiation):
    def select_renderer(
        self, request: Request, renderers: Iterable[BaseRenderer], format_suffix: str | None = None
    ) -> Any:
        renderers = list(renderers)
        requested = request.query_params.get(self.settings.URL_FORMAT_OVERRIDE or "format")
        if requested is not None and requested not in {renderer.format for renderer in renderers}:
            # DRF answers an unknown format with 404 but reads an empty one as none at all.
            raise Http404(f"No {requested!r} format here.")
        return super().select_renderer(request, renderers, format_suffix)
