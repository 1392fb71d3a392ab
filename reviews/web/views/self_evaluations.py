"""The agent scores their own evaluated call, blind, before seeing the reviewer's scoring (or chooses not to)."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import SelfEvaluation
from reviews.selectors.scorecards import criteria_in_order
from reviews.selectors.self_evaluations import self_evaluations_visible_to
from reviews.services import self_evaluations as self_evaluation_services
from reviews.web.common import page_user, report_domain_error, role_required, visible_or_404
from reviews.web.forms.self_evaluations import SelfEvaluationForm


def _own(request: HttpRequest, pk: int) -> SelfEvaluation:
    return visible_or_404(self_evaluations_visible_to(page_user(request)), pk)


@role_required(Role.AGENT)
def self_evaluation(request: HttpRequest, pk: int) -> HttpResponse:
    """GET: the call and a form per criterion. POST: the agent's scoring, saved once."""
    invitation = _own(request, pk)
    if not invitation.is_open:
        return redirect("web:evaluation", pk=invitation.evaluation_id)
    evaluation = invitation.evaluation
    criteria = list(criteria_in_order(version_id=evaluation.scorecard_version_id))
    form = SelfEvaluationForm(request.POST or None, criteria=criteria)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                self_evaluation_services.self_evaluation_submit(
                    self_evaluation=invitation,
                    answers=form.answers(),
                    comments=form.remarks(),
                    comment=form.cleaned_data["comment"],
                    acting_user=page_user(request),
                )
                messages.success(request, _("Thank you. Here is your scoring beside the reviewer's."))
                return redirect("web:evaluation", pk=evaluation.pk)
            except DomainError as exc:
                report_domain_error(request, exc, form)
        status = 400
    return render(
        request,
        "web/self_evaluation.html",
        {
            "invitation": invitation,
            "evaluation": evaluation,
            "call": evaluation.call,
            "form": form,
            "start_at": "",
            "appeal_window_days": settings.APPEAL_WINDOW_DAYS,
        },
        status=status,
    )


@require_POST
@role_required(Role.AGENT)
def self_evaluation_decline(request: HttpRequest, pk: int) -> HttpResponse:
    invitation = _own(request, pk)
    try:
        self_evaluation_services.self_evaluation_decline(self_evaluation=invitation, acting_user=page_user(request))
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:evaluation", pk=invitation.evaluation_id)
