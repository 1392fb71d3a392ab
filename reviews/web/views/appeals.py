"""Appeals: the agent's and the handler's view, starting the review, deciding every item, reassigning."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.domain.appeals import uphold_all
from reviews.domain.errors import DomainError
from reviews.models import OPEN_APPEAL_STATUSES, Appeal, AppealStatus
from reviews.selectors import CALL_READER_ROLES, appeal_items_prefetch, appeals_visible_to, with_overdue
from reviews.selectors.work import active_reviewers
from reviews.services import appeal_decisions
from reviews.services import appeals as appeal_services
from reviews.web.common import page_user, paginate, report_domain_error, reviewer_choices, role_required, visible_or_404
from reviews.web.confirm import confirmation, is_confirmed
from reviews.web.forms import NOT_APPLICABLE, AppealDecisionForm, AssignForm


def _appeals(request: HttpRequest):  # type: ignore[no-untyped-def]
    return (
        with_overdue(appeals_visible_to(page_user(request)))
        .prefetch_related(appeal_items_prefetch())
        .order_by("-submitted_at", "-pk")
    )


@role_required(*CALL_READER_ROLES)
def appeal_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    appeals = _appeals(request)
    if request.GET.get("mine") == "1":
        appeals = appeals.filter(assignee=user)
    if request.GET.get("open") == "1":
        appeals = appeals.filter(status__in=OPEN_APPEAL_STATUSES)
    return render(request, "web/appeals.html", {"page": paginate(request, appeals)})


def _page(
    request: HttpRequest,
    appeal: Appeal,
    decision_form: AppealDecisionForm | None = None,
    status: int = 200,
) -> HttpResponse:
    user = page_user(request)
    items = list(appeal.items.all())
    # Each contested answer beside the answer the reviewer gave: the handler decides knowing both.
    answers = {a.criterion_id: a for a in appeal.evaluation.answers.all()}
    originals = {item.pk: answers[item.criterion_id] for item in items if item.criterion_id in answers}
    is_assignee = appeal.assignee_id == user.pk
    context = {
        "appeal": appeal,
        "call": appeal.evaluation.call,
        "errors": [item.critical_error for item in items if item.critical_error_id],
        "items": items,
        "originals": originals,
        "is_assignee": is_assignee,
        "can_withdraw": appeal.agent_id == user.pk and appeal.status in OPEN_APPEAL_STATUSES,
        "can_start": is_assignee and appeal.status == AppealStatus.SUBMITTED,
        "decision_form": decision_form
        or (AppealDecisionForm(items=items) if is_assignee and appeal.status == AppealStatus.IN_REVIEW else None),
        "assign_form": AssignForm(people=reviewer_choices(), initial={"assignee": appeal.assignee_id})
        if user.role == Role.QA_LEAD and appeal.status in OPEN_APPEAL_STATUSES
        else None,
    }
    return render(request, "web/appeal.html", context, status=status)


@role_required(*CALL_READER_ROLES)
def appeal_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, visible_or_404(_appeals(request), pk))


@require_POST
@role_required(Role.SUPERVISOR, Role.QA_LEAD)
def appeal_start_review(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = visible_or_404(_appeals(request), pk)
    try:
        appeal_services.appeal_start_review(appeal=appeal, acting_user=page_user(request))
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:appeal", pk=pk)


@require_POST
@role_required(Role.SUPERVISOR, Role.QA_LEAD)
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = visible_or_404(_appeals(request), pk)
    items = list(appeal.items.all())
    form = AppealDecisionForm(request.POST, items=items)
    if form.is_valid():
        decisions = []
        for item in items:
            corrected = form.cleaned_data.get(f"i{item.pk}_corrected") or ""
            decisions.append(
                appeal_decisions.ItemDecision(
                    item_id=item.pk,
                    overturned=form.cleaned_data[f"i{item.pk}_overturned"],
                    rationale=form.cleaned_data[f"i{item.pk}_rationale"],
                    corrected_points=int(corrected) if corrected not in ("", NOT_APPLICABLE) else None,
                    corrected_not_applicable=corrected == NOT_APPLICABLE,
                )
            )
        if request.POST.get("action") == "uphold_all":
            decisions = uphold_all(decisions, form.cleaned_data["rationale"])
        try:
            appeal_decisions.appeal_decide(
                appeal=appeal,
                decisions=decisions,
                rationale=form.cleaned_data["rationale"],
                acting_user=page_user(request),
            )
            messages.success(request, _("The appeal is decided; the agent has been told."))
            return redirect("web:appeal", pk=pk)
        except DomainError as exc:
            report_domain_error(
                request, exc, form, field_names={f"items[{item.pk}]": f"i{item.pk}_rationale" for item in items}
            )
    return _page(request, appeal, decision_form=form, status=400)


@require_POST
@role_required(Role.AGENT)
def appeal_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = visible_or_404(_appeals(request), pk)
    if not is_confirmed(request):
        return confirmation(
            request,
            title=_("Withdraw your appeal?"),
            consequence=_("Withdrawing is final: the evaluation then stands as it is, and you cannot appeal it again."),
            button=_("Withdraw the appeal"),
            cancel_url=reverse("web:appeal", args=[pk]),
        )
    try:
        appeal_services.appeal_withdraw(appeal=appeal, acting_user=page_user(request))
        messages.success(request, _("Appeal withdrawn. The evaluation now stands as final."))
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:appeal", pk=pk)


@require_POST
@role_required(Role.QA_LEAD)
def appeal_assign(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = visible_or_404(_appeals(request), pk)
    form = AssignForm(request.POST, people=reviewer_choices())
    if not form.is_valid():
        messages.error(request, _("Choose a supervisor or QA lead."))
        return redirect("web:appeal", pk=pk)
    try:
        appeal_services.appeal_assign(
            appeal=appeal,
            assignee=active_reviewers().get(pk=form.cleaned_data["assignee"]),
            acting_user=page_user(request),
        )
        messages.success(request, _("Appeal reassigned."))
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:appeal", pk=pk)
