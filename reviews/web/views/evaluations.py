"""One evaluation as its agent, reviewer or an appeal handler sees it; acknowledging and appealing it."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import CriticalError, CriticalErrorStatus, Evaluation, EvaluationStatus
from reviews.selectors import CALL_READER_ROLES, appeals_visible_to, evaluations_visible_to
from reviews.selectors.scorecards import answers_in_order
from reviews.selectors.screening import candidates_for_call
from reviews.selectors.self_evaluations import score_gap, self_evaluation_of, side_by_side
from reviews.selectors.transcripts import segments_of
from reviews.selectors.work import lineage_critical_errors
from reviews.services import appeals as appeal_services
from reviews.services import evaluations as evaluation_services
from reviews.services.coaching import may_coach
from reviews.services.root_causes import critical_error_cause_change, may_change_cause
from reviews.templatetags.labels import error_type
from reviews.web.common import page_user, report_domain_error, role_required, visible_or_404
from reviews.web.forms import AppealForm, CauseChangeForm

APPEALABLE = (EvaluationStatus.SUBMITTED, EvaluationStatus.ACKNOWLEDGED)


def _evaluation(request: HttpRequest, pk: int) -> Evaluation:
    queryset = evaluations_visible_to(page_user(request)).prefetch_related(
        Prefetch(
            "answers",
            queryset=answers_in_order(),
        ),
    )
    return visible_or_404(queryset, pk)


def _errors_of(evaluation: Evaluation) -> list[CriticalError]:
    return list(lineage_critical_errors(evaluation))


def _appeal_form(evaluation: Evaluation, errors: list[CriticalError], data: Any = None) -> AppealForm:
    return AppealForm(
        data,
        errors=[
            (e.pk, f"{error_type(e.type)} {e.offset_seconds // 60}:{e.offset_seconds % 60:02d}")
            for e in errors
            if e.status == CriticalErrorStatus.ACTIVE
        ],
        criteria=[(a.criterion_id, a.criterion.text) for a in evaluation.answers.all()],
    )


def _page(
    request: HttpRequest,
    evaluation: Evaluation,
    appeal_form: AppealForm | None = None,
    status: int = 200,
    cause_form: tuple[int, CauseChangeForm] | None = None,
) -> HttpResponse:
    user = page_user(request)
    errors = _errors_of(evaluation)
    for error in errors:
        # Whoever may decide what the error means for the agent may also say why it happened.
        if error.status == CriticalErrorStatus.ACTIVE and may_change_cause(error, user):
            given = cause_form[1] if cause_form and cause_form[0] == error.pk else None
            error.cause_form = given or CauseChangeForm(prefix=f"cause{error.pk}")  # type: ignore[attr-defined]
    is_agent = user.role == Role.AGENT and evaluation.call.agent_id == user.pk
    can_appeal = is_agent and evaluation.status in APPEALABLE and evaluation.superseded_at is None
    history = []
    current: Evaluation | None = evaluation
    while current is not None and current.previous_revision_id is not None:
        current = evaluations_visible_to(user).filter(pk=current.previous_revision_id).first()
        if current is not None:
            history.append(current)
    own = self_evaluation_of(evaluation, user)
    context = {
        "self_evaluation": own,
        # The agent may still score the call blind: the reviewer's scoring waits (critical errors never do).
        "withheld": bool(is_agent and own is not None and own.is_open),
        "comparison": side_by_side(own, evaluation) if own else [],
        "score_gap": score_gap(own, evaluation) if own else None,
        "evaluation": evaluation,
        "call": evaluation.call,
        "segments": list(segments_of(evaluation.call)),
        # Why screening selected the call: for the agent, and for the reviewer it was assigned to.
        "screening": candidates_for_call(call_id=evaluation.call_id, user=user),
        "errors": errors,
        "history": history,
        "later": evaluations_visible_to(user).filter(previous_revision=evaluation).first(),
        "appeals": appeals_visible_to(user).filter(evaluation=evaluation).order_by("-submitted_at"),
        "is_agent": is_agent,
        "can_coach": may_coach(evaluation.call.agent, user),
        "can_acknowledge": is_agent and evaluation.status == EvaluationStatus.SUBMITTED,
        "can_appeal": can_appeal,
        "appeal_form": appeal_form or (_appeal_form(evaluation, errors) if can_appeal else None),
        "appeal_window_days": settings.APPEAL_WINDOW_DAYS,
        "start_at": request.GET.get("t", ""),
    }
    return render(request, "web/evaluation.html", context, status=status)


@role_required(*CALL_READER_ROLES)
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    if evaluation.status == EvaluationStatus.DRAFT and evaluation.reviewer_id == page_user(request).pk:
        return redirect("web:call", pk=evaluation.call_id)
    return _page(request, evaluation)


@require_POST
@role_required(Role.AGENT)
def evaluation_acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    try:
        evaluation_services.evaluation_acknowledge(evaluation=evaluation, acting_user=page_user(request))
        messages.success(request, _("Acknowledged. This records that you saw the evaluation, not that you agree."))
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:evaluation", pk=pk)


@require_POST
@role_required(Role.SUPERVISOR, Role.QA_LEAD)
def critical_error_cause(request: HttpRequest, pk: int, error_id: int) -> HttpResponse:
    """Change an error's root cause, with a reason the agent reads (an alert's decider, an appeal's handler)."""
    evaluation = _evaluation(request, pk)
    error = next((e for e in _errors_of(evaluation) if e.pk == error_id), None)
    if error is None:
        raise Http404
    form = CauseChangeForm(request.POST, prefix=f"cause{error.pk}")
    if form.is_valid():
        try:
            critical_error_cause_change(
                error=error,
                root_cause=form.cleaned_data["root_cause"],
                reason=form.cleaned_data["reason"],
                acting_user=page_user(request),
            )
            messages.success(request, _("The root cause was changed; the agent sees it with your reason."))
            return redirect("web:evaluation", pk=pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    return _page(request, evaluation, status=400 if form.errors else 409, cause_form=(error.pk, form))


@require_POST
@role_required(Role.AGENT)
def appeal_create(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = _evaluation(request, pk)
    form = _appeal_form(evaluation, _errors_of(evaluation), request.POST)
    if form.is_valid():
        data = form.cleaned_data
        if not (data["whole_evaluation"] or data["critical_errors"] or data["criteria"]):
            form.add_error(None, _("Choose what you appeal: the whole evaluation, critical errors or answers."))
        else:
            try:
                appeal = appeal_services.appeal_submit(
                    evaluation=evaluation,
                    reason=data["reason"],
                    whole_evaluation=data["whole_evaluation"],
                    critical_error_ids=data["critical_errors"],
                    criterion_ids=data["criteria"],
                    acting_user=page_user(request),
                )
                messages.success(request, _("Your appeal was submitted. Someone independent will decide it."))
                return redirect("web:appeal", pk=appeal.pk)
            except DomainError as exc:
                report_domain_error(request, exc, form)
    return _page(request, evaluation, appeal_form=form, status=400)
