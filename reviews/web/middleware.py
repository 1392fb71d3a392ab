"""Language: the one the person chose (the language cookie set by the switch), otherwise Dutch.

Django's LocaleMiddleware would follow the browser's Accept-Language; in this office the default is
Dutch whatever the browser says, and English is a choice.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation.trans_real import parse_accept_lang_header


class LanguageMiddleware:
    """Pages: Dutch unless the person chose English (cookie). The API: Accept-Language, then the cookie."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.supported = {code for code, _ in settings.LANGUAGES}

    def _accepted(self, request: HttpRequest) -> str:
        for code, _quality in parse_accept_lang_header(request.headers.get("Accept-Language", "")):
            base = code.split("-")[0].lower()
            if base in self.supported:
                return base
        return ""

    def __call__(self, request: HttpRequest) -> HttpResponse:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        if request.path.startswith("/api/"):
            # An API client says what it reads with Accept-Language; pages follow the person's choice.
            chosen = self._accepted(request) or chosen
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        patch_vary_headers(response, ("Cookie", "Accept-Language") if request.path.startswith("/api/") else ("Cookie",))
        response.headers.setdefault("Content-Language", language)
        return response


CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "media-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ContentSecurityPolicyMiddleware:
    """Pages run only scripts and styles served from this site: no inline script, no CDN.

    The Swagger UI page of drf-spectacular keeps its own (it starts itself with an inline script).
    """

    exempt_prefixes = ("/api/v1/docs/",)

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if not request.path.startswith(self.exempt_prefixes):
            response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        return response
