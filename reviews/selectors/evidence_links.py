"""Which open alerts lack some of the evidence a run found: read once per chunk, for every rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping

from reviews.models import AlertEvidence


def alerts_missing_links(found: Mapping[int, Collection[int]]) -> set[int]:
    """Of ``found`` (alert id: the critical errors a run found for it), the alerts not yet linked to
    all of them: one read of their links (about 18,000 rows for 250 agents at 10,000 agents)."""
    if not found:
        return set()
    known: dict[int, set[int]] = defaultdict(set)
    for alert_id, error_id in AlertEvidence.objects.filter(alert_id__in=found).values_list(
        "alert_id", "critical_error_id"
    ):
        known[alert_id].add(error_id)
    return {alert_id for alert_id, errors in found.items() if not known[alert_id].issuperset(errors)}
