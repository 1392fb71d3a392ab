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


def client_ip(request: HttpRequest) -> str | None:
    """The client's address for lockouts: behind TRUSTED_PROXY_COUNT proxies, read from X-Forwarded-For.

    Each trusted proxy appends the address it received the request from, so the client is the
    entry that many places from the right; anything further left was written by the client itself
    and is not believed.
    """
    proxies = int(getattr(settings, "TRUSTED_PROXY_COUNT", 0))
    if proxies > 0:
        forwarded = [part.strip() for part in request.headers.get("X-Forwarded-For", "").split(",") if part.strip()]
        if len(forwarded) >= proxies:
            return forwarded[-proxies]
    return request.META.get("REMOTE_ADDR")
