"""The permission matrix: every URL pattern, persona and method, checked against permission_matrix.toml.

The test walks Django's URL resolver: a route missing from the matrix fails the test (deny by
default: a new endpoint needs an explicit entry). Every cell is exercised with the personas
against objects that belong to the first team's agent (alice), so the colleague, the other
team's agent and the other team's supervisor probe every object id of hers (BOLA). Each
request runs in a savepoint that is rolled back, so the cells do not affect each other.

Codes: A allowed (any answer but 401/403/404/405, below 500, not a login redirect),
F forbidden (403), I invisible (404), L log in first (401 on the API, redirect to the login
page for pages), N method not allowed (405).

To redraft the file after adding routes: ``MATRIX_RECORD=1 python dev.py test tests/security -k matrix``
writes what it observed to permission_matrix.observed.toml; review it before copying it over.
"""

from __future__ import annotations

import os
import re
import tomllib
from pathlib import Path

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLResolver, get_resolver
from rest_framework.test import APIClient

from tests.security.conftest import Scene

pytestmark = pytest.mark.django_db

MATRIX = Path(__file__).with_name("permission_matrix.toml")
PERSONAS = ["agent", "colleague", "other_agent", "supervisor", "other_supervisor", "qa_lead", "council", "admin"]
COLUMNS = [*PERSONAS, "anonymous"]
SKIPPED_PREFIXES = ("admin/",)  # Django's admin: one entry, "GET admin/", stands for it


def normalise(route: str) -> str:
    route = route.replace("^", "").replace("$", "")
    route = re.sub(r"\(\?P<(\w+)>[^)]*\)", r"<\1>", route)
    route = re.sub(r"<(?:int|str|slug|path):(\w+)>", r"<\1>", route)
    return "/" + route


def routes() -> dict[str, list[str]]:
    """{normalised route: methods} for every URL pattern (format-suffix twins folded into their base)."""
    found: dict[str, list[str]] = {}

    def walk(patterns, prefix=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(pattern.url_patterns, prefix + str(pattern.pattern))
            else:
                yield prefix + str(pattern.pattern), pattern

    for raw, pattern in walk(get_resolver().url_patterns):
        if raw.startswith(SKIPPED_PREFIXES) or "format>" in raw or "drf_format_suffix" in raw:
            continue
        callback = pattern.callback
        actions = getattr(callback, "actions", None)
        view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
        if actions:
            methods = sorted(m.upper() for m in actions if m != "head")  # DRF adds HEAD as GET once called
        elif view_class is not None:
            methods = sorted(
                m.upper()
                for m in view_class.http_method_names
                if m not in ("options", "head") and hasattr(view_class, m)
            )
        else:
            methods = ["GET", "POST"]  # function views: both are exercised, 405 where refused
        found[normalise(raw)] = methods
    found["/admin/"] = ["GET"]
    return found


# Which object a route's <pk> names, by the route's first segment(s).
OBJECT_OF = {
    "/api/v1/calls/": "call",
    "/api/v1/evaluations/": "evaluation",
    "/api/v1/alerts/": "alert",
    "/api/v1/appeals/": "appeal",
    "/api/v1/threshold-rules/": "rule",
    "/api/v1/scoring-runs/": "scoring_run",
    "/api/v1/agent-scores/": "agent_score",
    "/api/v1/calibration-sessions/": "calibration",
    "/api/v1/call-imports/": "call_import",
    "/api/v1/sampling-policies/": "policy",
    "/api/v1/sampling-runs/": "sampling_run",
    "/api/v1/review-assignments/": "assignment",
    "/api/v1/scorecards/": "scorecard",
    "/api/v1/scorecard-versions/": "scorecard_version",
    "/api/v1/sections/": "section",
    "/api/v1/criteria/": "criterion",
    "/api/v1/critical-error-types/": "error_type",
    "/api/v1/root-causes/": "root_cause",
    "/api/v1/confirmation-tasks/": "confirmation",
    "/api/v1/coaching-plans/": "coaching_plan",
    "/api/v1/self-evaluations/": "self_evaluation",
    "/api/v1/screening-lists/": "screening_list",
    "/screening/": "screening_list",
    "/self-evaluations/": "self_evaluation",
    "/coaching/": "coaching_plan",
    "/confirmations/": "confirmation",
    "/root-causes/": "root_cause",
    "/api/v1/teams/": "team",
    "/api/v1/users/": "user",
    "/calls/": "call",
    "/evaluations/": "evaluation",
    "/alerts/": "alert",
    "/appeals/": "appeal",
    "/rules/": "rule",
    "/runs/": "scoring_run",
    "/sampling/runs/": "sampling_run",
    "/imports/": "call_import",
    "/calibration/": "calibration",
    "/scorecard-versions/": "scorecard_version",
    "/council/versions/": "rule_version",
}


def concrete(route: str, scene: Scene) -> str:
    kind = next(
        (kind for prefix, kind in sorted(OBJECT_OF.items(), key=lambda i: -len(i[0])) if route.startswith(prefix)), None
    )
    url = route
    if "<pk>" in url:
        assert kind is not None, f"no object for {route}"
        url = url.replace("<pk>", str(scene.ids[kind]))
    version = scene.ids["screening_version" if route.startswith("/screening/") else "rule_version"]
    url = url.replace("<error_id>", str(scene.ids["error"])).replace("<version_id>", str(version))
    assert "<" not in url, url
    return url


RATIONALE = "Opname teruggeluisterd en met de medewerker besproken."

# Bodies that pass validation, so that a write reaches the rule deciding who may do it
# (an empty body would stop at validation for every role alike).
PAYLOADS = {
    "POST /api/v1/appeals/<pk>/decide/": lambda scene, world: {
        "rationale": RATIONALE,
        "items": [{"item": item, "overturned": False, "rationale": "Beoordeeld."} for item in scene.appeal_items],
    },
    "POST /api/v1/appeals/<pk>/assign/": lambda scene, world: {"assignee": world.qa_lead.pk},
    "POST /api/v1/alerts/<pk>/confirm/": lambda scene, world: {"rationale": RATIONALE},
    "POST /api/v1/alerts/<pk>/dismiss/": lambda scene, world: {"rationale": RATIONALE},
    "POST /api/v1/threshold-rules/<pk>/consent/": lambda scene, world: {
        "decision": "granted",
        "reference": "OR-besluit 2026-14",
        "population": "Alle agenten",
    },
    "POST /api/v1/threshold-rules/<pk>/nullify/": lambda scene, world: {"reason": "Nietig: geen instemming gevraagd."},
    "POST /api/v1/screening-lists/": lambda scene, world: {
        "name": "Nieuwe lijst",
        "purpose": "Signalen vinden.",
        "phrases": ["bijverdiensten"],
    },
    "POST /api/v1/screening-lists/<pk>/revise/": lambda scene, world: {
        "purpose": "Signalen vinden.",
        "phrases": ["zwart werk", "bijverdiensten"],
    },
    "POST /api/v1/screening-lists/<pk>/consent/": lambda scene, world: {
        "decision": "granted",
        "reference": "OR-besluit 2026-31",
        "population": "Alle medewerkers",
    },
    "POST /api/v1/screening-lists/<pk>/nullify/": lambda scene, world: {"reason": "Nietig: geen evenredige grondslag."},
    "POST /api/v1/evaluations/<pk>/critical-errors/": lambda scene, world: {
        "type": "UNREPORTED_SIGNAL",
        "offset_seconds": 1,
        "note": "Gehoord in het gesprek.",
        "root_cause": "KNOWLEDGE_GAP",
    },
    "POST /api/v1/evaluations/<pk>/critical-errors/<error_id>/root-cause/": lambda scene, world: {
        "root_cause": "TIME_PRESSURE",
        "reason": "De afhandeltijdnorm liet geen ruimte.",
    },
    "POST /api/v1/root-causes/": lambda scene, world: {
        "code": "NEW_CAUSE",
        "kind": "systemic",
        "label_nl": "Nieuwe oorzaak",
        "label_en": "New cause",
    },
    "POST /api/v1/root-causes/<pk>/revise/": lambda scene, world: {"label_en": "Knowledge gap (revised)"},
    "POST /api/v1/confirmation-tasks/<pk>/answer/": lambda scene, world: {"found": True},
    "POST /api/v1/confirmation-tasks/<pk>/decide/": lambda scene, world: {"confirmed": True, "rationale": RATIONALE},
    "POST /confirmations/<pk>/answer/": lambda scene, world: {"found": "yes"},
    "PUT /api/v1/calls/<pk>/transcript/": lambda scene, world: {
        "segments": [{"start": 0, "end": 2, "speaker": "agent", "text": "Goedemorgen."}]
    },
    "PUT /api/v1/calls/<pk>/messages/": lambda scene, world: {
        "messages": [{"time": 0, "side": "agent", "text": "Goedemorgen."}]
    },
    "POST /api/v1/scorecard-versions/<pk>/self-evaluation/": lambda scene, world: {"enabled": True},
    "POST /api/v1/self-evaluations/<pk>/submit/": lambda scene, world: {"answers": []},
    "POST /api/v1/coaching-plans/": lambda scene, world: {"agent": world.agent.pk, "goals": "Melden oefenen."},
    "POST /api/v1/coaching-plans/<pk>/sessions/": lambda scene, world: {
        "held_on": "2026-11-30",
        "notes": "Samen teruggeluisterd.",
    },
    "POST /api/v1/coaching-plans/<pk>/comment/": lambda scene, world: {"comment": "Mijn kant."},
    "POST /api/v1/coaching-plans/<pk>/close/": lambda scene, world: {"status": "completed"},
    "POST /coaching/open/": lambda scene, world: {"agent": world.agent.pk, "goals": "Melden oefenen."},
    "POST /coaching/<pk>/session/": lambda scene, world: {"held_on": "2026-11-30", "notes": "Samen teruggeluisterd."},
    "POST /coaching/<pk>/comment/": lambda scene, world: {"comment": "Mijn kant."},
    "POST /coaching/<pk>/close/": lambda scene, world: {"status": "completed", "confirmed": "yes"},
    "POST /confirmations/<pk>/decide/": lambda scene, world: {"confirmed": "yes", "rationale": RATIONALE},
    "POST /evaluations/<pk>/critical-errors/<error_id>/root-cause/": lambda scene, world: {
        f"cause{scene.ids['error']}-root_cause": "TIME_PRESSURE",
        f"cause{scene.ids['error']}-reason": "De afhandeltijdnorm liet geen ruimte.",
    },
    "PATCH /api/v1/evaluations/<pk>/": lambda scene, world: {"summary": "Aangepast."},
}


def observe(route: str, method: str, persona: str, world, scene: Scene) -> str:
    url = concrete(route, scene)
    payload = PAYLOADS.get(f"{method} {route}")
    body = payload(scene, world) if payload else None
    api = route.startswith("/api/")
    if api:
        api_client = APIClient()
        if persona != "anonymous":
            api_client.force_authenticate(world.by_name(persona))
        client: Client = api_client
    else:
        client = Client()
        if persona != "anonymous":
            client.force_login(world.by_name(persona))
    with transaction.atomic():
        if api and method != "GET":
            response = getattr(client, method.lower())(url, body, format="json")
        elif body is not None:  # a page's form, posted as a browser does
            response = client.post(url, body)
        else:
            response = getattr(client, method.lower())(url)
        transaction.set_rollback(True)
    status = response.status_code
    if status >= 500:
        return f"E{status}"
    logout = route.endswith("/logout/")  # back at the login page is what logging out means
    if status == 401 or (not logout and status in (301, 302) and "/login/" in response.get("Location", "")):
        return "L"
    return {403: "F", 404: "I", 405: "N"}.get(status, "A")


def test_every_route_is_in_the_matrix_and_the_matrix_has_no_stale_routes():
    expected = tomllib.loads(MATRIX.read_text())["routes"]
    keys = {f"{method} {route}" for route, methods in routes().items() for method in methods}
    missing = sorted(keys - set(expected))
    stale = sorted(set(expected) - keys)
    assert not missing, f"routes without an entry in {MATRIX.name} (deny by default): {missing}"
    assert not stale, f"entries for routes that no longer exist: {stale}"


def test_every_cell_of_the_matrix_holds(world, scene):
    expected = tomllib.loads(MATRIX.read_text())["routes"]
    observed: dict[str, str] = {}
    wrong = []
    for route, methods in sorted(routes().items()):
        for method in methods:
            key = f"{method} {route}"
            cells = [observe(route, method, persona, world, scene) for persona in COLUMNS]
            observed[key] = " ".join(cells)
            want = expected.get(key, "").split()
            for persona, got, should in zip(COLUMNS, cells, want or ["?"] * len(COLUMNS), strict=True):
                if got != should:
                    wrong.append(f"{key} as {persona}: expected {should}, got {got}")
    if os.environ.get("MATRIX_RECORD"):
        lines = ["[routes]"] + [f'"{key}" = "{value}"' for key, value in observed.items()]
        MATRIX.with_name("permission_matrix.observed.toml").write_text("\n".join(lines) + "\n")
    assert not [w for w in wrong if " got E" in w], [w for w in wrong if " got E" in w]
    assert not wrong, "\n".join(wrong[:80]) + f"\n({len(wrong)} cells differ)"
