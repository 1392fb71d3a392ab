"""Fair sampling: a uniform, reproducible draw per agent and a balanced assignment to reviewers.

Pure Python. The same seed, period and eligible calls give the same draw on any machine:
each agent's draw has its own generator, seeded from (seed, period, agent), so one agent's
draw never depends on another agent's calls.
"""

from __future__ import annotations

import heapq
import random
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass


def draw_size(*, calls_per_agent: int, per_agent_cap: int, targeted: int, eligible: int) -> int:
    """How many calls of an agent to draw: the policy's number, within the cap left after targeted reviews."""
    return max(0, min(calls_per_agent, per_agent_cap - targeted, eligible))


def draw_calls(*, seed: int, period: str, agent_id: int, eligible_call_ids: Sequence[int], k: int) -> list[int]:
    """k of the agent's eligible calls, uniformly at random without replacement, reproducibly."""
    ordered = sorted(eligible_call_ids)
    if k >= len(ordered):
        return ordered
    generator = random.Random(f"{seed}:{period}:{agent_id}")
    return sorted(generator.sample(ordered, k))


@dataclass(frozen=True)
class Draw:
    agent_id: int
    call_id: int


class NoReviewer(Exception):
    def __init__(self, agent_id: int):
        super().__init__(f"No reviewer may review agent {agent_id}'s calls under this policy.")
        self.agent_id = agent_id


def assign_reviewers(
    draws: Iterable[Draw],
    *,
    reviewer_ids: Sequence[int],
    excluded: Mapping[int, frozenset[int]],
    seed: int,
) -> dict[int, int]:
    """{call id: reviewer id}: each call to the least-loaded reviewer allowed for its agent.

    ``excluded``: per agent, reviewers who may not review them (their own supervisors). Ties are
    broken by a seeded order of the reviewers, so the assignment is as reproducible as the draw.
    With no exclusions the loads differ by at most one; with exclusions they stay close.
    """
    tie_order = sorted(reviewer_ids)
    random.Random(f"{seed}:reviewers").shuffle(tie_order)
    rank = {reviewer: position for position, reviewer in enumerate(tie_order)}
    heap = [(0, rank[reviewer], reviewer) for reviewer in tie_order]
    heapq.heapify(heap)
    # Calls in a seeded random order, so that agents with different excluded reviewers interleave
    # and no group of agents gets the reviewers' spare capacity first.
    ordered = sorted(draws, key=lambda d: (d.agent_id, d.call_id))
    random.Random(f"{seed}:calls").shuffle(ordered)
    assignment: dict[int, int] = {}
    for draw in ordered:
        blocked = excluded.get(draw.agent_id, frozenset())
        set_aside = []
        while heap and heap[0][2] in blocked:
            set_aside.append(heapq.heappop(heap))
        if not heap:
            raise NoReviewer(draw.agent_id)
        load, position, reviewer = heapq.heappop(heap)
        assignment[draw.call_id] = reviewer
        heapq.heappush(heap, (load + 1, position, reviewer))
        for entry in set_aside:
            heapq.heappush(heap, entry)
    return assignment
