from __future__ import annotations

from typing import Any

from rest_framework.exceptions import ValidationError
from rest_framework.pagination import CursorPagination, PageNumberPagination
from rest_framework.request import Request


class StandardPagination(PageNumberPagination):
    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        """``page_size`` from 1 to 200; anything else is refused rather than quietly replaced."""
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        if not raw.isdigit() or not 1 <= int(raw) <= self.max_page_size:
            raise ValidationError({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return int(raw)

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
            elif parameter["name"] == self.page_query_param:
                parameter["schema"].update({"minimum": 1})
        return parameters


class KeysetPagination(CursorPagination):
    """Pages by position, never counting the list: for the long lists (the queue, alerts).

    ``next`` and ``previous`` carry an opaque cursor; there is no ``count``. Counting every call a
    supervisor may see, or every alert, costs more than the page itself at telephony scale
    (bench/RESULTS.md), and nobody reads the total of a work queue. The views set ``ordering``,
    which must end in a unique column.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request: Request) -> int:
        return StandardPagination.get_page_size(self, request)  # type: ignore[arg-type]

    def get_schema_operation_parameters(self, view: Any) -> list[dict[str, Any]]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["schema"].update({"minimum": 1, "maximum": self.max_page_size})
        return parameters


def keyset(*ordering: str) -> type[KeysetPagination]:
    """A keyset paginator over ``ordering`` (newest first, say ``("-started_at", "-id")``)."""
    return type("KeysetPagination", (KeysetPagination,), {"ordering": ordering})
