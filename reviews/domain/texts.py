"""Texts the pure domain produces for people, translatable without importing Django.

``gettext_noop("At most %(max)s points…", max=4)`` reads as the English sentence (it is a ``str``),
and carries its template and parameters, so the boundary (pages, the API) can say it in the reader's
language. The function's name is the one ``makemessages`` looks for, which puts each template in the
catalogues.
"""

from __future__ import annotations


class Text(str):
    """An English sentence that remembers how it was made (template and parameters)."""

    template: str
    params: dict[str, object]

    def __new__(cls, template: str, params: dict[str, object]) -> Text:
        text = super().__new__(cls, template % params if params else template)
        text.template = template
        text.params = params
        return text


def gettext_noop(template: str, **params: object) -> Text:
    return Text(template, params)
