"""The screening matcher: Dutch stems, the phrase's order, the allowed gap, and no stop word dropped."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reviews.domain.screening import Matcher, dutch_stemmer, read_phrases

STEM = dutch_stemmer()


def matcher(*phrases: str, gap: int = 2) -> Matcher:
    found, problems = read_phrases(phrases, STEM)
    assert problems == {}
    return Matcher(found, max_gap=gap, stem=STEM)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Wij zijn samenwonend sinds mei.", "samenwonen"),
        ("Dat heb ik niet aan jullie doorgegeven.", "niet doorgegeven"),
        ("Dat heb ik allemaal doorgegeven, niet vergeten.", None),
        ("Werk zwart? Nee hoor.", None),
        ("Af en toe wat zwart-werk in de horeca.", "zwart werk"),
        ("ZWART    WERK", "zwart werk"),
        ("", None),
    ],
)
def test_stems_order_and_gap(text, expected):
    found = matcher("samenwonen", "zwart werk", "niet doorgegeven").match(text)
    assert (found.text if found else None) == expected


def test_the_gap_is_the_number_of_other_words_allowed_between():
    text = "niet een twee drie doorgegeven"
    assert matcher("niet doorgegeven", gap=3).match(text) is not None
    assert matcher("niet doorgegeven", gap=2).match(text) is None


def test_a_later_occurrence_is_tried_when_the_first_leads_nowhere():
    # "werk" twice within the gap after "zwart": only the second has "contant" within the gap after it.
    assert matcher("zwart werk contant", gap=1).match("zwart werk werk x contant") is not None


@given(st.lists(st.sampled_from(["zwart", "werk", "niet", "wel", "doorgegeven", "x"]), max_size=12))
def test_a_match_means_the_words_stand_in_order_within_the_gap(words):
    found = matcher("zwart werk", "niet doorgegeven", gap=1).match(" ".join(words))
    stems = [STEM(w) for w in words]

    def present(first: str, second: str) -> bool:
        return any(stems[i] == STEM(first) and STEM(second) in stems[i + 1 : i + 3] for i in range(len(stems)))

    assert (found is not None) == (present("zwart", "werk") or present("niet", "doorgegeven"))


def test_faulty_phrases_are_named_by_their_place():
    phrases, problems = read_phrases(["zwart werk", "  ", "een twee drie vier vijf zes zeven", "Zwart werk"], STEM)
    assert [p.text for p in phrases] == ["zwart werk"]
    assert set(problems) == {"phrases.2", "phrases.3", "phrases.4"}
    assert read_phrases([], STEM)[1] == {"phrases": ["Name at least one phrase."]}
