"""The supervisor's work queue and the scoring page (player, scorecard, critical errors at a moment)."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from django_htmx.http import trigger_client_event

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import (
    Channel,
    ConfirmationStatus,
    Evaluation,
    EvaluationStatus,
    ScorecardVersionStatus,
)
from reviews.selectors import (
    calls_visible_to,
    confirmation_tasks_visible_to,
    evaluations_visible_to,
    scorecard_versions_visible_to,
    users_visible_to,
)
from reviews.selectors.scorecards import criteria_in_order
from reviews.selectors.transcripts import segments_of
from reviews.selectors.work import critical_errors_of, draft_of, review_queue
from reviews.services import critical_errors as critical_error_services
from reviews.services import evaluations as evaluation_services
from reviews.templatetags.labels import person
from reviews.web.common import page_user, paginate_uncounted, report_domain_error, role_required, visible_or_404
from reviews.web.confirm import confirmation, is_confirmed
from reviews.web.forms import (
    NOT_APPLICABLE,
    AnswersForm,
    CriticalErrorForm,
    QueueFilterForm,
    StartEvaluationForm,
)

REVIEWERS = (Role.SUPERVISOR, Role.QA_LEAD)


@role_required(*REVIEWERS)
def queue(request: HttpRequest) -> HttpResponse:
    """Calls the reviewer may score, newest first, with whether they scored them already."""
    user = page_user(request)
    agents = users_visible_to(user).filter(role=Role.AGENT)
    form = QueueFilterForm(
        request.GET or None,
        agents=[(a.pk, a.get_full_name() or a.username) for a in agents],
        channels=[(value, str(label)) for value, label in Channel.choices],
    )
    filters = form.cleaned_or_empty() if form.is_bound else {}
    calls = review_queue(
        user, agent_id=filters.get("agent"), channel=filters.get("channel"), state=filters.get("status")
    )
    # Second opinions asked of this reviewer come first: each has a deadline.
    confirmations = confirmation_tasks_visible_to(user).filter(assignee=user, status=ConfirmationStatus.OPEN)
    return render(
        request,
        "web/queue.html",
        {"form": form, "page": paginate_uncounted(request, calls), "confirmations": confirmations[:20]},
    )


def _answers_form(draft: Evaluation, data: Any = None) -> AnswersForm:
    criteria = list(criteria_in_order(version_id=draft.scorecard_version_id))
    initial: dict[str, object] = {"summary": draft.summary}
    for answer in draft.answers.all():
        initial[f"c{answer.criterion_id}"] = NOT_APPLICABLE if answer.not_applicable else str(answer.points)
    return AnswersForm(data, criteria=criteria, initial=initial)


def _errors_panel(request: HttpRequest, draft: Evaluation, form: CriticalErrorForm | None = None) -> HttpResponse:
    """The critical-error panel for htmx, with the timeline's markers swapped out of band; the page then
    recomputes the live score (a critical error can set it to 0)."""
    errors = critical_errors_of(evaluation=draft)
    response = render(
        request,
        "web/partials/critical_errors.html",
        {"draft": draft, "errors": errors, "error_form": form or CriticalErrorForm(), "call": draft.call, "oob": True},
    )
    return trigger_client_event(response, "errors-changed")


@role_required(*REVIEWERS)
def call_page(request: HttpRequest, pk: int) -> HttpResponse:
    """The scoring page: call metadata, the recording, and the reviewer's draft (or a way to start one)."""
    user = page_user(request)
    call = visible_or_404(calls_visible_to(user), pk)
    draft = draft_of(call=call, reviewer_id=user.pk)
    versions = scorecard_versions_visible_to(user).filter(status=ScorecardVersionStatus.PUBLISHED)
    others = (
        evaluations_visible_to(user).filter(call=call).exclude(status=EvaluationStatus.DRAFT).order_by("-created_at")
    )
    context: dict[str, Any] = {
        "call": call,
        "segments": list(segments_of(call)),
        "start_at": request.GET.get("t", ""),
        "draft": draft,
        "evaluations": others,
        "start_form": StartEvaluationForm(versions=[(v.pk, f"{v.scorecard.name} v{v.number}") for v in versions]),
        "own_call": call.agent_id == user.pk,
        "mine": others.filter(reviewer=user).first(),
    }
    if draft is not None:
        context["answers_form"] = _answers_form(draft)
        context["errors"] = critical_errors_of(evaluation=draft)
        context["score"] = draft
        context["error_form"] = CriticalErrorForm()
    return render(request, "web/call.html", context)


@require_POST
@role_required(*REVIEWERS)
def evaluation_start(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    call = visible_or_404(calls_visible_to(user), pk)
    versions = scorecard_versions_visible_to(user).filter(status=ScorecardVersionStatus.PUBLISHED)
    form = StartEvaluationForm(request.POST, versions=[(v.pk, str(v.pk)) for v in versions])
    if not form.is_valid():
        messages.error(request, _("Choose a published scorecard."))
        return redirect("web:call", pk=call.pk)
    try:
        evaluation_services.evaluation_create(
            call=call,
            scorecard_version=versions.get(pk=form.cleaned_data["scorecard_version"]),
            acting_user=user,
            target_reason=form.cleaned_data["target_reason"],
            target_note=form.cleaned_data["target_note"],
        )
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:call", pk=call.pk)


@require_POST
@role_required(*REVIEWERS)
def evaluation_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the answers (and submit them, when the reviewer pressed Submit)."""
    user = page_user(request)
    call = visible_or_404(calls_visible_to(user), pk)
    draft = draft_of(call=call, reviewer_id=user.pk)
    if draft is None:
        messages.error(request, _("There is no draft of yours for this call any more."))
        return redirect("web:call", pk=call.pk)
    form = _answers_form(draft, request.POST)
    if form.is_valid():
        try:
            evaluation_services.evaluation_answers_save(
                evaluation=draft,
                answers=[
                    evaluation_services.AnswerInput(criterion_id=cid, points=points, not_applicable=na)
                    for cid, points, na in form.answers()
                ],
                summary=form.cleaned_data["summary"],
                acting_user=user,
            )
            if request.POST.get("action") != "submit":
                messages.success(request, _("Draft saved."))
                return redirect("web:call", pk=call.pk)
            evaluation_services.evaluation_check_complete(evaluation=draft)
            if not is_confirmed(request):
                # The answers are saved as a draft already: cancelling loses nothing.
                return confirmation(
                    request,
                    title=_("Submit this evaluation?"),
                    consequence=_(
                        "%(agent)s will see this evaluation and its score at once. Once submitted it cannot be "
                        "changed: a correction becomes a new revision, and %(agent)s may appeal it."
                    )
                    % {"agent": person(call.agent)},
                    button=_("Submit evaluation"),
                    cancel_url=reverse("web:call", args=[call.pk]),
                    details=[(_("Call"), call.external_id), (_("Scorecard"), str(draft.scorecard_version.scorecard))],
                )
            evaluation_services.evaluation_submit(evaluation=draft, acting_user=user)
            messages.success(request, _("Evaluation submitted. The agent can see it now."))
            return redirect("web:evaluation", pk=draft.pk)
        except DomainError as exc:
            answer_fields = {f"answers.{i}": f"c{cid}" for i, (cid, _points, _na) in enumerate(form.answers())}
            report_domain_error(request, exc, form, field_names=answer_fields)
            for criterion_id in exc.params.get("unanswered_criterion_ids", []):
                form.add_error(f"c{criterion_id}", _("Answer this criterion before submitting."))
    errors = critical_errors_of(evaluation=draft)
    context = {
        "call": call,
        "segments": list(segments_of(call)),
        "draft": draft,
        "answers_form": form,
        "errors": errors,
        "error_form": CriticalErrorForm(),
        "evaluations": [],
        "score": evaluation_services.evaluation_score_preview(evaluation=draft, answers=_chosen_answers(form)),
    }
    return render(request, "web/call.html", context, status=400)


def _chosen_answers(form: AnswersForm) -> list[evaluation_services.AnswerInput]:
    """The answers of a bound form that are valid so far (an invalid or empty one does not count yet)."""
    form.is_valid()
    return [
        evaluation_services.AnswerInput(criterion_id=cid, points=points, not_applicable=na)
        for cid, points, na in form.answers()
    ]


@require_POST
@role_required(*REVIEWERS)
def evaluation_score_preview(request: HttpRequest, pk: int) -> HttpResponse:
    """The live score as the reviewer changes answers: computed from the form, nothing is saved."""
    user = page_user(request)
    call = visible_or_404(calls_visible_to(user), pk)
    draft = draft_of(call=call, reviewer_id=user.pk)
    if draft is None:
        return HttpResponse(_("There is no draft of yours for this call any more."), status=409)
    score = evaluation_services.evaluation_score_preview(
        evaluation=draft, answers=_chosen_answers(_answers_form(draft, request.POST))
    )
    return render(request, "web/partials/live_score.html", {"score": score})


@require_POST
@role_required(*REVIEWERS)
def critical_error_add(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    call = visible_or_404(calls_visible_to(user), pk)
    draft = draft_of(call=call, reviewer_id=user.pk)
    if draft is None:
        messages.error(request, _("There is no draft of yours for this call any more."))
        return redirect("web:call", pk=call.pk)
    form = CriticalErrorForm(request.POST)
    if form.is_valid():
        try:
            critical_error_services.critical_error_log(
                evaluation=draft,
                error_type=form.cleaned_data["type"],
                offset_seconds=form.cleaned_data["offset_seconds"],
                note=form.cleaned_data["note"],
                root_cause=form.cleaned_data["root_cause"],
                acting_user=user,
            )
            form = CriticalErrorForm()
        except DomainError as exc:
            report_domain_error(request, exc, form)
    if request.htmx:  # type: ignore[attr-defined]
        return _errors_panel(request, draft, form)
    return redirect(reverse("web:call", args=[call.pk]) + "#critical-errors")


@require_POST
@role_required(*REVIEWERS)
def critical_error_remove(request: HttpRequest, pk: int, error_id: int) -> HttpResponse:
    user = page_user(request)
    call = visible_or_404(calls_visible_to(user), pk)
    draft = draft_of(call=call, reviewer_id=user.pk)
    error = critical_errors_of(evaluation=draft).filter(pk=error_id).first() if draft else None
    if draft is None or error is None:
        messages.error(request, _("That critical error is not on your draft."))
        return redirect("web:call", pk=call.pk)
    try:
        critical_error_services.critical_error_remove(critical_error=error, acting_user=user)
    except DomainError as exc:
        report_domain_error(request, exc)
    if request.htmx:  # type: ignore[attr-defined]
        return _errors_panel(request, draft)
    return redirect(reverse("web:call", args=[call.pk]) + "#critical-errors")
