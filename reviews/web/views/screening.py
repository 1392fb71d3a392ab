"""Screening lists: the QA lead drafts and runs them, the works council consents, nullifies and judges
them by their report; reviewers see the calls selected for them."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import RuleVersionStatus, ScreeningListVersion
from reviews.selectors.screening import (
    candidates_visible_to,
    screening_lists_visible_to,
    screening_report,
    screening_versions_visible_to,
)
from reviews.services import screening_lists as lifecycle
from reviews.web.common import page_user, report_domain_error, role_required, visible_or_404
from reviews.web.confirm import confirmation, is_confirmed
from reviews.web.forms import ConsentForm, NullityForm
from reviews.web.forms.screening import ScreeningListForm, ScreeningTermsForm

OVERSIGHT = (Role.QA_LEAD, Role.WORKS_COUNCIL)


def _terms(form: ScreeningTermsForm) -> lifecycle.ScreeningTerms:
    data = form.cleaned_data
    return lifecycle.ScreeningTerms(purpose=data["purpose"], phrases=form.phrase_lines(), max_gap=data["max_gap"])


@role_required(*OVERSIGHT)
def screening_lists(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = ScreeningListForm(request.POST or None) if user.role == Role.QA_LEAD else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            name = form.cleaned_data["name"]
            created = lifecycle.screening_list_create(name=name, terms=_terms(form), acting_user=user)
            messages.success(request, _("Draft list saved. Propose it to the works council when it is ready."))
            return redirect("web:screening-list", pk=created.pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    lists = screening_lists_visible_to(user).prefetch_related("versions")
    status = 400 if form is not None and form.errors else 200
    return render(request, "web/screening_lists.html", {"lists": lists, "form": form}, status=status)


@role_required(*OVERSIGHT)
def screening_list(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    chosen = visible_or_404(screening_lists_visible_to(user), pk)
    versions = list(screening_versions_visible_to(user).filter(screening_list=chosen).order_by("-number"))
    form = None
    if user.role == Role.QA_LEAD:
        latest = versions[0] if versions else None
        initial: dict[str, Any] = (
            {"purpose": latest.purpose, "phrases": "\n".join(latest.phrases), "max_gap": latest.max_gap}
            if latest
            else {}
        )
        form = ScreeningTermsForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            try:
                version = lifecycle.screening_list_revise(screening_list=chosen, terms=_terms(form), acting_user=user)
                messages.success(
                    request,
                    _("Saved as draft version %(n)s: it needs the works council's consent.") % {"n": version.number},
                )
                return redirect("web:screening-list", pk=chosen.pk)
            except DomainError as exc:
                report_domain_error(request, exc, form)
    reports = {r.version.pk: r for r in screening_report([v for v in versions if v.status != RuleVersionStatus.DRAFT])}
    context = {
        "screening_list": chosen,
        "versions": [(v, reports.get(v.pk)) for v in versions],
        "form": form,
        "today": timezone.localdate(),
        "consent_form": ConsentForm() if user.role == Role.WORKS_COUNCIL else None,
        "nullity_form": NullityForm() if user.role == Role.WORKS_COUNCIL else None,
    }
    return render(request, "web/screening_list.html", context, status=400 if form is not None and form.errors else 200)


def _actions() -> dict[str, tuple[str, Any, str]]:
    """Each step: who takes it, the service, and what the page says afterwards."""
    return {
        "propose": (Role.QA_LEAD, lifecycle.screening_version_propose, _("Proposed to the works council.")),
        "activate": (
            Role.QA_LEAD,
            lifecycle.screening_version_activate,
            _("Active: it screens transcripts that arrive from now on."),
        ),
        "retire": (Role.QA_LEAD, lifecycle.screening_version_retire, _("Retired: it no longer screens.")),
        "consent": (Role.WORKS_COUNCIL, lifecycle.screening_version_decide_consent, _("The decision is recorded.")),
        "nullify": (
            Role.WORKS_COUNCIL,
            lifecycle.screening_version_nullify,
            _("Nullity invoked: the version stopped and its unreviewed selections were withdrawn."),
        ),
    }


def _confirm(request: HttpRequest, version: ScreeningListVersion, action: str) -> HttpResponse:
    names = {"n": version.number, "list": version.screening_list.name}
    texts = {
        "propose": (
            _("Propose this version to the works council?"),
            _("Version %(n)s of “%(list)s” goes to the works council. It can no longer be edited."),
            _("Propose"),
        ),
        "activate": (
            _("Activate this version?"),
            _(
                "Version %(n)s of “%(list)s” starts screening transcripts that arrive from now on. Each match selects "
                "the call for a targeted review; it is never a critical error. An active version of this list is "
                "retired."
            ),
            _("Activate"),
        ),
        "retire": (
            _("Retire this version?"),
            _(
                "Version %(n)s of “%(list)s” stops screening. Calls it selected stay to be reviewed. This cannot be "
                "undone: to screen again, a new version needs the works council's consent."
            ),
            _("Retire"),
        ),
        "consent": (
            _("Record the council's decision?"),
            _("The decision on version %(n)s of “%(list)s” is recorded for good and cannot be changed."),
            _("Record decision"),
        ),
        "nullify": (
            _("Invoke nullity?"),
            _(
                "Version %(n)s of “%(list)s” stops at once; calls it selected that nobody has started to review are "
                "withdrawn. This cannot be undone."
            ),
            _("Invoke nullity"),
        ),
    }
    title, consequence, button = texts[action]
    return confirmation(
        request,
        title=title,
        consequence=consequence % names,
        button=button,
        cancel_url=reverse("web:screening-list", args=[version.screening_list_id]),
    )


@require_POST
@role_required(*OVERSIGHT)
def screening_version_action(request: HttpRequest, pk: int, version_id: int) -> HttpResponse:
    user = page_user(request)
    version = visible_or_404(screening_versions_visible_to(user).filter(screening_list_id=pk), version_id)
    action = request.POST.get("action", "")
    chosen = _actions().get(action)
    if chosen is None or chosen[0] != user.role:
        messages.error(request, _("This step is not yours to take."))
        return redirect("web:screening-list", pk=pk)
    extra: dict[str, Any] = {}
    if action in ("consent", "nullify"):
        form = ConsentForm(request.POST) if action == "consent" else NullityForm(request.POST)
        if not form.is_valid():
            for field, problems in form.errors.items():
                messages.error(request, f"{form.fields[field].label if field in form.fields else ''}: {problems[0]}")
            return redirect("web:screening-list", pk=pk)
        extra = {k: v for k, v in form.cleaned_data.items() if v not in (None, "") or k == "reason"}
    if not is_confirmed(request):
        return _confirm(request, version, action)
    try:
        chosen[1](version=version, acting_user=user, **extra)
        messages.success(request, chosen[2])
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:screening-list", pk=pk)


@role_required(Role.SUPERVISOR, Role.QA_LEAD)
def screening_candidates(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    candidates = candidates_visible_to(user)[:200]
    return render(request, "web/screening_candidates.html", {"candidates": candidates})
