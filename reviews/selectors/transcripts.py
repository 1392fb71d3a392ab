"""Transcripts as segments, and searching what was said within the searcher's scope.

On PostgreSQL the search is full text with the ``dutch`` configuration (stemming, stop words;
``websearch_to_tsquery``: "quoted phrases", ``or``, ``-word``) over each line's stored vector
``text_dutch`` (``to_tsvector('dutch', text)``, generated when the line is written, with a GIN
index: migrations 0028 and 0031); snippets come from ``ts_headline``. On SQLite
(the zero-setup default) every word must occur as it is typed, without stemming.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import BooleanField, F, Func, QuerySet, TextField, Value
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.domain.errors import DomainError
from reviews.models import Call, Channel, TranscriptSegment
from reviews.selectors import calls_visible_to

START, STOP = "\x02", "\x03"
# A segment is one turn of speech: shown whole, with every match marked.
HEADLINE_OPTIONS = f"StartSel={START}, StopSel={STOP}, HighlightAll=true"


class DutchVector(Func):
    """A line's stored ``to_tsvector('dutch', text)`` (the indexed column, outside the model)."""

    template = '"reviews_transcriptsegment"."text_dutch"'
    arity = 0
    output_field = TextField()


class DutchQuery(Func):
    """What a person types, as a query: words stemmed, "quoted phrases", ``or``, ``-word``."""

    template = "websearch_to_tsquery('dutch', %(expressions)s)"
    output_field = TextField()


class Matches(Func):
    template = "(%(expressions)s)"
    arg_joiner = " @@ "
    output_field = BooleanField()


class DutchHeadline(Func):
    template = "ts_headline('dutch', %(expressions)s)"
    output_field = TextField()


def segments_of(call: Call) -> QuerySet[TranscriptSegment]:
    return TranscriptSegment.objects.filter(call=call).order_by("position")


@dataclass(frozen=True)
class Hit:
    segment: TranscriptSegment
    snippet: SafeString


def _marked(snippet: str) -> SafeString:
    """Escape what was said, then show the matched words marked (the markers never come from the text)."""
    return mark_safe(escape(snippet).replace(START, "<mark>").replace(STOP, "</mark>"))  # noqa: S308


def _words(query: str) -> list[str]:
    return [w for w in re.findall(r"[\w'-]+", query.lower()) if w not in {"or", "of"}]


def _plain_highlight(text: str, words: list[str]) -> str:
    pattern = re.compile("|".join(re.escape(w) for w in words), re.IGNORECASE) if words else None
    return pattern.sub(lambda m: f"{START}{m.group(0)}{STOP}", text) if pattern else text


# Up to this many matching lines (PostgreSQL's estimate), a search reads them through the GIN index
# first and then orders them with their calls; beyond it, lines are common enough that walking the newest
# calls finds a page at once. Left to itself the planner walks the calls for every search and, for a
# word nobody said, computes every line's vector (bench/RESULTS.md, transcript search).
FEW_MATCHES = 20_000


def _few_page(condition: Matches, query: str, calls: QuerySet[Call, Any], limit: int) -> list[int] | None:
    """The page's lines (ids, newest calls first, one past the page) when PostgreSQL expects few lines to
    match; None when it expects many. The matching lines are taken through the index first and only then
    joined to their calls and ordered, all in one statement."""
    plan = json.loads(TranscriptSegment.objects.filter(condition).explain(format="json"))
    if isinstance(plan, list):  # one statement's plan, as PostgreSQL gives it
        plan = plan[0]
    if int(plan["Plan"]["Plan Rows"]) > FEW_MATCHES:
        return None
    scope_sql, scope_params = calls.values("pk").query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute(
            # The scope is Django's own SQL for the searcher's calls, with its parameters.
            "WITH hits AS MATERIALIZED (SELECT id, call_id, position FROM reviews_transcriptsegment"  # noqa: S608
            " WHERE text_dutch @@ websearch_to_tsquery('dutch', %s))"
            " SELECT h.id FROM hits h JOIN reviews_call c ON c.id = h.call_id"
            f" WHERE h.call_id IN ({scope_sql})"
            " ORDER BY c.started_at DESC, h.call_id, h.position LIMIT %s",
            [query, *scope_params, limit + 1],
        )
        return [row[0] for row in cursor.fetchall()]


def search_segments(
    *,
    user: User,
    query: str,
    start: dt.datetime | None = None,
    end: dt.datetime | None = None,
    team_id: int | None = None,
    channel: str = "",
    limit: int = 50,
) -> tuple[list[Hit], bool]:
    """Segments matching the query in calls the user may see, newest calls first; and whether there is more."""
    calls = calls_visible_to(user)
    if start is not None:
        calls = calls.filter(started_at__gte=start)
    if end is not None:
        calls = calls.filter(started_at__lt=end)
    if team_id is not None:
        calls = calls.filter(agent__team_id=team_id)
    if channel:
        calls = calls.filter(channel=channel)
    segments = TranscriptSegment.objects.filter(call__in=calls.values("pk")).select_related("call__agent__team")
    ordering = ("-call__started_at", "call_id", "position")
    matched: QuerySet[TranscriptSegment, Any]
    rows: list[Any]
    if connection.vendor == "postgresql":
        question = DutchQuery(Value(query))
        condition = Matches(DutchVector(), question)
        headline = DutchHeadline(F("text"), question, Value(HEADLINE_OPTIONS))
        found = _few_page(condition, query, calls, limit)
        if found is not None:
            # Few lines say it: take them by the index, newest calls first, and only then the page.
            page = {pk: index for index, pk in enumerate(found)}
            chosen = TranscriptSegment.objects.filter(pk__in=page).select_related("call__agent__team")
            rows = sorted(chosen.annotate(headline=headline), key=lambda row: page[row.pk])
        else:
            # Many lines say it: walking the newest calls finds a page of them at once.
            rows = list(segments.filter(condition).annotate(headline=headline).order_by(*ordering)[: limit + 1])
    else:
        words = _words(query)
        matched = segments
        for word in words:
            matched = matched.filter(text__icontains=word)
        if not words:
            matched = matched.none()
        rows = list(matched.order_by(*ordering)[: limit + 1])
    hits = [
        Hit(
            segment=row,
            snippet=_marked(getattr(row, "headline", None) or _plain_highlight(row.text, _words(query))),
        )
        for row in rows[:limit]
    ]
    return hits, len(rows) > limit


MAX_QUERY = 200


def search_params(params: Any, *, allow_team: bool, strict: bool = False) -> dict[str, Any]:
    """The search's terms and filters, checked; a clear error names what is wrong.

    ``strict`` (the API): a filter that is given must have a value; a page's form sends "" for "all".
    """
    query = (params.get("q") or "").strip()
    fields: dict[str, list[str]] = {}
    if not query:
        fields["q"] = [_("Type the words or the “phrase” to look for.")]
    elif len(query) > MAX_QUERY:
        fields["q"] = [_("At most %(n)s characters.") % {"n": MAX_QUERY}]
    elif "\x00" in query:
        fields["q"] = [_("The words contain a character that cannot be searched for.")]
    channel = params.get("channel") or ""
    if (channel or (strict and "channel" in params)) and channel not in Channel.values:
        fields["channel"] = [_("Choose phone, chat or e-mail.")]
    team: int | None = None
    raw_team = params.get("team") or ""
    if raw_team or (strict and "team" in params):
        if not allow_team or not raw_team.isdigit() or len(raw_team) > 9:
            fields["team"] = [_("Choose one of the teams you may search.")]
        else:
            team = int(raw_team)
    if fields:
        raise DomainError(_("The search cannot run; see what is wrong."), code="invalid_search", fields=fields)
    return {"query": query, "channel": channel, "team_id": team}
