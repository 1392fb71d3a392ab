"""The works council's views on a seeded world with known answers."""

import datetime as dt
import re

import pytest
import time_machine
from django.db import connection, transaction
from django.test import Client
from django.utils import timezone

from accounts.models import User
from accounts.pseudonyms import pseudonym_for
from reviews.models import Alert, AuditEvent
from reviews.services.alerts import alert_decide, alert_view_evidence
from tests.conftest import client_for
from tests.helpers import active_rule, run_scoring_inline, scored_call

pytestmark = pytest.mark.django_db
# The council's tables cover one calendar quarter (the last complete one unless asked): these tests
# run in the middle of a fixed quarter and ask for it, so they hold on any day they are run.
THIS_QUARTER = {"start": "2026-10-01T00:00:00+02:00", "end": "2027-01-01T00:00:00+01:00"}


@pytest.fixture(autouse=True)
def mid_quarter():
    with time_machine.travel(dt.datetime(2026, 11, 16, 10, 0, tzinfo=dt.UTC), tick=True):
        yield


ENDPOINTS = [
    "/api/v1/works-council/rule-register/",
    "/api/v1/works-council/rule-usage/",
    "/api/v1/works-council/group-breakdown/",
    "/api/v1/works-council/reviewer-consistency/",
    "/api/v1/works-council/pressure-indicators/",
    "/api/v1/works-council/audit-log/",
]
RATIONALE = "Herhaald signaal gemist; waarschuwing bevestigd."


@pytest.fixture
def used_rule(world, published_version):
    """A contract-warning rule (N=1) that fired for alice (temp agency) and bob (permanent); both confirmed
    by the QA lead within seconds of opening the evidence."""
    start = timezone.now() - dt.timedelta(days=30)
    version = active_rule(qa_lead=world.qa_lead, council=world.council, at=start, n=1, level="contract_warning")
    for agent in (world.agent, world.colleague):
        scored_call(
            reviewer=world.supervisor,
            agent=agent,
            version=published_version,
            started_at=timezone.now() - dt.timedelta(days=2),
        )
    run_scoring_inline()
    for alert in Alert.objects.all():
        alert_view_evidence(alert=alert, acting_user=world.qa_lead)
        alert_decide(alert=alert, decision="confirm", rationale=RATIONALE, acting_user=world.qa_lead)
    return version


def test_only_the_works_council_reads_these_views(world, used_rule):
    for persona in ("agent", "supervisor", "qa_lead", "admin"):
        for url in ENDPOINTS:
            assert client_for(world.by_name(persona)).get(url).status_code == 403, (persona, url)


def test_small_cells_are_suppressed_with_the_default_k(world, used_rule):
    usage = client_for(world.council).get("/api/v1/works-council/rule-usage/", THIS_QUARTER).json()
    assert usage["k"] == 10
    (row,) = usage["rows"]
    assert row["agents_total"] is None and row["confirmed"] is None  # 2 people: below k=10
    assert sum(1 for key in ("open", "dismissed", "retracted", "quarantined") if row[key] is None) == 1  # its partner
    groups = client_for(world.council).get("/api/v1/works-council/group-breakdown/", THIS_QUARTER).json()
    assert all(r["with_confirmed_warning"] is None for r in groups["employment_type"])
    # A flag on a group whose counts are hidden would disclose something about it: hidden too.
    assert all(r["disparity_flag"] is None for r in groups["employment_type"])


def test_group_breakdown_flags_a_group_hit_harder_than_the_rest(world, used_rule, settings):
    settings.SMALL_CELL_K = 1
    groups = client_for(world.council).get("/api/v1/works-council/group-breakdown/", THIS_QUARTER).json()
    by_type = {r["group"]: r for r in groups["employment_type"]}
    # temp agency: alice, 1 of 1 warned; permanent: bob and charlie, 1 of 2; no fixed-term agents (not listed).
    assert (by_type["temp_agency"]["agents"], by_type["temp_agency"]["with_confirmed_warning"]) == (1, 1)
    assert by_type["temp_agency"]["confirmed_warning_rate"] == 1.0
    assert by_type["temp_agency"]["ratio_to_overall"] == 1.5  # 1.0 against 2 of 3 overall
    assert by_type["temp_agency"]["disparity_flag"] is True  # 1.0 > 1.25 x 0.5
    assert by_type["permanent"]["disparity_flag"] is False  # 0.5 against 1.0
    assert "fixed_term" not in by_type
    teams = {r["group"]: r for r in groups["team"]}
    assert teams["Team A"]["with_confirmed_warning"] == 2 and teams["Team A"]["disparity_flag"] is True


def test_a_decider_who_confirms_everything_within_seconds_is_flagged(world, used_rule, settings):
    settings.SMALL_CELL_K = 1
    settings.RUBBER_STAMP_MIN_DECISIONS = 2
    usage = client_for(world.council).get("/api/v1/works-council/rule-usage/", THIS_QUARTER).json()
    (decider,) = usage["deciders"]
    assert decider["decider"] == pseudonym_for(world.qa_lead.pk)
    assert (decider["decisions"], decider["confirmation_rate"]) == (2, 1.0)
    assert decider["rubber_stamp"] is True and decider["too_few_to_judge"] is False
    assert any("bevestigt 100%" in r for r in decider["rubber_stamp_reasons"])
    assert any("mediaan" in r for r in decider["rubber_stamp_reasons"])
    (row,) = usage["rows"]
    assert (row["agents_total"], row["confirmed"], row["open"]) == (2, 2, 0)


def test_two_decisions_are_too_few_to_call_anyone_a_rubber_stamp(world, used_rule, settings):
    """The default minimum (10 decisions): two quick confirmations say nothing about the person."""
    settings.SMALL_CELL_K = 1
    usage = client_for(world.council).get("/api/v1/works-council/rule-usage/", THIS_QUARTER).json()
    (decider,) = usage["deciders"]
    assert decider["decisions"] == 2
    assert (decider["rubber_stamp"], decider["rubber_stamp_reasons"], decider["too_few_to_judge"]) == (False, [], True)
    assert decider["median_seconds_evidence_to_decision"] is None
    page = Client()
    page.force_login(world.council)
    html = page.get("/council/usage/", {"start": "2026-10-01", "end": "2027-01-01"}).content.decode()
    assert "te weinig om te oordelen" in html


def test_the_register_shows_versions_a_readable_diff_and_who_changed_what(world, used_rule):
    from reviews.services.rules import rule_version_revise, terms_of

    terms = terms_of(used_rule)
    rule_version_revise(
        rule=used_rule.rule, terms=type(terms)(**{**terms.__dict__, "count_n": 2}), acting_user=world.qa_lead
    )
    (rule,) = client_for(world.council).get("/api/v1/works-council/rule-register/").json()["rules"]
    first, second = rule["versions"]
    assert first["consents"][0]["reference"] == "OR-2026-14"
    assert second["changes_from_previous"] == [{"field": "count_n", "from": 1, "to": 2}]
    assert [h["action"] for h in first["history"]][:2] == [
        "reviews.threshold_rule.drafted",
        "reviews.rule_version.proposed",
    ]
    assert first["history"][0]["by"] == pseudonym_for(world.qa_lead.pk)


def test_the_register_page_says_what_changed_in_words_never_in_codes(world, used_rule):
    from reviews.services.rules import rule_version_revise, terms_of

    terms = terms_of(used_rule)
    rule_version_revise(
        rule=used_rule.rule,
        terms=type(terms)(
            **{**terms.__dict__, "level": "formal_warning", "employment_types": frozenset({"temp_agency"})}
        ),
        acting_user=world.qa_lead,
    )
    client = Client()
    client.force_login(world.council)
    html = client.get("/council/").content.decode()
    changes = re.search(r"Wijzigingen ten opzichte van de vorige versie.*?</ul>", html, re.S)
    assert changes is not None
    text = re.sub(r"<[^>]+>", " ", changes.group(0))
    assert "Formele waarschuwing" in text and "Uitzendkracht" in text, text
    assert "_warning" not in text and "temp_agency" not in text


def test_no_name_username_or_email_appears_in_any_works_council_response(world, used_rule, settings):
    settings.SMALL_CELL_K = 1  # show as much as possible
    council = client_for(world.council)
    bodies = []
    for url in ENDPOINTS:
        for fmt in ("json", "csv"):
            response = council.get(url, {**THIS_QUARTER, "format": fmt})
            assert response.status_code == 200, (url, fmt, response.content[:200])
            bodies.append((f"{url}?format={fmt}", response.content.decode()))
    bodies.append(("/api/v1/audit/verify/", council.get("/api/v1/audit/verify/").content.decode()))
    browser = Client()
    browser.force_login(world.council)
    report = browser.get("/works-council/report/", THIS_QUARTER)
    assert report.status_code == 200
    bodies.append(("/works-council/report/", report.content.decode()))
    identifying = set()
    for user in User.objects.all():
        identifying |= {user.username, user.email, user.first_name, user.last_name} - {""}
    for url, body in bodies:
        for word in identifying:
            assert not re.search(rf"\b{re.escape(word)}\b", body), f"{word!r} appears in {url}"


def test_every_works_council_read_is_audited(world, used_rule):
    council = client_for(world.council)
    before = AuditEvent.objects.filter(action="reviews.works_council.viewed").count()
    for url in ENDPOINTS:
        council.get(url)
    assert AuditEvent.objects.filter(action="reviews.works_council.viewed").count() == before + len(ENDPOINTS)
    assert set(
        AuditEvent.objects.filter(action="reviews.works_council.viewed").values_list("object_id", flat=True)
    ) == {"rule-register", "rule-usage", "group-breakdown", "reviewer-consistency", "pressure-indicators", "audit-log"}


def test_csv_export_of_a_table(world, used_rule, settings):
    settings.SMALL_CELL_K = 1
    url = "/api/v1/works-council/group-breakdown/"
    response = client_for(world.council).get(url, {**THIS_QUARTER, "format": "csv"})
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    lines = response.content.decode().splitlines()
    assert lines[0].startswith("dimension,group,agents")
    assert any(line.startswith("employment_type,temp_agency,1,") for line in lines)


def test_verify_reports_the_head_and_detects_tampering(world, used_rule):
    council = client_for(world.council)
    ok = council.get("/api/v1/audit/verify/").json()
    assert ok["ok"] is True
    head = AuditEvent.objects.order_by("-sequence").first()
    # the verification itself is audited after the check, so the reported head is the one before it
    assert ok["head_sequence"] == head.sequence - 1
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
        cursor.execute("UPDATE reviews_auditevent SET action = 'reviews.forged' WHERE sequence = 3")
        cursor.execute("SET session_replication_role = DEFAULT")
    broken = council.get("/api/v1/audit/verify/").json()
    assert (broken["ok"], broken["first_broken_sequence"]) == (False, 3)
    assert client_for(world.agent).get("/api/v1/audit/verify/").status_code == 403


def test_pressure_indicators_by_handle_time_band(world, used_rule, settings):
    settings.SMALL_CELL_K = 1
    figures = client_for(world.council).get("/api/v1/works-council/pressure-indicators/", THIS_QUARTER).json()
    bands = {b["band"]: b for b in figures["handle_time_bands"]}
    assert bands["340-420 s"]["evaluations"] == 2  # scored_call uses 400 s
    assert bands["340-420 s"]["critical_error_rate"] == 1.0
    assert bands["< 340 s"]["agents"] is None  # nobody
    (month,) = figures["unreported_signal_share"]
    assert (month["critical_errors"], month["unreported_signal_share"]) == (2, 1.0)


def test_bad_parameters_are_400(world, used_rule):
    council = client_for(world.council)
    assert council.get("/api/v1/works-council/rule-usage/", {"period": "week"}).status_code == 400
    assert council.get("/api/v1/works-council/rule-usage/", {"start": "vorige maand"}).status_code == 400
    browser = Client()
    browser.force_login(world.council)
    assert browser.get("/works-council/report/", {"start": "gisteren"}).status_code == 400


def test_the_audit_log_filters_through_the_action_registry(world):
    from reviews.services.rules import threshold_rule_create
    from tests.helpers import rule_terms

    threshold_rule_create(name="Signalen", terms=rule_terms(), acting_user=world.qa_lead)
    client = client_for(world.council)
    drafted = client.get("/api/v1/works-council/audit-log/", {"action": "reviews.threshold_rule."}).json()
    assert {row["action"] for row in drafted["results"]} == {"reviews.threshold_rule.drafted"}
    # Outside the council's view, or not in the registry: nothing, whatever the stored rows say.
    assert client.get("/api/v1/works-council/audit-log/", {"action": "accounts."}).json()["results"] == []
    assert client.get("/api/v1/works-council/audit-log/", {"action": "reviews.made_up"}).json()["results"] == []


def test_what_counts_is_a_term_changed_only_by_a_new_consented_version(world, used_rule):
    from reviews.services.rules import rule_version_revise, terms_of

    assert (used_rule.count_targeted_reviews, used_rule.exclude_flagged_reviewers) == (False, False)
    terms = terms_of(used_rule)
    draft = rule_version_revise(
        rule=used_rule.rule,
        terms=type(terms)(**{**terms.__dict__, "count_targeted_reviews": True}),
        acting_user=world.qa_lead,
    )
    used_rule.refresh_from_db()
    assert used_rule.count_targeted_reviews is False  # the active, consented version is untouched
    assert draft.status == "draft" and draft.count_targeted_reviews is True
    (rule,) = client_for(world.council).get("/api/v1/works-council/rule-register/").json()["rules"]
    assert rule["versions"][1]["changes_from_previous"] == [
        {"field": "count_targeted_reviews", "from": False, "to": True}
    ]
    page = Client()
    page.force_login(world.council)
    assert "Fouten uit gerichte beoordelingen tellen mee: nee → ja" in re.sub(
        r"\s+", " ", re.sub(r"<[^>]+>", " ", page.get("/council/").content.decode())
    )


def test_the_deployments_old_settings_are_carried_into_existing_versions_and_audited(world, used_rule, monkeypatch):
    import importlib

    from django.apps import apps

    migration = importlib.import_module("reviews.migrations.0019_what_counts_is_a_consented_term")
    monkeypatch.setenv("TARGETED_REVIEWS_COUNT", "true")
    with transaction.atomic():
        migration.carry_over_settings(apps, None)
    used_rule.refresh_from_db()
    assert (used_rule.count_targeted_reviews, used_rule.exclude_flagged_reviewers) == (True, False)
    event = AuditEvent.objects.get(action="reviews.rule_version.terms_carried_over")
    assert (event.object_id, event.data) == (
        str(used_rule.pk),
        {"count_targeted_reviews": True, "exclude_flagged_reviewers": False},
    )


def test_a_quarter_never_gives_away_a_month_that_the_monthly_table_hides(world, settings):
    import time_machine

    from tests.factories import UserFactory

    settings.SMALL_CELL_K = 3
    version = active_rule(
        qa_lead=world.qa_lead, council=world.council, at=timezone.make_aware(dt.datetime(2026, 3, 1)), n=1
    )
    people = [UserFactory.create(username=f"q{i}", team=world.agent.team) for i in range(10)]
    # Confirmed alerts about 5 people in April, 4 in May and 1 in June.
    for month, group in ((4, people[:5]), (5, people[5:9]), (6, people[9:])):
        when = timezone.make_aware(dt.datetime(2026, month, 15, 12))
        with time_machine.travel(when, tick=False):
            for person in group:
                Alert.objects.create(
                    agent=person,
                    rule=version.rule,
                    rule_version=version,
                    status="confirmed",
                    decision="confirmed",
                    level=version.level,
                    as_of=when,
                    window_start=when - dt.timedelta(days=90),
                    window_end=when,
                )
    council = client_for(world.council)
    span = {"start": "2026-04-01T00:00:00+02:00", "end": "2026-07-01T00:00:00+02:00"}
    monthly = {r["period"]: r for r in council.get("/api/v1/works-council/rule-usage/", span).json()["rows"]}
    assert (monthly["2026-04"]["confirmed"], monthly["2026-05"]["confirmed"], monthly["2026-06"]["confirmed"]) == (
        5,
        4,
        None,
    )
    (quarter,) = council.get("/api/v1/works-council/rule-usage/", {**span, "period": "quarter"}).json()["rows"]
    # Shown, 10 would give June's 1 away as 10 - 5 - 4: the quarter hides it, and its total.
    assert quarter["period"] == "2026-Q2"
    assert (quarter["confirmed"], quarter["agents_total"]) == (None, None)


def test_the_unreported_signal_share_of_a_quarter_hides_with_any_hidden_month(world, published_version, settings):
    from tests.factories import UserFactory

    settings.SMALL_CELL_K = 3
    people = [UserFactory.create(username=f"s{i}", team=world.agent.team) for i in range(10)]
    for month, group in ((4, people[:5]), (5, people[5:9]), (6, people[9:])):
        for person in group:
            scored_call(
                reviewer=world.supervisor,
                agent=person,
                version=published_version,
                started_at=timezone.make_aware(dt.datetime(2026, month, 15, 12)),
            )
    span = {"start": "2026-04-01T00:00:00+02:00", "end": "2026-07-01T00:00:00+02:00"}
    council = client_for(world.council)
    monthly = council.get("/api/v1/works-council/pressure-indicators/", span).json()["unreported_signal_share"]
    assert [m["critical_errors"] for m in monthly] == [5, 4, None]
    quarterly = council.get("/api/v1/works-council/pressure-indicators/", {**span, "period": "quarter"}).json()
    assert [q["critical_errors"] for q in quarterly["unreported_signal_share"]] == [None]
