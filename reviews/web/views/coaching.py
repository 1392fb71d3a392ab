"""Coaching plans: opened by a coach, with sessions and the agent's own comment; the agent sees it all."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import CoachingPlan, CoachingStatus
from reviews.selectors import alerts_visible_to, coaching_plans_visible_to, evaluations_visible_to, users_visible_to
from reviews.services import coaching as coaching_services
from reviews.web.common import page_user, paginate, report_domain_error, role_required, visible_or_404
from reviews.web.confirm import confirmation, is_confirmed
from reviews.web.forms.coaching import CoachingCloseForm, CoachingCommentForm, CoachingPlanForm, CoachingSessionForm

COACHES = (Role.SUPERVISOR, Role.QA_LEAD)
READERS = (Role.AGENT, *COACHES)


def _plan_form(request: HttpRequest, data: object = None) -> CoachingPlanForm:
    agents = users_visible_to(page_user(request)).filter(role=Role.AGENT, is_active=True)
    initial = {k: request.GET.get(k) for k in ("agent", "evaluation", "alert") if request.GET.get(k, "").isdigit()}
    return CoachingPlanForm(data, agents=[(a.pk, a.get_full_name() or a.username) for a in agents], initial=initial)


@role_required(*READERS)
def coaching_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = _plan_form(request) if user.role in COACHES else None
    plans = coaching_plans_visible_to(user)
    return render(request, "web/coaching_plans.html", {"page": paginate(request, plans), "form": form})


@require_POST
@role_required(*COACHES)
def coaching_open(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = _plan_form(request, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            plan = coaching_services.coaching_plan_open(
                agent=visible_or_404(users_visible_to(user), data["agent"]),
                goals=data["goals"],
                evaluation=visible_or_404(evaluations_visible_to(user), data["evaluation"])
                if data["evaluation"]
                else None,
                alert=visible_or_404(alerts_visible_to(user), data["alert"]) if data["alert"] else None,
                acting_user=user,
            )
            messages.success(request, _("Coaching plan opened. The agent sees it and can comment on it."))
            return redirect("web:coaching-plan", pk=plan.pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    plans = coaching_plans_visible_to(user)
    return render(request, "web/coaching_plans.html", {"page": paginate(request, plans), "form": form}, status=400)


def _page(request: HttpRequest, plan: CoachingPlan, status: int = 200, **forms: object) -> HttpResponse:
    user = page_user(request)
    is_open = plan.status == CoachingStatus.OPEN
    coach = user.role in COACHES and is_open
    context = {
        "plan": plan,
        "session_form": forms.get("session_form") or (CoachingSessionForm() if coach else None),
        "close_form": forms.get("close_form") or (CoachingCloseForm() if coach else None),
        "comment_form": forms.get("comment_form")
        or (
            CoachingCommentForm(initial={"comment": plan.agent_comment})
            if is_open and user.pk == plan.agent_id
            else None
        ),
    }
    return render(request, "web/coaching_plan.html", context, status=status)


def _plan(request: HttpRequest, pk: int) -> CoachingPlan:
    return visible_or_404(coaching_plans_visible_to(page_user(request)), pk)


@role_required(*READERS)
def coaching_plan(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _plan(request, pk))


@require_POST
@role_required(*COACHES)
def coaching_session(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = CoachingSessionForm(request.POST)
    if form.is_valid():
        try:
            coaching_services.coaching_session_add(plan=plan, acting_user=page_user(request), **form.cleaned_data)
            messages.success(request, _("Session recorded. The agent sees it."))
            return redirect("web:coaching-plan", pk=pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    return _page(request, plan, status=400, session_form=form)


@require_POST
@role_required(Role.AGENT)
def coaching_comment(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = CoachingCommentForm(request.POST)
    if form.is_valid():
        try:
            coaching_services.coaching_plan_comment(
                plan=plan, comment=form.cleaned_data["comment"], acting_user=page_user(request)
            )
            messages.success(request, _("Your comment is saved with the plan."))
            return redirect("web:coaching-plan", pk=pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    return _page(request, plan, status=400, comment_form=form)


@require_POST
@role_required(*COACHES)
def coaching_close(request: HttpRequest, pk: int) -> HttpResponse:
    plan = _plan(request, pk)
    form = CoachingCloseForm(request.POST)
    if form.is_valid() and not is_confirmed(request):
        return confirmation(
            request,
            title=_("Close this coaching plan?"),
            consequence=_("No sessions or comments can be added afterwards; the agent keeps seeing the plan."),
            button=_("Close the plan"),
            cancel_url=reverse("web:coaching-plan", args=[pk]),
        )
    if form.is_valid():
        try:
            coaching_services.coaching_plan_close(
                plan=plan,
                status=form.cleaned_data["status"],
                note=form.cleaned_data["note"],
                acting_user=page_user(request),
            )
            messages.success(request, _("The coaching plan is closed."))
            return redirect("web:coaching-plan", pk=pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    return _page(request, plan, status=400, close_form=form)
