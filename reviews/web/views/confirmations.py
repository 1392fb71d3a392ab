"""Second opinions: the second reviewer listens and judges, blind; a QA lead decides disagreements."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.api.serializers.confirmations import LISTEN_AROUND_SECONDS
from reviews.domain.errors import DomainError
from reviews.models import ConfirmationStatus, ConfirmationTask
from reviews.selectors import confirmation_tasks_visible_to
from reviews.services import confirmations as confirmation_services
from reviews.web.common import page_user, paginate, report_domain_error, role_required, visible_or_404
from reviews.web.forms.confirmations import ConfirmationAnswerForm, ConfirmationDecisionForm

SECOND_REVIEWERS = (Role.SUPERVISOR, Role.QA_LEAD)


@role_required(*SECOND_REVIEWERS)
def confirmation_list(request: HttpRequest) -> HttpResponse:
    tasks = confirmation_tasks_visible_to(page_user(request))
    status = request.GET.get("status", "")
    if status in ConfirmationStatus.values:
        tasks = tasks.filter(status=status)
    return render(
        request,
        "web/confirmations.html",
        {"page": paginate(request, tasks), "status": status, "statuses": ConfirmationStatus.choices},
    )


def _page(
    request: HttpRequest,
    task: ConfirmationTask,
    answer_form: ConfirmationAnswerForm | None = None,
    decision_form: ConfirmationDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = page_user(request)
    error = task.critical_error
    call = error.evaluation.call
    is_assignee = task.assignee_id == user.pk
    may_decide = confirmation_services.may_decide_disagreement(task, user)
    context = {
        "task": task,
        "error": error,
        "call": call,
        # The second reviewer hears the moment without the first judgment; a QA lead sees both.
        "blind": user.role != Role.QA_LEAD,
        "start_at": max(0, error.offset_seconds - LISTEN_AROUND_SECONDS),
        "listen_until": min(call.handle_time_seconds, error.offset_seconds + LISTEN_AROUND_SECONDS),
        "answer_form": answer_form
        or (ConfirmationAnswerForm() if is_assignee and task.status == ConfirmationStatus.OPEN else None),
        "decision_form": decision_form or (ConfirmationDecisionForm() if may_decide else None),
    }
    return render(request, "web/confirmation.html", context, status=status)


@role_required(*SECOND_REVIEWERS)
def confirmation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, visible_or_404(confirmation_tasks_visible_to(page_user(request)), pk))


@require_POST
@role_required(*SECOND_REVIEWERS)
def confirmation_answer(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_or_404(confirmation_tasks_visible_to(page_user(request)), pk)
    form = ConfirmationAnswerForm(request.POST)
    if form.is_valid():
        try:
            task = confirmation_services.confirmation_answer(
                task=task,
                found=form.cleaned_data["found"] == "yes",
                note=form.cleaned_data["note"],
                acting_user=page_user(request),
            )
            messages.success(
                request,
                _("Thank you: the error is confirmed.")
                if task.status == ConfirmationStatus.CONFIRMED
                else _("Thank you: a QA lead decides, because the two of you disagree."),
            )
            return redirect("web:confirmation", pk=pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    return _page(request, task, answer_form=form, status=400)


@require_POST
@role_required(Role.QA_LEAD)
def confirmation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    task = visible_or_404(confirmation_tasks_visible_to(page_user(request)), pk)
    form = ConfirmationDecisionForm(request.POST)
    if form.is_valid():
        try:
            confirmation_services.confirmation_decide(
                task=task,
                confirmed=form.cleaned_data["confirmed"] == "yes",
                rationale=form.cleaned_data["rationale"],
                acting_user=page_user(request),
            )
            messages.success(request, _("Decided. The reviewers and the record show your reason."))
            return redirect("web:confirmation", pk=pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    return _page(request, task, decision_form=form, status=400)
