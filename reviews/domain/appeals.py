"""Appeals: deadlines in working days, and the outcome that follows from the items' decisions."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from reviews.domain.scoring import AnswerValue, CriterionSpec, answer_problems
from reviews.domain.texts import gettext_noop
from reviews.domain.transitions import AppealState


@dataclass(frozen=True)
class ItemDecision:
    """The handler's decision on one appealed item (a critical error or an answer)."""

    item_id: int
    overturned: bool
    rationale: str
    corrected_points: int | None = None
    corrected_not_applicable: bool = False


@dataclass(frozen=True)
class ItemToDecide:
    """An appealed item: an answer carries its criterion (a correction must fit it), a critical error none."""

    item_id: int
    criterion: CriterionSpec | None = None


def check_item_decisions(
    *,
    items: Mapping[int, ItemToDecide],
    decisions: Sequence[ItemDecision],
    rationale: str,
    min_rationale_chars: int,
    min_item_chars: int = 1,
) -> tuple[dict[str, list[str]], dict[int, AnswerValue]]:
    """Every item decided, each with a reason of at least ``min_item_chars`` characters, each overturned
    answer with a correction that fits its criterion, and a rationale for the whole of at least
    ``min_rationale_chars``. Returns the problems per field and the corrections."""
    fields: dict[str, list[str]] = {}
    if len(rationale.strip()) < min_rationale_chars:
        fields["rationale"] = [
            gettext_noop("Explain the decision in at least %(n)s characters.", n=min_rationale_chars)
        ]
    by_item = {d.item_id: d for d in decisions}
    missing = sorted(set(items) - set(by_item))
    unknown = sorted(set(by_item) - set(items))
    if missing:
        fields["items"] = [gettext_noop("Decide every item; missing: %(ids)s.", ids=missing)]
    if unknown:
        fields.setdefault("items", []).append(gettext_noop("Not items of this appeal: %(ids)s.", ids=unknown))
    corrections: dict[int, AnswerValue] = {}
    for item_id, decision in by_item.items():
        item = items.get(item_id)
        if item is None:
            continue
        key = f"items[{item_id}]"
        if not decision.rationale.strip():
            fields[key] = [gettext_noop("Give the reason for this item's decision.")]
        elif len(decision.rationale.strip()) < min_item_chars:
            fields[key] = [gettext_noop("Explain this item's decision in at least %(n)s characters.", n=min_item_chars)]
        elif item.criterion is not None and decision.overturned:
            points = None if decision.corrected_not_applicable else decision.corrected_points
            problems = answer_problems(item.criterion, points=points, not_applicable=decision.corrected_not_applicable)
            if problems:
                fields[key] = problems
            else:
                corrections[item.criterion.criterion_id] = AnswerValue(
                    criterion_id=item.criterion.criterion_id,
                    points=points,
                    not_applicable=decision.corrected_not_applicable,
                )
    return fields, corrections


def uphold_all(decisions: Sequence[ItemDecision], rationale: str) -> list[ItemDecision]:
    """Every item stands, uncorrected (the handler's "uphold all items"); an item without its own reason
    takes the overall rationale, which has its own minimum length."""
    return [
        replace(
            d,
            overturned=False,
            rationale=d.rationale if d.rationale.strip() else rationale,
            corrected_points=None,
            corrected_not_applicable=False,
        )
        for d in decisions
    ]


def add_working_days(start: dt.date, days: int) -> dt.date:
    """The date ``days`` working days (Monday to Friday) after ``start``."""
    if days < 0:
        raise ValueError("days must not be negative")
    current = start
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def within_window(*, shown_on: dt.date, today: dt.date, window_days: int) -> bool:
    """An agent may appeal up to and including ``window_days`` calendar days after the evaluation was shown."""
    return shown_on <= today <= shown_on + dt.timedelta(days=window_days)


def appeal_outcome(item_overturned: Iterable[bool]) -> AppealState:
    """All items upheld: upheld. All overturned: overturned. Otherwise partially overturned."""
    decisions = list(item_overturned)
    if not decisions:
        raise ValueError("an appeal has at least one item")
    if all(decisions):
        return AppealState.OVERTURNED
    if any(decisions):
        return AppealState.PARTIALLY_OVERTURNED
    return AppealState.UPHELD
