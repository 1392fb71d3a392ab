"""What the works council sees: how rules are used, by whom, on whom. Pseudonymised and aggregated.

No name, username or e-mail leaves these functions: people appear as stable pseudonyms (keyed
HMAC), and every count of fewer than ``k`` people is suppressed (``reviews.domain.disclosure``).
"""

from __future__ import annotations

import datetime as dt
import statistics
from collections import defaultdict
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.db.models.functions import TruncMonth, TruncQuarter
from django.utils.translation import gettext as _

from accounts.pseudonyms import pseudonym_for
from reviews.domain.disclosure import suppress_table
from reviews.domain.periods import period_label, quarter_of
from reviews.models import Alert, AlertStatus, AuditAction, AuditEvent, RuleVersion
from reviews.selectors.consistency import reviewer_consistency
from reviews.selectors.council_groups import group_breakdown as group_breakdown  # re-exported
from reviews.selectors.council_pressure import pressure_indicators as pressure_indicators  # re-exported

TERMS = [
    "purpose",
    "count_n",
    "window_days",
    "level",
    "effective_from",
    "counted_types",
    "scope_teams",
    "scope_employment_types",
    "count_targeted_reviews",
    "exclude_flagged_reviewers",
    "exclude_systemic_causes",
    "requires_confirmation",
]
ALERT_STATUSES = [s.value for s in AlertStatus]
# What the council's audit view shows: every registered action about rules, consents, alerts and appeals.
# Reclassifying an error's root cause changes what counts toward rules that leave systemic causes out.
COUNCIL_ACTION_PREFIXES = (
    "reviews.threshold_rule.",
    "reviews.rule_version.",
    "reviews.alert.",
    "reviews.appeal.",
    "reviews.root_cause.",
    "reviews.critical_error.cause_changed",
)
COUNCIL_ACTIONS = tuple(action for action in AuditAction.values if action.startswith(COUNCIL_ACTION_PREFIXES))


def _terms(version: RuleVersion) -> dict[str, Any]:
    return {
        "purpose": version.purpose,
        "count_n": version.count_n,
        "window_days": version.window_days,
        "level": version.level,
        "effective_from": version.effective_from.isoformat(),
        "counted_types": sorted(t.code for t in version.counted_types.all()),
        "scope_teams": sorted(t.name for t in version.scope_teams.all()),
        "scope_employment_types": sorted(version.scope_employment_types),
        "count_targeted_reviews": version.count_targeted_reviews,
        "exclude_flagged_reviewers": version.exclude_flagged_reviewers,
        "exclude_systemic_causes": version.exclude_systemic_causes,
        "requires_confirmation": version.requires_confirmation,
    }


def rule_register() -> list[dict[str, Any]]:
    """Every rule with its versions, consents, and a readable diff of what each version changed, and by whom."""
    versions = (
        RuleVersion.objects.select_related("rule")
        .prefetch_related("counted_types", "scope_teams", "consents")
        .order_by("rule__name", "number")
    )
    history: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for event in AuditEvent.objects.filter(object_type="reviews.ruleversion").order_by("sequence"):
        history[event.object_id].append(
            {
                "sequence": event.sequence,
                "occurred_at": event.occurred_at.isoformat(),
                "action": event.action,
                "by": pseudonym_for(event.actor_id) if event.actor_id else "system",
                "by_role": event.actor_role,
            }
        )
    rules: dict[int, dict[str, Any]] = {}
    previous: dict[int, dict[str, Any]] = {}
    for version in versions:
        terms = _terms(version)
        before = previous.get(version.rule_id)
        diff = (
            [{"field": f, "from": before[f], "to": terms[f]} for f in TERMS if before[f] != terms[f]]
            if before is not None
            else []
        )
        previous[version.rule_id] = terms
        rule = rules.setdefault(
            version.rule_id, {"rule_id": version.rule_id, "name": version.rule.name, "versions": []}
        )
        rule["versions"].append(
            {
                "version_id": version.pk,
                "number": version.number,
                "status": version.status,
                "terms": terms,
                "changes_from_previous": diff,
                "review_by": version.review_by.isoformat() if version.review_by else None,
                "consents": [
                    {
                        "decision": c.decision,
                        "decided_on": c.decided_on.isoformat(),
                        "reference": c.reference,
                        "population": c.population,
                        "note": c.note,
                        "review_by": c.review_by.isoformat() if c.review_by else None,
                    }
                    for c in version.consents.all()
                ],
                "history": history.get(str(version.pk), []),
            }
        )
    return list(rules.values())


def _period(field: str, period: str) -> Any:
    return TruncQuarter(field) if period == "quarter" else TruncMonth(field)


def _usage_counts(alerts: QuerySet[Alert], period: str) -> tuple[dict[str, dict[str, int]], dict[str, dict[str, Any]]]:
    """Agents per rule version, period and alert status; with each row's rule, version and period."""
    counts: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(ALERT_STATUSES, 0))
    meta: dict[str, dict[str, Any]] = {}
    for version_id, rule_name, number, bucket, status, agents in (
        alerts.annotate(bucket=_period("opened_at", period))
        .values_list("rule_version_id", "rule__name", "rule_version__number", "bucket", "status")
        .annotate(agents=Count("agent_id", distinct=True))
        .order_by("rule__name", "rule_version__number", "bucket")
    ):
        key = f"{version_id}:{period_label(bucket, period)}"
        counts[key][status] = agents
        meta[key] = {"rule": rule_name, "version": number, "period": period_label(bucket, period)}
    return counts, meta


def rule_usage(*, start: dt.datetime, end: dt.datetime, period: str = "month") -> dict[str, Any]:
    """Per rule version and period: agents whose alerts were opened, and what became of them; deciders."""
    k = settings.SMALL_CELL_K
    alerts = Alert.objects.filter(opened_at__gte=start, opened_at__lt=end)
    counts, meta = _usage_counts(alerts, period)
    also_hide: set[tuple[str, str]] = set()
    hidden_totals: set[str] = set()
    if period == "quarter":
        # A quarter's figure only where none of its months' is hidden (else it minus the shown months gives it).
        months, _month_meta = _usage_counts(alerts, "month")
        shown_months = suppress_table(months, k, row_totals=True, column_totals=False)
        for month_key, cells in shown_months.items():
            quarter_key = quarter_of(month_key)
            also_hide |= {(quarter_key, status) for status, value in cells.items() if value is None}
            if 0 < sum(months[month_key].values()) < k:
                hidden_totals.add(quarter_key)
    shown = suppress_table(counts, k, row_totals=True, column_totals=False, also_hide=also_hide)
    rows = []
    for key, cells in shown.items():
        total = sum(counts[key].values())
        visible_total = total >= k and key not in hidden_totals
        rows.append({**meta[key], "agents_total": total if visible_total else None, **cells})

    # Deciders: how often they confirm, and how long after opening the evidence they decide.
    decided = alerts.exclude(decision="").values_list("decided_by_id", "decision", "decided_at", "evidence_viewed_at")
    per_decider: dict[int, list[tuple[str, float]]] = defaultdict(list)
    for decider_id, decision, decided_at, viewed_at in decided:
        if decided_at is None or viewed_at is None:
            continue
        per_decider[decider_id].append((decision, (decided_at - viewed_at).total_seconds()))
    all_seconds = [seconds for items in per_decider.values() for _decision, seconds in items]
    deciders = []
    # A person is only judged on enough decisions, and never on figures the page hides.
    enough_decisions = max(settings.RUBBER_STAMP_MIN_DECISIONS, k)
    for decider_id, items in sorted(per_decider.items(), key=lambda kv: pseudonym_for(kv[0])):
        n = len(items)
        enough = n >= enough_decisions
        confirmed = sum(1 for decision, _seconds in items if decision == AlertStatus.CONFIRMED)
        rate = confirmed / n
        median_seconds = statistics.median(seconds for _decision, seconds in items)
        reasons = []
        if enough and rate >= settings.RUBBER_STAMP_CONFIRM_RATE:
            reasons.append(_("confirms %(rate)s of %(n)s decisions") % {"rate": f"{rate:.0%}", "n": n})
        if enough and median_seconds < settings.RUBBER_STAMP_MIN_SECONDS:
            reasons.append(
                _("decides a median %(seconds)s s after opening the evidence") % {"seconds": f"{median_seconds:.0f}"}
            )
        deciders.append(
            {
                "decider": pseudonym_for(decider_id),
                "decisions": n if n >= k else None,
                "confirmation_rate": round(rate, 3) if n >= k else None,
                "median_seconds_evidence_to_decision": round(median_seconds, 1) if enough else None,
                "too_few_to_judge": not enough,
                "rubber_stamp": bool(reasons),
                "rubber_stamp_reasons": reasons,
            }
        )
    return {
        "period": period,
        "k": k,
        "rows": rows,
        "median_seconds_evidence_to_decision": round(statistics.median(all_seconds), 1) if all_seconds else None,
        "deciders": deciders,
    }


def reviewer_aggregates(*, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    """The calibration issue's consistency figures per pseudonymised reviewer."""
    k = settings.SMALL_CELL_K
    rows = []
    consistency = reviewer_consistency(start=start, end=end)
    total = sum(row.evaluations for row in consistency)
    for row in consistency:
        enough = row.evaluations >= k
        # A comparison with the peers only where the person's own figures show and the peers (everyone
        # else) reach k too: otherwise a hidden rate follows from the peers' rate and the others' rows.
        compared = enough and total - row.evaluations >= k and not row.too_few_to_judge
        rows.append(
            {
                "reviewer": pseudonym_for(row.reviewer.pk),
                "evaluations": row.evaluations if enough else None,
                "mean_score": row.mean_score if enough else None,
                "critical_error_rate_per_100": row.rate_per_100 if enough else None,
                "interval": [round(row.interval.low * 100, 1), round(row.interval.high * 100, 1)]
                if enough and row.interval
                else None,
                "peers_rate_per_100": row.peers_rate_per_100 if compared else None,
                "rate_outside_peers": row.rate_outside_peers if compared else None,
                "too_few_to_judge": not compared,
                # How often a second reviewer heard this reviewer's errors too (given k second opinions).
                "second_opinion_agreement": row.agreement_rate if enough and row.second_opinions >= k else None,
                "calibrations": [
                    {
                        "closed_on": c.closed_at.date().isoformat(),
                        "alpha_points": c.alpha_points,
                        "deviation": c.deviation,
                    }
                    for c in row.calibrations
                ],
                "overturn_rate": row.overturn_rate if row.appeal_items_decided >= k else None,
                "flagged": row.flagged if enough else None,
            }
        )
    return rows


def audit_log(
    *, action_prefix: str = "", start: dt.datetime | None = None, end: dt.datetime | None = None
) -> QuerySet[AuditEvent]:
    """Audit events about rules, consents, alerts and appeals (the API shows pseudonyms, no free text)."""
    chosen = [action for action in COUNCIL_ACTIONS if action.startswith(action_prefix)]
    events = AuditEvent.objects.filter(action__in=chosen).order_by("-sequence")
    if start:
        events = events.filter(occurred_at__gte=start)
    if end:
        events = events.filter(occurred_at__lt=end)
    return events
