"""The evidence links of open alerts, as a scoring chunk reads them: once for every rule."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Mapping

from reviews.models import AlertEvidence


def alert_links(alert_ids: Collection[int]) -> dict[int, set[int]]:
    """For each of these alerts, the critical errors it is linked to (empty where none)."""
    links: dict[int, set[int]] = defaultdict(set)
    if alert_ids:
        for alert_id, error_id in AlertEvidence.objects.filter(alert_id__in=alert_ids).values_list(
            "alert_id", "critical_error_id"
        ):
            links[alert_id].add(error_id)
    return links


def alerts_missing_links(found: Mapping[int, Collection[int]]) -> set[int]:
    """Of ``found`` (alert id: the critical errors a run found for it), the alerts not yet linked to
    all of them: one read of their links (about 18,000 rows for 250 agents at 10,000 agents)."""
    known = alert_links(found)
    return {alert_id for alert_id, errors in found.items() if not known[alert_id].issuperset(errors)}
