"""The Dutch and English catalogues are complete, compiled, and match the texts in the code."""

from __future__ import annotations

import shutil
from pathlib import Path

import polib
from django.conf import settings
from django.core.management import call_command

LOCALE = Path(settings.BASE_DIR) / "locale"


def catalogue(language: str, root: Path = LOCALE) -> polib.POFile:
    return polib.pofile(str(root / language / "LC_MESSAGES" / "django.po"))


def test_every_text_is_translated_in_dutch_and_english():
    for language in ("nl", "en"):
        po = catalogue(language)
        assert po.untranslated_entries() == [], language
        assert po.fuzzy_entries() == [], language
        assert len(po) > 300


def test_the_catalogues_hold_exactly_the_texts_marked_in_the_code(tmp_path, settings, monkeypatch):
    """makemessages (GNU gettext) over a scratch copy of the code finds no text missing from or extra to
    the catalogues (the copy keeps the real catalogues untouched)."""
    assert shutil.which("xgettext"), "GNU gettext is needed to extract texts (.ci/run installs it)"
    root = Path(settings.BASE_DIR)
    for package in ("accounts", "reviews", "qa_review", "locale"):
        shutil.copytree(root / package, tmp_path / package, ignore=shutil.ignore_patterns("__pycache__", "*.mo"))
    scratch = tmp_path / "locale"
    settings.LOCALE_PATHS = [scratch]
    monkeypatch.chdir(tmp_path)
    call_command(
        "makemessages",
        locale=["nl"],
        ignore_patterns=[],
        no_location=True,
        verbosity=0,
    )
    extracted = {(e.msgid, e.msgid_plural) for e in catalogue("nl", scratch) if not e.obsolete}
    committed = {(e.msgid, e.msgid_plural) for e in catalogue("nl") if not e.obsolete}
    assert extracted - committed == set(), "texts in the code without a translation: run makemessages"
    assert committed - extracted == set(), "translations of texts no longer in the code"


def test_the_compiled_catalogue_is_used(client):
    from django.utils import translation
    from django.utils.translation import trans_real

    with translation.override("nl"):
        assert translation.gettext("Work queue") == "Werkvoorraad"
    with translation.override("en"):
        assert translation.gettext("Work queue") == "Work queue"
    # English texts equal their msgids, so the line above would pass without a catalogue: check that
    # the compiled English catalogue is the one loaded, holding the page texts.
    english = trans_real.translation("en")._catalog  # type: ignore[attr-defined]
    assert "Work queue" in english and "Log in" in english
