"""A second, explicit step before what cannot be undone.

The first submit of an irreversible action shows a page that says what will happen, and to whom;
only its own submit, which sends everything again with ``confirmed=yes``, does it. Plain forms: it
works without JavaScript and under the Content-Security-Policy.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

CONFIRMED = "confirmed"


def is_confirmed(request: HttpRequest) -> bool:
    return request.POST.get(CONFIRMED) == "yes"


def confirmation(
    request: HttpRequest,
    *,
    title: str,
    consequence: str,
    button: str,
    cancel_url: str,
    details: Sequence[tuple[str, str]] = (),
) -> HttpResponse:
    """The confirmation page: the consequence in words, and the same request once more, confirmed."""
    resend = [
        (name, value)
        for name in request.POST
        if name not in {"csrfmiddlewaretoken", CONFIRMED}
        for value in request.POST.getlist(name)
    ]
    context = {
        "title": title,
        "consequence": consequence,
        "details": details,
        "button": button,
        "cancel_url": cancel_url,
        "action": request.path,
        "resend": resend,
    }
    return render(request, "web/confirm.html", context)
