"""The boundary between the pure domain's texts and the reader's language (pages and the API)."""

from __future__ import annotations

from django.utils.translation import gettext

from reviews.domain.errors import DomainError
from reviews.domain.texts import Text


def localized(text: str) -> str:
    """A domain text in the active language; any other text as it is (services translate their own)."""
    if isinstance(text, Text):
        translated = gettext(text.template)
        if not text.params:
            return translated
        # A parameter may itself be a domain text (the name of a state, say): said in the same language.
        return translated % {
            key: localized(value) if isinstance(value, Text) else value for key, value in text.params.items()
        }
    return text


def localize_error(exc: DomainError) -> DomainError:
    """The error with its message and every field message in the active language (in place)."""
    exc.message = localized(exc.message)
    exc.fields = {field: [localized(problem) for problem in problems] for field, problems in exc.fields.items()}
    return exc
