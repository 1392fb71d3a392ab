"""The QA lead's scorecard pages: versions, sections, criteria, publishing."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from accounts.models import Role, User
from reviews.domain.errors import DomainError
from reviews.models import (
    ScorecardVersion,
    ScorecardVersionStatus,
    Section,
)
from reviews.selectors import (
    scorecard_versions_visible_to,
    scorecards_visible_to,
)
from reviews.selectors.scorecards import (
    criterion_in_version,
    section_in_version,
    sections_with_criteria,
)
from reviews.services import scorecards as scorecard_services
from reviews.services.self_evaluations import scorecard_version_self_evaluation_set
from reviews.web.common import (
    page_user,
    report_domain_error,
    role_required,
    visible_or_404,
)
from reviews.web.forms import (
    CriterionForm,
    ScorecardForm,
    SectionForm,
)


@role_required(Role.QA_LEAD)
def scorecard_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = ScorecardForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            scorecard = scorecard_services.scorecard_create(
                name=form.cleaned_data["name"], description=form.cleaned_data["description"], acting_user=user
            )
            return redirect("web:scorecard-version", pk=scorecard.versions.get().pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    scorecards = scorecards_visible_to(user).prefetch_related("versions").order_by("name")
    return render(
        request, "web/scorecards.html", {"scorecards": scorecards, "form": form}, status=400 if form.errors else 200
    )


@dataclass
class _VersionPage:
    """What the scorecard-version page shows, and what each of its actions may change (a bound form)."""

    request: HttpRequest
    user: User
    version: ScorecardVersion
    sections: list[Section]
    section_form: SectionForm
    criterion_form: CriterionForm


def _add_section(page: _VersionPage) -> HttpResponse | None:
    page.section_form = SectionForm(page.request.POST, prefix="section")
    if not page.section_form.is_valid():
        return None
    scorecard_services.section_add(
        version=page.version, title=page.section_form.cleaned_data["title"], acting_user=page.user
    )
    return redirect("web:scorecard-version", pk=page.version.pk)


def _add_criterion(page: _VersionPage) -> HttpResponse | None:
    page.criterion_form = CriterionForm(
        page.request.POST, prefix="criterion", sections=[(s.pk, s.title) for s in page.sections]
    )
    if not page.criterion_form.is_valid():
        return None
    data = page.criterion_form.cleaned_data
    scorecard_services.criterion_add(
        section=next(s for s in page.sections if s.pk == data["section"]),
        text=data["text"],
        guidance=data["guidance"],
        max_points=data["max_points"],
        na_allowed=data["na_allowed"],
        acting_user=page.user,
    )
    return redirect("web:scorecard-version", pk=page.version.pk)


def _delete_criterion(page: _VersionPage) -> HttpResponse:
    criterion = criterion_in_version(version=page.version, criterion_id=page.request.POST.get("id"))
    if criterion is not None:
        scorecard_services.criterion_delete(criterion=criterion, acting_user=page.user)
    return redirect("web:scorecard-version", pk=page.version.pk)


def _delete_section(page: _VersionPage) -> HttpResponse:
    section = section_in_version(version=page.version, section_id=page.request.POST.get("id"))
    if section is not None:
        scorecard_services.section_delete(section=section, acting_user=page.user)
    return redirect("web:scorecard-version", pk=page.version.pk)


def _publish(page: _VersionPage) -> HttpResponse:
    scorecard_services.scorecard_version_publish(version=page.version, acting_user=page.user)
    messages.success(page.request, _("Published. New evaluations use this version."))
    return redirect("web:scorecard-version", pk=page.version.pk)


def _new_version(page: _VersionPage) -> HttpResponse:
    draft = scorecard_services.scorecard_version_create_draft(scorecard=page.version.scorecard, acting_user=page.user)
    return redirect("web:scorecard-version", pk=draft.pk)


def _self_evaluation(page: _VersionPage) -> HttpResponse:
    enabled = page.request.POST.get("enabled") == "on"
    scorecard_version_self_evaluation_set(version=page.version, enabled=enabled, acting_user=page.user)
    if enabled:
        messages.success(page.request, _("Agents are now invited to score their own evaluated calls first."))
    else:
        messages.success(page.request, _("Agents are no longer invited to score their own calls."))
    return redirect("web:scorecard-version", pk=page.version.pk)


# The page's forms each post an ``action``; each has one handler. None: show the form's errors.
VERSION_ACTIONS: dict[str, Callable[[_VersionPage], HttpResponse | None]] = {
    "add-section": _add_section,
    "add-criterion": _add_criterion,
    "delete-criterion": _delete_criterion,
    "delete-section": _delete_section,
    "publish": _publish,
    "new-version": _new_version,
    "self-evaluation": _self_evaluation,
}


@role_required(Role.QA_LEAD)
def scorecard_version(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    version = visible_or_404(scorecard_versions_visible_to(user), pk)
    sections = sections_with_criteria(version=version)
    page = _VersionPage(
        request=request,
        user=user,
        version=version,
        sections=sections,
        section_form=SectionForm(prefix="section"),
        criterion_form=CriterionForm(prefix="criterion", sections=[(s.pk, s.title) for s in sections]),
    )
    status = 200
    if request.method == "POST":
        handler = VERSION_ACTIONS.get(request.POST.get("action", ""))
        try:
            response = handler(page) if handler else None
            if response is not None:
                return response
        except DomainError as exc:
            report_domain_error(request, exc)
        status = 400
    return render(
        request,
        "web/scorecard_version.html",
        {
            "version": version,
            "sections": sections,
            "editable": version.status == ScorecardVersionStatus.DRAFT,
            "section_form": page.section_form,
            "criterion_form": page.criterion_form,
        },
        status=status,
    )
