"""Calibration sessions (blind scoring, agreement on close) and reviewer consistency."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import (
    CalibrationStatus,
    ScorecardVersionStatus,
)
from reviews.selectors import (
    calibration_sessions_visible_to,
    calls_visible_to,
    scorecard_versions_visible_to,
)
from reviews.selectors.consistency import reviewer_consistency_for
from reviews.selectors.scorecards import (
    criteria_in_order,
)
from reviews.selectors.work import active_reviewers
from reviews.services import calibration as calibration_services
from reviews.services.evaluations import AnswerInput
from reviews.web.common import (
    page_user,
    paginate,
    period_of,
    report_domain_error,
    reviewer_choices,
    role_required,
    visible_or_404,
)
from reviews.web.forms import (
    CalibrationForm,
    CalibrationScoreForm,
    PeriodForm,
)


@role_required(Role.QA_LEAD, Role.SUPERVISOR)
def calibration_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = None
    if user.role == Role.QA_LEAD:
        calls = calls_visible_to(user).order_by("-started_at")[:200]
        versions = scorecard_versions_visible_to(user).filter(status=ScorecardVersionStatus.PUBLISHED)
        form = CalibrationForm(
            request.POST or None,
            calls=[(c.pk, f"{c.external_id} · {timezone.localtime(c.started_at):%Y-%m-%d %H:%M}") for c in calls],
            versions=[(v.pk, f"{v.scorecard.name} v{v.number}") for v in versions],
            reviewers=reviewer_choices(),
        )
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            people = list(active_reviewers().filter(pk__in=data["participants"]))
            try:
                session = calibration_services.calibration_session_create(
                    call=calls_visible_to(user).get(pk=data["call"]),
                    scorecard_version=versions.get(pk=data["scorecard_version"]),
                    title=data["title"],
                    participants=people,
                    reference_reviewer=active_reviewers().filter(pk=data["reference_reviewer"]).first()
                    if data["reference_reviewer"]
                    else None,
                    acting_user=user,
                )
                return redirect("web:calibration", pk=session.pk)
            except DomainError as exc:
                report_domain_error(request, exc, form)
    sessions = calibration_sessions_visible_to(user).order_by("-created_at")
    return render(
        request,
        "web/calibrations.html",
        {"page": paginate(request, sessions), "form": form},
        status=400 if form is not None and form.errors else 200,
    )


def _score_form(session, data=None):  # type: ignore[no-untyped-def]
    criteria = list(criteria_in_order(version_id=session.scorecard_version_id))
    return CalibrationScoreForm(data, criteria=criteria)


@role_required(Role.QA_LEAD, Role.SUPERVISOR)
def calibration_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    session = visible_or_404(calibration_sessions_visible_to(user).prefetch_related("participants__reviewer"), pk)
    participant = any(p.reviewer_id == user.pk for p in session.participants.all())
    mine = session.evaluations.filter(reviewer=user).first()
    form = _score_form(session) if participant and mine is None and session.status == CalibrationStatus.OPEN else None
    status = 200
    if request.method == "POST":
        try:
            if request.POST.get("action") == "close":
                calibration_services.calibration_session_close(session=session, acting_user=user)
                return redirect("web:calibration", pk=pk)
            form = _score_form(session, request.POST)
            if form.is_valid():
                data = form.cleaned_data
                errors = []
                if data.get("critical_error_type") is not None:
                    errors.append(
                        calibration_services.CalibrationError(
                            type_code=data["critical_error_type"].code,
                            offset_seconds=data.get("critical_error_offset") or 0,
                            note=str(_("Logged in calibration")),
                        )
                    )
                calibration_services.calibration_score(
                    session=session,
                    answers=[AnswerInput(criterion_id=c, points=p, not_applicable=na) for c, p, na in form.answers()],
                    critical_errors=errors,
                    acting_user=user,
                )
                messages.success(request, _("Your blind scoring is saved."))
                return redirect("web:calibration", pk=pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
        status = 400
    scored = set(session.evaluations.values_list("reviewer_id", flat=True))
    names = {
        str(p.reviewer_id): (p.reviewer.get_full_name() or p.reviewer.username) for p in session.participants.all()
    }
    results = session.results if session.status == CalibrationStatus.CLOSED else None
    return render(
        request,
        "web/calibration.html",
        {
            "session": session,
            "participants": [(p, p.reviewer_id in scored) for p in session.participants.all()],
            "form": form,
            "mine": mine,
            "results": results,
            "names": names,
            "agent_hidden": session.hide_agent and session.status == CalibrationStatus.OPEN,
        },
        status=status,
    )


@role_required(Role.QA_LEAD, Role.SUPERVISOR)
def consistency(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    start, end = period_of(form)
    rows = reviewer_consistency_for(page_user(request), start=start, end=end)
    return render(request, "web/consistency.html", {"rows": rows, "form": form, "start": start, "end": end})
