"""Every page of every role, in Dutch, with the demo world: no raw code, no enumerated value, no English.

Texts are read as a person sees them (tag contents, not attributes). The English check uses the
English catalogue: any English sentence of the product whose Dutch differs must not show on a Dutch page.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from accounts.models import User
from reviews.models import (
    Alert,
    Appeal,
    Call,
    CriticalErrorType,
    Evaluation,
    ScorecardVersion,
    ScreeningList,
    SelfEvaluation,
    ThresholdRule,
)
from reviews.templatetags.labels import KINDS
from tests.conftest import ensure_seeded_error_types

pytestmark = pytest.mark.django_db

# English words the product stores as values; on a Dutch page they can only be a value that leaked.
ENGLISH_VALUES = {
    "proposed", "consented", "refused", "granted", "retired", "nullified", "draft", "published", "submitted",
    "acknowledged", "appealed", "overturned", "withdrawn", "confirmed", "dismissed", "retracted", "quarantined",
    "queued", "running", "succeeded", "failed", "phone", "sampled", "targeted", "unplanned", "complaint",
}  # fmt: skip


class VisibleText(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self.hidden = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in {"script", "style", "title"}:
            self.hidden += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in {"script", "style", "title"}:
            self.hidden -= 1

    def handle_data(self, data: str) -> None:
        if not self.hidden:
            self.parts.append(data)


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return re.sub(r"\s+", " ", " ".join(parser.parts))


def forbidden_values() -> set[str]:
    values = {code for code in CriticalErrorType.objects.values_list("code", flat=True)}
    for choices in KINDS.values():
        values |= {value for value in choices.values if "_" in value or value in ENGLISH_VALUES}
    return values


def english_sentences() -> set[str]:
    locale = Path(settings.BASE_DIR) / "locale"
    dutch = {e.msgid: e.msgstr for e in polib.pofile(str(locale / "nl/LC_MESSAGES/django.po"))}
    return {
        msgid
        for msgid, msgstr in dutch.items()
        if msgstr != msgid and len(msgid) >= 15 and " " in msgid and not re.search(r"[%{}<]", msgid)
    }


@pytest.fixture
def demo(settings, tmp_path) -> None:
    from reviews.demo import seed_demo

    settings.MEDIA_ROOT = tmp_path
    ensure_seeded_error_types()
    seed_demo(organisation=False)  # the personas' pages; the organisation's own test is test_seed_demo


def pages_of(username: str) -> list[str]:
    call = Call.objects.filter(agent__username="agent_a1").order_by("pk").first()
    evaluation = (
        Evaluation.objects.filter(call__agent__username__in=["agent_a1", "agent_b1"])
        .exclude(status="draft")
        .order_by("pk")
        .first()
    )
    details = {
        "supervisor_a": [f"/calls/{call.pk}/"] if call else [],
        "qa_lead": [
            f"/scorecard-versions/{ScorecardVersion.objects.order_by('pk').first().pk}/",
            *[f"/rules/{rule.pk}/" for rule in ThresholdRule.objects.all()],
            *[f"/appeals/{appeal.pk}/" for appeal in Appeal.objects.all()],
            *[f"/alerts/{alert.pk}/" for alert in Alert.objects.all()],
            *([f"/evaluations/{evaluation.pk}/"] if evaluation else []),
        ],
        "agent_b1": [
            f"/evaluations/{e.pk}/"
            for e in Evaluation.objects.filter(call__agent__username="agent_b1").exclude(status="draft")
        ],
        # An open invitation to self-evaluate (the scoring withheld), its form, and a submitted one's comparison.
        "agent_a2": [
            f"/evaluations/{s.evaluation_id}/" for s in SelfEvaluation.objects.filter(agent__username="agent_a2")
        ] + [f"/self-evaluations/{s.pk}/" for s in SelfEvaluation.objects.filter(agent__username="agent_a2")],
    }  # fmt: skip
    details["supervisor_a"] += [
        f"/evaluations/{s.evaluation_id}/" for s in SelfEvaluation.objects.filter(status="submitted")
    ]
    screening = [f"/screening/{pk}/" for pk in ScreeningList.objects.values_list("pk", flat=True)]
    common = {
        "supervisor_a": ["/queue/", "/dashboard/", "/search/?q=samenwonen", "/alerts/", "/appeals/",
                         "/calibration/", "/consistency/", "/screening/selected/"],
        "agent_b1": ["/me/", "/appeals/"],
        "agent_a2": ["/me/"],
        "qa_lead": ["/queue/", "/dashboard/", "/search/?q=bijverdiensten", "/scorecards/", "/rules/", "/runs/",
                    "/alerts/", "/appeals/", "/calibration/", "/consistency/", "/sampling/", "/imports/",
                    "/screening/", "/screening/selected/", *screening],
        "council": ["/council/", "/council/usage/", "/council/breakdown/", "/council/pressure/", "/council/audit/",
                    "/works-council/report/", "/screening/", *screening],
    }  # fmt: skip
    return common[username] + details.get(username, [])


@pytest.mark.parametrize("username", ["supervisor_a", "agent_b1", "agent_a2", "qa_lead", "council"])
def test_every_page_of_the_role_is_dutch_through_and_through(demo, username) -> None:
    client = Client()
    client.force_login(User.objects.get(username=username))
    forbidden, english = forbidden_values(), english_sentences()
    assert len(english) > 100 and "UNREPORTED_SIGNAL" in forbidden
    problems = []
    for path in pages_of(username):
        response = client.get(path)
        assert response.status_code == 200, path
        text = visible_text(response.content.decode())
        assert 'lang="nl"' in response.content.decode()[:300], path
        problems += [
            f"{path}: raw value {value!r}" for value in forbidden if re.search(rf"\b{re.escape(value)}\b", text)
        ]
        problems += [f"{path}: English {sentence!r}" for sentence in english if sentence in text]
    assert problems == [], "\n".join(problems)


def test_the_rule_form_offers_today_as_an_iso_date_the_date_picker_can_show(demo) -> None:
    client = Client()
    client.force_login(User.objects.get(username="qa_lead"))
    before = timezone.localdate().isoformat()
    html = client.get("/rules/").content.decode()
    after = timezone.localdate().isoformat()  # the page may be rendered just after midnight
    assert re.search(rf'<input type="date" name="effective_from" value="({before}|{after})"', html), "ISO date expected"


@pytest.mark.parametrize("username", ["supervisor_a", "agent_b1", "qa_lead", "council"])
def test_no_page_repeats_an_element_id_so_every_label_belongs_to_its_own_field(demo, username) -> None:
    from reviews.services.rules import rule_version_propose, threshold_rule_create
    from tests.helpers import rule_terms

    lead = User.objects.get(username="qa_lead")
    for name in ("Tweede voorstel", "Derde voorstel"):  # several forms of the same kind on the register
        rule = threshold_rule_create(name=name, terms=rule_terms(), acting_user=lead)
        rule_version_propose(version=rule.versions.get(), acting_user=lead)
    client = Client()
    client.force_login(User.objects.get(username=username))
    repeated = {}
    for path in pages_of(username):
        ids = re.findall(r'\sid="([^"]+)"', client.get(path).content.decode())
        twice = sorted({i for i in ids if ids.count(i) > 1})
        if twice:
            repeated[path] = twice
    assert repeated == {}
