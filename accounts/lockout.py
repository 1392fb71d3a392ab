"""What a locked-out login attempt gets back: JSON for the API, a page for people."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


def lockout_minutes() -> int:
    return max(1, round(float(settings.AXES_COOLOFF_TIME) * 60))


def lockout_response(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
    minutes = lockout_minutes()
    if request.path.startswith("/api/"):
        return JsonResponse(
            {
                "code": "locked_out",
                "detail": f"Too many failed logins for this account from your address. Try again in {minutes} minutes.",
            },
            status=429,
            headers={"Retry-After": str(minutes * 60)},
        )
    response = render(request, "web/locked_out.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(minutes * 60)
    return response


def client_str(username: str, ip_address: str, user_agent: str, path_info: Any, request: HttpRequest) -> str:
    """How django-axes names a login attempt in the logs: by where it came in, never by who or from where."""
    path = path_info[0] if isinstance(path_info, tuple) else path_info
    return f"login attempt at {path}"
