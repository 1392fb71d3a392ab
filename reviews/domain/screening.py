"""Matching a screening list's phrases against what was said. Pure Python.

A phrase is one to six words. It matches a line when the Dutch stems of its words occur in the line
in the phrase's order, with at most ``max_gap`` other words between two of them: "niet doorgegeven"
matches "heb ik niet aan jullie doorgegeven" with a gap of 2. Every word counts, stop words too, so
"niet" is never dropped from "niet doorgegeven". Stemming is Snowball's Dutch stemmer: "samenwonen"
also matches "samenwonend", "doorgeven" also "doorgegeven".
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import snowballstemmer

from reviews.domain.texts import Text, gettext_noop

WORD = re.compile(r"[^\W\d_]+")
MAX_PHRASES = 100
MAX_WORDS = 6
MAX_PHRASE_CHARS = 100
MAX_GAP = 5


def words(text: str) -> list[str]:
    """The words of a text, lower case; digits and punctuation separate words."""
    return WORD.findall(text.lower())


def dutch_stemmer() -> Callable[[str], str]:
    """Snowball's Dutch stemmer, remembering every word it has stemmed (speech repeats its words)."""
    stem_word = snowballstemmer.stemmer("dutch").stemWord
    cache: dict[str, str] = {}

    def stem(word: str) -> str:
        found = cache.get(word)
        if found is None:
            found = cache[word] = stem_word(word)
        return found

    return stem


@dataclass(frozen=True)
class Phrase:
    text: str
    stems: tuple[str, ...]


def read_phrases(lines: Iterable[str], stem: Callable[[str], str]) -> tuple[list[Phrase], dict[str, list[Text]]]:
    """The phrases, each problem under its place (``phrases.3``); duplicates by stem are refused."""
    phrases: list[Phrase] = []
    errors: dict[str, list[Text]] = {}
    seen: dict[tuple[str, ...], int] = {}
    items = list(lines)
    if not items:
        errors["phrases"] = [gettext_noop("Name at least one phrase.")]
    elif len(items) > MAX_PHRASES:
        errors["phrases"] = [gettext_noop("At most %(max)s phrases in one list.", max=MAX_PHRASES)]
        return [], errors
    for index, raw in enumerate(items, start=1):
        key = f"phrases.{index}"
        text = " ".join(raw.split()) if isinstance(raw, str) else ""
        found = words(text)
        if not found:
            errors[key] = [gettext_noop("A phrase needs at least one word (letters).")]
        elif len(text) > MAX_PHRASE_CHARS:
            errors[key] = [gettext_noop("At most %(max)s characters.", max=MAX_PHRASE_CHARS)]
        elif len(found) > MAX_WORDS:
            errors[key] = [gettext_noop("At most %(max)s words.", max=MAX_WORDS)]
        else:
            stems = tuple(stem(word) for word in found)
            if stems in seen:
                errors[key] = [gettext_noop("The same as phrase %(n)s.", n=seen[stems])]
            else:
                seen[stems] = index
                phrases.append(Phrase(text=text, stems=stems))
    return phrases, errors


class Matcher:
    """Finds the first phrase of a list that a line matches."""

    def __init__(self, phrases: Sequence[Phrase], *, max_gap: int, stem: Callable[[str], str]):
        if not 0 <= max_gap <= MAX_GAP:
            raise ValueError(f"max_gap must lie between 0 and {MAX_GAP}")
        self.max_gap = max_gap
        self.stem = stem
        self.by_first: dict[str, list[Phrase]] = defaultdict(list)
        for phrase in phrases:
            self.by_first[phrase.stems[0]].append(phrase)

    def match(self, text: str) -> Phrase | None:
        by_first = self.by_first
        stems = [self.stem(word) for word in words(text)]
        for position, stem in enumerate(stems):
            for phrase in by_first.get(stem, ()):
                if self._follows(stems, position, phrase.stems, 1):
                    return phrase
        return None

    def _follows(self, stems: list[str], position: int, wanted: tuple[str, ...], index: int) -> bool:
        """Whether wanted[index:] follows stems[position], each within the gap of the one before."""
        if index == len(wanted):
            return True
        end = min(len(stems), position + 2 + self.max_gap)
        return any(
            stems[next_position] == wanted[index] and self._follows(stems, next_position, wanted, index + 1)
            for next_position in range(position + 1, end)
        )
