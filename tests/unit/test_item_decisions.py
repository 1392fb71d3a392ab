"""Deciding an appeal's items, as a pure rule: complete, reasoned, and corrections that fit."""

from reviews.domain.appeals import ItemDecision, ItemToDecide, check_item_decisions
from reviews.domain.scoring import AnswerValue, CriterionSpec

ERROR_ITEM = ItemToDecide(item_id=1)
ANSWER_ITEM = ItemToDecide(item_id=2, criterion=CriterionSpec(criterion_id=7, max_points=4, na_allowed=False))
ITEMS = {1: ERROR_ITEM, 2: ANSWER_ITEM}
RATIONALE = "Na terugluisteren is het beeld anders."


def check(decisions, rationale=RATIONALE):
    return check_item_decisions(items=ITEMS, decisions=decisions, rationale=rationale, min_rationale_chars=20)


def test_a_complete_decision_passes_with_the_correction_of_an_overturned_answer():
    fields, corrections = check(
        [ItemDecision(1, True, "Geen signaal."), ItemDecision(2, True, "Wel uitgelegd.", corrected_points=3)]
    )
    assert fields == {}
    assert corrections == {7: AnswerValue(criterion_id=7, points=3, not_applicable=False)}


def test_every_item_needs_a_decision_and_a_reason_and_the_whole_a_rationale():
    fields, corrections = check([ItemDecision(2, False, " "), ItemDecision(9, False, "x")], rationale="Kort.")
    assert set(fields) == {"rationale", "items", "items[2]"}
    assert fields["items"] == ["Decide every item; missing: [1].", "Not items of this appeal: [9]."]
    assert corrections == {}


def test_a_correction_must_fit_its_criterion():
    fields, _ = check([ItemDecision(1, False, "Klopt."), ItemDecision(2, True, "Anders.", corrected_points=9)])
    assert list(fields) == ["items[2]"]
    fields, _ = check(
        [ItemDecision(1, False, "Klopt."), ItemDecision(2, True, "Anders.", corrected_not_applicable=True)]
    )
    assert list(fields) == ["items[2]"]


def test_an_items_reason_has_a_minimum_length():
    decisions = [ItemDecision(1, False, "Ok."), ItemDecision(2, False, "Klopt, het antwoord staat.")]
    fields, _ = check_item_decisions(
        items=ITEMS, decisions=decisions, rationale=RATIONALE, min_rationale_chars=20, min_item_chars=10
    )
    assert list(fields) == ["items[1]"]
    assert str(fields["items[1]"][0]) == "Explain this item's decision in at least 10 characters."


def test_uphold_all_keeps_every_item_uncorrected_and_gives_a_reasonless_item_the_overall_rationale():
    from reviews.domain.appeals import uphold_all

    upheld = uphold_all(
        [ItemDecision(1, True, "Eigen reden bij de fout."), ItemDecision(2, True, " ", corrected_points=3)], RATIONALE
    )
    assert upheld == [ItemDecision(1, False, "Eigen reden bij de fout."), ItemDecision(2, False, RATIONALE)]
