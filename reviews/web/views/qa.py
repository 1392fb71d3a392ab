"""The QA lead's pages: scorecards, threshold rules, scoring runs with live progress, calibration, consistency."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role, User
from reviews.domain.errors import DomainError
from reviews.models import (
    CalibrationStatus,
    Criterion,
    RunTrigger,
    ScorecardVersionStatus,
    Section,
)
from reviews.selectors import (
    calibration_sessions_visible_to,
    calls_visible_to,
    rule_versions_visible_to,
    scorecard_versions_visible_to,
    scorecards_visible_to,
    scoring_runs_visible_to,
    threshold_rules_visible_to,
)
from reviews.selectors.consistency import reviewer_consistency_for
from reviews.services import calibration as calibration_services
from reviews.services import rules as rule_services
from reviews.services import scorecards as scorecard_services
from reviews.services import scoring as scoring_services
from reviews.services.evaluations import AnswerInput
from reviews.services.rule_preview import rule_version_preview
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
    CriterionForm,
    PeriodForm,
    RuleForm,
    ScorecardForm,
    ScoringRunForm,
    SectionForm,
)

# --- Scorecards ------------------------------------------------------------------------------


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


@role_required(Role.QA_LEAD)
def scorecard_version(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    version = visible_or_404(scorecard_versions_visible_to(user), pk)
    sections = list(
        Section.objects.filter(version=version)
        .prefetch_related(Prefetch("criteria", queryset=Criterion.objects.order_by("position", "pk")))
        .order_by("position", "pk")
    )
    section_form = SectionForm(prefix="section")
    criterion_form = CriterionForm(prefix="criterion", sections=[(s.pk, s.title) for s in sections])
    status = 200
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add-section":
                section_form = SectionForm(request.POST, prefix="section")
                if section_form.is_valid():
                    scorecard_services.section_add(
                        version=version, title=section_form.cleaned_data["title"], acting_user=user
                    )
                    return redirect("web:scorecard-version", pk=pk)
            elif action == "add-criterion":
                criterion_form = CriterionForm(
                    request.POST, prefix="criterion", sections=[(s.pk, s.title) for s in sections]
                )
                if criterion_form.is_valid():
                    data = criterion_form.cleaned_data
                    scorecard_services.criterion_add(
                        section=next(s for s in sections if s.pk == data["section"]),
                        text=data["text"],
                        guidance=data["guidance"],
                        max_points=data["max_points"],
                        na_allowed=data["na_allowed"],
                        acting_user=user,
                    )
                    return redirect("web:scorecard-version", pk=pk)
            elif action == "delete-criterion":
                criterion = Criterion.objects.filter(section__version=version, pk=request.POST.get("id", 0)).first()
                if criterion is not None:
                    scorecard_services.criterion_delete(criterion=criterion, acting_user=user)
                return redirect("web:scorecard-version", pk=pk)
            elif action == "delete-section":
                section = Section.objects.filter(version=version, pk=request.POST.get("id", 0)).first()
                if section is not None:
                    scorecard_services.section_delete(section=section, acting_user=user)
                return redirect("web:scorecard-version", pk=pk)
            elif action == "publish":
                scorecard_services.scorecard_version_publish(version=version, acting_user=user)
                messages.success(request, _("Published. New evaluations use this version."))
                return redirect("web:scorecard-version", pk=pk)
            elif action == "new-version":
                draft = scorecard_services.scorecard_version_create_draft(scorecard=version.scorecard, acting_user=user)
                return redirect("web:scorecard-version", pk=draft.pk)
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
            "section_form": section_form,
            "criterion_form": criterion_form,
        },
        status=status,
    )


# --- Threshold rules ---------------------------------------------------------------------------


@role_required(Role.QA_LEAD)
def rule_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = RuleForm(request.POST or None, initial={"effective_from": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            rule = rule_services.threshold_rule_create(
                name=data["name"],
                terms=rule_services.RuleTerms(
                    purpose=data["purpose"],
                    counted_type_codes=frozenset(t.code for t in data["counted_types"]),
                    count_n=data["count_n"],
                    window_days=data["window_days"],
                    level=data["level"],
                    effective_from=data["effective_from"],
                ),
                acting_user=user,
            )
            messages.success(request, _("Draft rule saved. Propose it to the works council when it is ready."))
            return redirect("web:rule", pk=rule.pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    rules = threshold_rules_visible_to(user).prefetch_related("versions").order_by("name")
    return render(request, "web/rules.html", {"rules": rules, "form": form}, status=400 if form.errors else 200)


@role_required(Role.QA_LEAD)
def rule_detail(request: HttpRequest, pk: int) -> HttpResponse:
    user = page_user(request)
    rule = visible_or_404(threshold_rules_visible_to(user), pk)
    versions = (
        rule_versions_visible_to(user)
        .filter(rule=rule)
        .prefetch_related("counted_types", "scope_teams", "consents__decided_by")
        .order_by("-number")
    )
    return render(request, "web/rule.html", {"rule": rule, "versions": versions, "today": timezone.localdate()})


@require_POST
@role_required(Role.QA_LEAD)
def rule_version_action(request: HttpRequest, pk: int, version_id: int) -> HttpResponse:
    user = page_user(request)
    version = visible_or_404(rule_versions_visible_to(user).filter(rule_id=pk), version_id)
    actions = {
        "propose": (rule_services.rule_version_propose, _("Proposed to the works council.")),
        "activate": (rule_services.rule_version_activate, _("Active: the next scoring run applies it.")),
        "retire": (rule_services.rule_version_retire, _("Retired: it no longer raises alerts.")),
    }
    chosen = actions.get(request.POST.get("action", ""))
    if chosen is None:
        messages.error(request, _("Unknown action."))
        return redirect("web:rule", pk=pk)
    service, done = chosen
    try:
        service(version=version, acting_user=user)
        messages.success(request, done)
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:rule", pk=pk)


@role_required(Role.QA_LEAD, Role.WORKS_COUNCIL)
def rule_version_preview_panel(request: HttpRequest, pk: int, version_id: int) -> HttpResponse:
    """What-if, loaded into the page by htmx (or opened on its own)."""
    user = page_user(request)
    version = visible_or_404(rule_versions_visible_to(user).filter(rule_id=pk), version_id)
    try:
        preview = rule_version_preview(version=version, acting_user=user)
    except DomainError as exc:
        return render(request, "web/partials/preview.html", {"error": exc.message}, status=exc.status_code)
    return render(request, "web/partials/preview.html", {"preview": preview, "version": version})


# --- Scoring runs --------------------------------------------------------------------------------


@role_required(Role.QA_LEAD)
def run_list(request: HttpRequest) -> HttpResponse:
    user = page_user(request)
    form = ScoringRunForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        as_of = form.cleaned_data["as_of"]
        try:
            run = scoring_services.scoring_run_create(trigger=RunTrigger.MANUAL, as_of=as_of, acting_user=user)
            return redirect("web:run", pk=run.pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    runs = scoring_runs_visible_to(user).order_by("-created_at", "-pk")
    return render(
        request, "web/runs.html", {"page": paginate(request, runs), "form": form}, status=400 if form.errors else 200
    )


@role_required(Role.QA_LEAD)
def run_detail(request: HttpRequest, pk: int) -> HttpResponse:
    run = visible_or_404(scoring_runs_visible_to(page_user(request)), pk)
    template = "web/partials/run_progress.html" if request.htmx else "web/run.html"  # type: ignore[attr-defined]
    return render(request, template, {"run": run})


# --- Calibration ------------------------------------------------------------------------------------


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
            people = list(User.objects.filter(pk__in=data["participants"]))
            try:
                session = calibration_services.calibration_session_create(
                    call=calls_visible_to(user).get(pk=data["call"]),
                    scorecard_version=versions.get(pk=data["scorecard_version"]),
                    title=data["title"],
                    participants=people,
                    reference_reviewer=User.objects.filter(pk=data["reference_reviewer"]).first()
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
    criteria = list(
        Criterion.objects.filter(section__version_id=session.scorecard_version_id)
        .select_related("section")
        .order_by("section__position", "position", "pk")
    )
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


# --- Reviewer consistency -----------------------------------------------------------------------------


@role_required(Role.QA_LEAD, Role.SUPERVISOR)
def consistency(request: HttpRequest) -> HttpResponse:
    form = PeriodForm(request.GET or None)
    start, end = period_of(form)
    rows = reviewer_consistency_for(page_user(request), start=start, end=end)
    return render(request, "web/consistency.html", {"rows": rows, "form": form, "start": start, "end": end})
