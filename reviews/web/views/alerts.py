"""Alerts: the list for deciders (and decided ones for the agent), the evidence, confirm or dismiss."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import Alert, AlertStatus
from reviews.selectors import CALL_READER_ROLES, alert_evidence_prefetch, alerts_visible_to, with_evidence_counts
from reviews.services import alerts as alert_services
from reviews.templatetags.labels import person
from reviews.web.common import page_user, paginate_uncounted, report_domain_error, role_required, visible_or_404
from reviews.web.confirm import confirmation, is_confirmed
from reviews.web.forms import DecisionForm

DECIDERS = (Role.SUPERVISOR, Role.QA_LEAD)


def _alerts(request: HttpRequest):  # type: ignore[no-untyped-def]
    return (
        with_evidence_counts(alerts_visible_to(page_user(request)))
        .select_related("rule_version__rule")
        .prefetch_related("rule_version__counted_types")
        .order_by("-opened_at", "-pk")
    )


@role_required(*CALL_READER_ROLES)
def alert_list(request: HttpRequest) -> HttpResponse:
    alerts = _alerts(request)
    status = request.GET.get("status", "")
    if status in AlertStatus.values:
        alerts = alerts.filter(status=status)
    return render(
        request,
        "web/alerts.html",
        {"page": paginate_uncounted(request, alerts), "status": status, "statuses": AlertStatus.choices},
    )


def _page(request: HttpRequest, alert: Alert, form: DecisionForm | None = None, status: int = 200) -> HttpResponse:
    user = page_user(request)
    can_decide = user.role in DECIDERS and alert.status == AlertStatus.OPEN
    if user.role in DECIDERS:
        # Opening the page is opening the evidence: a recorded, sensitive read, needed before deciding.
        alert_services.alert_view_evidence(alert=alert, acting_user=user)
    evidence = alert.evidence.all()
    return render(
        request,
        "web/alert.html",
        {
            "alert": alert,
            "evidence": evidence,
            "can_decide": can_decide,
            "form": form or (DecisionForm() if can_decide else None),
        },
        status=status,
    )


def _alert(request: HttpRequest, pk: int) -> Alert:
    return visible_or_404(_alerts(request).prefetch_related(alert_evidence_prefetch()), pk)


@role_required(*CALL_READER_ROLES)
def alert_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _page(request, _alert(request, pk))


def _confirm_decision(request: HttpRequest, alert: Alert, decision: str) -> HttpResponse:
    names = {
        "agent": person(alert.agent),
        "level": alert.get_level_display().lower(),
        "rule": alert.rule_version.rule.name,
        "version": alert.rule_version.number,
    }
    if decision == "confirm":
        title = _("Confirm this %(level)s?") % names
        consequence = _(
            "This confirms a %(level)s for %(agent)s under the rule “%(rule)s” (version %(version)s). "
            "%(agent)s will see your decision and your reasons. It cannot be undone; only an appeal can retract it."
        )
    else:
        title = _("Dismiss this alert?")
        consequence = _(
            "This dismisses the alert about %(agent)s under the rule “%(rule)s” (version %(version)s); its "
            "critical errors will not be counted again by this rule. %(agent)s will see your decision and your "
            "reasons. It cannot be undone."
        )
    return confirmation(
        request,
        title=title,
        consequence=consequence % names,
        button=_("Confirm the alert") if decision == "confirm" else _("Dismiss the alert"),
        cancel_url=reverse("web:alert", args=[alert.pk]),
        details=[(_("Level"), alert.get_level_display()), (_("Rationale"), request.POST.get("rationale", ""))],
    )


@require_POST
@role_required(*DECIDERS)
def alert_decide(request: HttpRequest, pk: int) -> HttpResponse:
    alert = _alert(request, pk)
    form = DecisionForm(request.POST)
    if form.is_valid() and not is_confirmed(request):
        return _confirm_decision(request, alert, form.cleaned_data["decision"])
    if form.is_valid():
        try:
            alert_services.alert_decide(
                alert=alert,
                decision=form.cleaned_data["decision"],
                rationale=form.cleaned_data["rationale"],
                acting_user=page_user(request),
            )
            messages.success(request, _("Decision recorded."))
            return redirect("web:alert", pk=pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    return _page(request, alert, form, status=400)
