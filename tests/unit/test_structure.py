"""The structure the codebase promises (docs/architecture.md), checked so it stays true."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("reviews", "accounts", "qa_review")
MAX_MODULE_LINES = 400
# The ecosystem's own conventions (datetime, gettext, numpy, hypothesis strategies); any other alias
# must say what it is.
ALLOWED_SHORT_ALIASES = {"dt", "_", "np", "st"}


def source_files() -> list[Path]:
    return [path for package in PACKAGES for path in (ROOT / package).rglob("*.py") if "migrations" not in path.parts]


def test_no_module_grows_past_400_lines() -> None:
    long = {
        str(p.relative_to(ROOT)): n for p in source_files() if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert long == {}, "split these into a package by feature (STYLE.md 10)"


def test_page_views_read_through_selectors_not_model_managers() -> None:
    offenders = []
    for path in sorted((ROOT / "reviews/web/views").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Attribute) and node.attr in {"objects", "_default_manager"}:
                offenders.append(f"{path.relative_to(ROOT)}:{node.lineno}")
    assert offenders == [], "page views query through reviews/selectors (STYLE.md 6)"


def test_module_aliases_say_what_they_are() -> None:
    short = []
    for path in source_files() + list((ROOT / "tests").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import | ast.ImportFrom):
                for alias in node.names:
                    if alias.asname and len(alias.asname) <= 3 and alias.asname not in ALLOWED_SHORT_ALIASES:
                        short.append(f"{path.relative_to(ROOT)}:{node.lineno} as {alias.asname}")
    assert short == []


AUDIT_WRITERS = {"audit_record", "PendingEvent", "background_run_fail"}


def test_every_audit_action_written_in_the_code_is_in_the_registry() -> None:
    from reviews.models.audit import AuditAction

    registered = set(AuditAction.values)
    written: set[str] = set()
    for path in source_files():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", "")) in AUDIT_WRITERS:
                for keyword in node.keywords:
                    if keyword.arg == "action" and isinstance(keyword.value, ast.Constant):
                        written.add(str(keyword.value.value))
    assert written == set(), f"use AuditAction members, not strings: {sorted(written)}"
    assert all(value.count(".") == 2 for value in registered)
