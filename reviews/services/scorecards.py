from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from reviews.domain.errors import Conflict, DomainError, InvalidTransition
from reviews.domain.transitions import ScorecardVersionAction, ScorecardVersionState, scorecard_version_transition
from reviews.models import (
    AuditAction,
    Criterion,
    CriticalErrorType,
    CriticalPolicy,
    Scorecard,
    ScorecardVersion,
    ScorecardVersionStatus,
    Section,
)
from reviews.services.audit import audit_record
from reviews.services.permissions import require_qa_lead


def _lock_editable(version: ScorecardVersion, acting_user: User) -> ScorecardVersion:
    """Re-read the version under a row lock and check it is still an editable draft."""
    locked = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
    if locked.status != ScorecardVersionStatus.DRAFT:
        raise InvalidTransition(
            _("Version %(n)s is %(status)s and cannot be edited; create a new version instead.")
            % {"n": locked.number, "status": locked.get_status_display().lower()},
            code="version_not_editable",
        )
    scorecard_version_transition(ScorecardVersionState(locked.status), ScorecardVersionAction.EDIT, acting_user.role)
    return locked


@transaction.atomic
def scorecard_create(
    *, name: str, description: str = "", critical_policy: str = CriticalPolicy.SEPARATE, acting_user: User
) -> Scorecard:
    """Create a scorecard with an empty draft version 1."""
    require_qa_lead(acting_user, to=_("manages scorecards"))
    if Scorecard.objects.filter(name=name).exists():
        raise Conflict(
            _("A scorecard named “%(name)s” already exists.") % {"name": name},
            code="duplicate_name",
            fields={"name": [_("Already in use.")]},
        )
    scorecard = Scorecard.objects.create(name=name, description=description, created_by=acting_user)
    version = ScorecardVersion.objects.create(
        scorecard=scorecard, number=1, critical_policy=critical_policy, created_by=acting_user
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.SCORECARD_CREATED,
        obj=scorecard,
        data={"name": name, "version_id": version.pk, "critical_policy": critical_policy},
    )
    return scorecard


@transaction.atomic
def scorecard_version_update(*, version: ScorecardVersion, critical_policy: str, acting_user: User) -> ScorecardVersion:
    version = _lock_editable(version, acting_user)
    version.critical_policy = critical_policy
    version.save(update_fields=["critical_policy"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SCORECARD_VERSION_UPDATED,
        obj=version,
        data={"critical_policy": critical_policy},
    )
    return version


@transaction.atomic
def section_add(*, version: ScorecardVersion, title: str, position: int | None = None, acting_user: User) -> Section:
    version = _lock_editable(version, acting_user)
    if position is None:
        position = version.sections.count()
    section = Section.objects.create(version=version, title=title, position=position)
    audit_record(
        actor=acting_user,
        action=AuditAction.SECTION_ADDED,
        obj=section,
        data={"version_id": version.pk, "title": title, "position": position},
    )
    return section


@transaction.atomic
def section_update(
    *, section: Section, title: str | None = None, position: int | None = None, acting_user: User
) -> Section:
    _lock_editable(section.version, acting_user)
    changes: dict[str, object] = {}
    if title is not None:
        section.title = title
        changes["title"] = title
    if position is not None:
        section.position = position
        changes["position"] = position
    section.save()
    audit_record(actor=acting_user, action=AuditAction.SECTION_UPDATED, obj=section, data=changes)
    return section


@transaction.atomic
def section_delete(*, section: Section, acting_user: User) -> None:
    _lock_editable(section.version, acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.SECTION_DELETED,
        obj=section,
        data={"version_id": section.version_id, "title": section.title},
    )
    section.delete()


def _check_error_type(error_type: CriticalErrorType | None) -> None:
    if error_type is not None and not error_type.is_active:
        raise DomainError(
            _("This critical-error type is no longer in use."),
            code="invalid",
            fields={"critical_error_type": [_("This critical-error type is no longer in use.")]},
        )


@transaction.atomic
def criterion_add(
    *,
    section: Section,
    text: str,
    max_points: int,
    na_allowed: bool = False,
    guidance: str = "",
    critical_error_type: CriticalErrorType | None = None,
    position: int | None = None,
    acting_user: User,
) -> Criterion:
    _lock_editable(section.version, acting_user)
    _check_error_type(critical_error_type)
    if max_points < 1:
        raise DomainError(
            _("A criterion is worth at least 1 point."), fields={"max_points": [_("Must be at least 1.")]}
        )
    if position is None:
        position = section.criteria.count()
    criterion = Criterion.objects.create(
        section=section,
        text=text,
        guidance=guidance,
        max_points=max_points,
        na_allowed=na_allowed,
        critical_error_type=critical_error_type,
        position=position,
    )
    audit_record(
        actor=acting_user,
        action=AuditAction.CRITERION_ADDED,
        obj=criterion,
        data={
            "section_id": section.pk,
            "text": text,
            "max_points": max_points,
            "na_allowed": na_allowed,
            "critical_error_type": critical_error_type.code if critical_error_type else None,
        },
    )
    return criterion


CRITERION_EDITABLE_FIELDS = ("text", "guidance", "max_points", "na_allowed", "critical_error_type", "position")


@transaction.atomic
def criterion_update(*, criterion: Criterion, acting_user: User, **changes: object) -> Criterion:
    _lock_editable(criterion.section.version, acting_user)
    unknown = set(changes) - set(CRITERION_EDITABLE_FIELDS)
    if unknown:
        raise DomainError(_("Cannot change %(fields)s.") % {"fields": ", ".join(sorted(unknown))})
    if "critical_error_type" in changes:
        _check_error_type(changes["critical_error_type"])  # type: ignore[arg-type]
    if "max_points" in changes and int(changes["max_points"]) < 1:  # type: ignore[call-overload]
        raise DomainError(
            _("A criterion is worth at least 1 point."), fields={"max_points": [_("Must be at least 1.")]}
        )
    for field, value in changes.items():
        setattr(criterion, field, value)
    criterion.save()
    audit_record(
        actor=acting_user,
        action=AuditAction.CRITERION_UPDATED,
        obj=criterion,
        data={k: (v.code if isinstance(v, CriticalErrorType) else v) for k, v in changes.items()},
    )
    return criterion


@transaction.atomic
def criterion_delete(*, criterion: Criterion, acting_user: User) -> None:
    _lock_editable(criterion.section.version, acting_user)
    audit_record(
        actor=acting_user,
        action=AuditAction.CRITERION_DELETED,
        obj=criterion,
        data={"section_id": criterion.section_id, "text": criterion.text},
    )
    criterion.delete()


@transaction.atomic
def scorecard_version_publish(*, version: ScorecardVersion, acting_user: User) -> ScorecardVersion:
    """Publish a draft. From then on it is immutable; the previously published version retires."""
    version = ScorecardVersion.objects.select_for_update().get(pk=version.pk)
    scorecard_version_transition(
        ScorecardVersionState(version.status), ScorecardVersionAction.PUBLISH, acting_user.role
    )
    if not Criterion.objects.filter(section__version=version).exists():
        raise InvalidTransition(
            _("A version needs at least one criterion before it can be published."), code="empty_version"
        )
    empty_sections = list(version.sections.filter(criteria__isnull=True).values_list("title", flat=True))
    if empty_sections:
        raise DomainError(
            _("Sections without criteria cannot be published: %(sections)s.") % {"sections": ", ".join(empty_sections)},
            code="empty_section",
        )
    now = timezone.now()
    previous = (
        ScorecardVersion.objects.select_for_update()
        .filter(scorecard_id=version.scorecard_id, status=ScorecardVersionStatus.PUBLISHED)
        .first()
    )
    if previous is not None:
        previous.status = ScorecardVersionStatus.RETIRED
        previous.retired_at = now
        previous.save(update_fields=["status", "retired_at"])
        audit_record(
            actor=acting_user,
            action=AuditAction.SCORECARD_VERSION_RETIRED,
            obj=previous,
            data={"replaced_by": version.pk},
        )
    version.status = ScorecardVersionStatus.PUBLISHED
    version.published_at = now
    version.published_by = acting_user
    version.save(update_fields=["status", "published_at", "published_by"])
    audit_record(
        actor=acting_user,
        action=AuditAction.SCORECARD_VERSION_PUBLISHED,
        obj=version,
        data={"scorecard_id": version.scorecard_id, "number": version.number},
    )
    return version


@transaction.atomic
def scorecard_version_create_draft(*, scorecard: Scorecard, acting_user: User) -> ScorecardVersion:
    """A change to a published scorecard starts as a new draft copied from its latest version."""
    require_qa_lead(acting_user, to=_("manages scorecards"))
    Scorecard.objects.select_for_update().get(pk=scorecard.pk)
    if scorecard.versions.filter(status=ScorecardVersionStatus.DRAFT).exists():
        raise Conflict(_("This scorecard already has a draft version; edit that one."), code="draft_exists")
    latest = scorecard.versions.order_by("-number").first()
    number = latest.number + 1 if latest else 1
    try:
        draft = ScorecardVersion.objects.create(
            scorecard=scorecard,
            number=number,
            critical_policy=latest.critical_policy if latest else CriticalPolicy.SEPARATE,
            created_by=acting_user,
        )
    except IntegrityError as exc:  # a concurrent request created it first
        raise Conflict(_("This scorecard already has a draft version; edit that one."), code="draft_exists") from exc
    if latest is not None:
        for section in latest.sections.prefetch_related("criteria"):
            new_section = Section.objects.create(version=draft, title=section.title, position=section.position)
            Criterion.objects.bulk_create(
                Criterion(
                    section=new_section,
                    text=c.text,
                    guidance=c.guidance,
                    max_points=c.max_points,
                    na_allowed=c.na_allowed,
                    critical_error_type_id=c.critical_error_type_id,
                    position=c.position,
                )
                for c in section.criteria.all()
            )
    audit_record(
        actor=acting_user,
        action=AuditAction.SCORECARD_VERSION_DRAFTED,
        obj=draft,
        data={"scorecard_id": scorecard.pk, "number": number, "copied_from": latest.pk if latest else None},
    )
    return draft
