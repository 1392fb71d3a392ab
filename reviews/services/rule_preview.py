"""What-if preview of a threshold rule version, for the works council before it consents."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.disclosure import every_cell_safe, suppress_small_cells
from reviews.domain.errors import DomainError, NotPermitted
from reviews.models import AuditAction, RuleVersion, RuleVersionStatus
from reviews.selectors.consistency import flagged_reviewer_ids
from reviews.selectors.thresholds import AgentProfile, agent_profiles, agents_reaching, in_rule_scope
from reviews.services.audit import audit_record
from reviews.services.rules import terms_of


@dataclass(frozen=True)
class PreviewGroup:
    employment_type: str
    agents: int | None
    flagged: int | None


@dataclass(frozen=True)
class Preview:
    as_of: dt.datetime
    window_days: int
    agents_in_scope: int | None
    agents_flagged: int | None
    by_employment_type: list[PreviewGroup]
    k: int
    # A preview of part of the organisation whose figures could be subtracted from another preview's to
    # reveal a group below k: nothing is counted, and the page says why.
    withheld: bool = False


@transaction.atomic
def rule_version_preview(*, version: RuleVersion, acting_user: User, as_of: dt.datetime | None = None) -> Preview:
    """What-if: how many agents would this version have flagged over the last W days of real data?

    Ignores effective_from and earlier decisions (it asks what the rule *would* do).
    Counts below k are suppressed, with a second cell hidden where one alone could be recovered.
    """
    if acting_user.role not in (Role.QA_LEAD, Role.WORKS_COUNCIL):
        raise NotPermitted(_("Only the QA lead and the works council preview rules."), code="role_not_allowed")
    if version.status not in (RuleVersionStatus.DRAFT, RuleVersionStatus.PROPOSED):
        raise DomainError(_("Preview a draft or proposed version."), code="not_previewable")
    as_of = as_of or timezone.now()
    terms = terms_of(version)
    profiles = agent_profiles()
    agents = in_rule_scope(profiles, version)
    scoped = bool(terms.team_ids or terms.employment_types)
    # A scoped preview is judged against the whole organisation (what another scope would show).
    population = {pk: p.employment_type for pk, p in profiles.items()} if scoped else agents
    # Counted in SQL, grouped per agent: the same errors the scoring run counts (``agents_reaching``).
    flagged_everywhere = population.keys() & agents_reaching(
        count_n=terms.count_n,
        type_codes=terms.counted_type_codes,
        after=as_of - dt.timedelta(days=terms.window_days),
        until=as_of,
        count_targeted_reviews=terms.count_targeted_reviews,
        excluded_reviewer_ids=flagged_reviewer_ids(as_of=as_of) if terms.exclude_flagged_reviewers else (),
        exclude_systemic_causes=terms.exclude_systemic_causes,
        require_confirmation=terms.requires_confirmation,
    )
    flagged_ids = flagged_everywhere & agents.keys()
    k = settings.SMALL_CELL_K
    if scoped and not _cells_safe(profiles, flagged_everywhere, k):
        return _recorded(
            Preview(
                as_of=as_of,
                window_days=terms.window_days,
                agents_in_scope=None,
                agents_flagged=None,
                by_employment_type=[],
                k=k,
                withheld=True,
            ),
            version,
            acting_user,
        )
    group_sizes = Counter(agents.values())
    group_flagged = Counter(agents[agent_id] for agent_id in flagged_ids)
    shown_flagged = suppress_small_cells({t: group_flagged.get(t, 0) for t in group_sizes}, k)
    shown_sizes = suppress_small_cells(dict(group_sizes), k)
    preview = Preview(
        as_of=as_of,
        window_days=terms.window_days,
        agents_in_scope=len(agents),
        agents_flagged=len(flagged_ids) if len(flagged_ids) >= k else None,
        by_employment_type=[
            PreviewGroup(employment_type=t, agents=shown_sizes[t], flagged=shown_flagged[t])
            for t in sorted(group_sizes)
        ],
        k=k,
    )
    return _recorded(preview, version, acting_user)


def _cells_safe(profiles: dict[int, AgentProfile], flagged: set[int], k: int) -> bool:
    """Every team-and-employment-type group of the organisation large enough to subtract safely."""
    cells: dict[tuple[int | None, str], tuple[int, int]] = {}
    for pk, profile in profiles.items():
        people, counted = cells.get((profile.team_id, profile.employment_type), (0, 0))
        cells[(profile.team_id, profile.employment_type)] = (people + 1, counted + (pk in flagged))
    return every_cell_safe(cells.values(), k)


def _recorded(preview: Preview, version: RuleVersion, acting_user: User) -> Preview:
    audit_record(
        actor=acting_user,
        action=AuditAction.RULE_VERSION_PREVIEWED,
        obj=version,
        data={"rule_id": version.rule_id, "as_of": preview.as_of.isoformat(), "withheld": preview.withheld},
    )
    return preview
