"""The works council's pages: register with consent and nullity, usage, group breakdown, pressure, audit.

Pseudonymised aggregates only (the same selectors as the API); every read is audited.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST
from rest_framework.request import Request

from accounts.models import EmploymentType, Role
from accounts.pseudonyms import pseudonym_for
from reviews.api.params import council_range, council_window_between, window_bounds
from reviews.domain.errors import DomainError
from reviews.models import RuleVersion, RuleVersionStatus
from reviews.selectors import root_causes_visible_to, rule_versions_visible_to
from reviews.selectors.council_causes import NOT_RECORDED, cause_distribution
from reviews.selectors.council_groups import NO_TEAM, UNKNOWN_TYPE
from reviews.selectors.council_support import support_before_sanction, uncoached_warnings_by_rule
from reviews.selectors.works_council import (
    audit_log,
    group_breakdown,
    pressure_indicators,
    reviewer_aggregates,
    rule_register,
    rule_usage,
)
from reviews.services import rules as rule_services
from reviews.services.audit import audit_chain_verify
from reviews.services.figures import figures_refresh_before_read
from reviews.services.works_council import audit_verification_record, works_council_read_record
from reviews.web.charts import bar_chart
from reviews.web.common import (
    page_user,
    paginate_uncounted,
    period_of,
    report_domain_error,
    role_required,
    visible_or_404,
)
from reviews.web.confirm import confirmation, is_confirmed
from reviews.web.forms import ConsentForm, NullityForm, PeriodForm

COUNCIL = Role.WORKS_COUNCIL
NULLIFIABLE = (RuleVersionStatus.CONSENTED, RuleVersionStatus.ACTIVE)


def _period(request: HttpRequest) -> tuple[PeriodForm, Any, Any, str, dict[str, str]]:
    """The period form, its bounds, month/quarter, and the same period as API query parameters (for CSV)."""
    form = PeriodForm(request.GET or None)
    start, end = period_of(form)
    kind = (form.cleaned_data.get("period") if form.is_bound and form.is_valid() else None) or "month"
    return form, start, end, kind, {"start": start.isoformat(), "end": end.isoformat(), "period": kind}


def _window(request: HttpRequest) -> tuple[PeriodForm, Any, Any, str, dict[str, Any]]:
    """Like ``_period``, snapped to the calendar month, quarter or year the council's figures cover.

    The last item is the page's context about the window: the form, the window and its last day.
    """
    form = PeriodForm(request.GET or None)
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    zone = timezone.get_default_timezone()
    asked = [
        timezone.make_aware(dt.datetime.combine(data[name], dt.time.min), zone) if data.get(name) else None
        for name in ("start", "end")
    ]
    try:
        window = council_window_between(*asked)
    except DomainError as exc:
        form.add_error("start", exc.fields.get("start", [exc.message])[0])
        window = council_window_between(None, None)
    start, end = window_bounds(window)
    kind = data.get("period") or "month"
    context = {"form": form, "window": window, "window_last": window.end - dt.timedelta(days=1)}
    return form, start, end, kind, context


def _params(start: Any, end: Any, kind: str) -> dict[str, str]:
    return {"start": start.isoformat(), "end": end.isoformat(), "period": kind}


def _name_groups(figures: dict[str, Any]) -> None:
    """Groups by name in the reader's language: employment types, and the agents without a team or type."""
    names = {**dict(EmploymentType.choices), NO_TEAM: _("No team"), UNKNOWN_TYPE: _("Unknown")}
    for dimension in ("team", "employment_type"):
        for row in figures[dimension]:
            row["group"] = str(names.get(row["group"], row["group"]))


def _record(request: HttpRequest, view: str, params: dict[str, str]) -> None:
    works_council_read_record(view=f"web:{view}", params=params, acting_user=page_user(request))


@role_required(COUNCIL)
def register(request: HttpRequest) -> HttpResponse:
    _record(request, "rule-register", {})
    rules = rule_register()
    version_ids = [v["version_id"] for rule in rules for v in rule["versions"]]
    return render(
        request,
        "web/council/register.html",
        {
            "rules": rules,
            # A form per version, with ids of its own, so each label belongs to its own version's field.
            "consent_forms": {pk: ConsentForm(auto_id=f"id_consent_{pk}_%s") for pk in version_ids},
            "nullity_forms": {pk: NullityForm(auto_id=f"id_nullity_{pk}_%s") for pk in version_ids},
            "proposed": RuleVersionStatus.PROPOSED,
            "nullifiable": NULLIFIABLE,
            "root_causes": root_causes_visible_to(page_user(request)).order_by("code", "-version"),
        },
    )


def _version(request: HttpRequest, pk: int):  # type: ignore[no-untyped-def]
    return visible_or_404(rule_versions_visible_to(page_user(request)), pk)


def _confirm_consent(request: HttpRequest, version: RuleVersion, data: dict[str, Any]) -> HttpResponse:
    names = {"n": version.number, "rule": version.rule.name, "reference": data["reference"]}
    if data["decision"] == "granted":
        consequence = _(
            "This records that the works council consents to version %(n)s of “%(rule)s” (reference %(reference)s). "
            "The QA lead can then activate it. A recorded decision cannot be changed; nullity can stop the version."
        )
    else:
        consequence = _(
            "This records that the works council refuses consent to version %(n)s of “%(rule)s” (reference "
            "%(reference)s). The version can never be activated. A recorded decision cannot be changed."
        )
    return confirmation(
        request,
        title=_("Record the council's decision?"),
        consequence=consequence % names,
        button=_("Record the decision"),
        cancel_url=reverse("web:council-register") + f"#version-{version.pk}",
        details=[(_("Population covered"), data["population"]), (_("Note"), data["note"] or "\u2013")],
    )


@require_POST
@role_required(COUNCIL)
def consent(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = ConsentForm(request.POST)
    if form.is_valid() and not is_confirmed(request):
        return _confirm_consent(request, version, form.cleaned_data)
    if form.is_valid():
        data = form.cleaned_data
        try:
            rule_services.rule_version_decide_consent(
                version=version,
                decision=data["decision"],
                reference=data["reference"],
                population=data["population"],
                note=data["note"],
                review_by=data["review_by"],
                acting_user=page_user(request),
            )
            messages.success(request, _("The council's decision is recorded."))
            return redirect("web:council-register")
        except DomainError as exc:
            report_domain_error(request, exc, form)
    for field, problems in form.errors.items():
        messages.error(
            request, f"{form.fields[field].label if field in form.fields else ''}: {' '.join(str(p) for p in problems)}"
        )
    return redirect(reverse("web:council-register") + f"#version-{pk}")


@require_POST
@role_required(COUNCIL)
def nullify(request: HttpRequest, pk: int) -> HttpResponse:
    version = _version(request, pk)
    form = NullityForm(request.POST)
    if form.is_valid() and not is_confirmed(request):
        return confirmation(
            request,
            title=_("Declare this version null?"),
            consequence=_(
                "Version %(n)s of “%(rule)s” stops at once and every alert it raised is quarantined for good: "
                "none of them can be used for consequences. This cannot be undone."
            )
            % {"n": version.number, "rule": version.rule.name},
            button=_("Declare null"),
            cancel_url=reverse("web:council-register") + f"#version-{pk}",
            details=[(_("Grounds"), form.cleaned_data["reason"])],
        )
    if form.is_valid():
        try:
            rule_services.rule_version_nullify(
                version=version, reason=form.cleaned_data["reason"], acting_user=page_user(request)
            )
            messages.success(request, _("Nullity invoked: the version stopped and its alerts are quarantined."))
        except DomainError as exc:
            report_domain_error(request, exc)
    else:
        messages.error(request, _("State the reason for invoking nullity."))
    return redirect("web:council-register")


@role_required(COUNCIL)
def usage(request: HttpRequest) -> HttpResponse:
    _form, start, end, kind, context = _window(request)
    params = _params(start, end, kind)
    figures = rule_usage(start=start, end=end, period=kind)
    _record(request, "rule-usage", params)
    return render(
        request,
        "web/council/usage.html",
        {
            **context,
            "usage": figures,
            "uncoached": uncoached_warnings_by_rule(start=start, end=end),
            "query": urlencode(params),
            "min_decisions": max(settings.RUBBER_STAMP_MIN_DECISIONS, settings.SMALL_CELL_K),
        },
    )


@role_required(COUNCIL)
def breakdown(request: HttpRequest) -> HttpResponse:
    _form, start, end, kind, context = _window(request)
    params = _params(start, end, kind)
    figures = group_breakdown(start=start, end=end)
    _name_groups(figures)
    charts = {
        dimension: bar_chart(
            [
                (
                    row["group"],
                    None if row["confirmed_warning_rate"] is None else round(row["confirmed_warning_rate"] * 100, 1),
                )
                for row in figures[dimension]
            ],
            unit="%",
        )
        for dimension in ("team", "employment_type")
    }
    support = support_before_sanction(start=start, end=end)
    _name_groups(support)
    _record(request, "group-breakdown", params)
    return render(
        request,
        "web/council/breakdown.html",
        {**context, "figures": figures, "charts": charts, "support": support, "query": urlencode(params)},
    )


@role_required(COUNCIL)
def causes(request: HttpRequest) -> HttpResponse:
    """Why errors happened: critical errors per root cause, per team and per employment type."""
    _form, start, end, kind, context = _window(request)
    params = _params(start, end, kind)
    figures = cause_distribution(start=start, end=end)
    _name_groups(figures)
    for cause in figures["causes"]:
        cause["label"] = cause["label_nl"] if get_language() == "nl" else cause["label_en"]
    columns = [*figures["causes"], {"code": NOT_RECORDED}]
    for dimension in ("team", "employment_type"):
        for row in figures[dimension]:
            row["shown"] = [row["cells"].get(c["code"]) for c in columns]
    _record(request, "root-causes", params)
    return render(
        request,
        "web/council/causes.html",
        {**context, "figures": figures, "query": urlencode(params)},
    )


@role_required(COUNCIL)
def pressure(request: HttpRequest) -> HttpResponse:
    _form, start, end, kind, context = _window(request)
    params = _params(start, end, kind)
    figures_refresh_before_read()
    figures = pressure_indicators(start=start, end=end, period=kind)
    reviewers = reviewer_aggregates(start=start, end=end)
    band_chart = bar_chart(
        [
            (b["band"], None if b["critical_error_rate"] is None else round(b["critical_error_rate"] * 100, 1))
            for b in figures["handle_time_bands"]
        ],
        unit="%",
    )
    _record(request, "pressure-indicators", params)
    return render(
        request,
        "web/council/pressure.html",
        {
            **context,
            "figures": figures,
            "band_chart": band_chart,
            "reviewers": reviewers,
            "query": urlencode(params),
            "min_decisions": max(settings.CONSISTENCY_MIN_EVALUATIONS, settings.SMALL_CELL_K),
        },
    )


@role_required(COUNCIL)
def audit(request: HttpRequest) -> HttpResponse:
    form, start, end, _kind, params = _period(request)
    events = audit_log(start=start, end=end)
    page = paginate_uncounted(request, events)
    rows = [
        {
            "sequence": e.sequence,
            "occurred_at": e.occurred_at,
            "actor": pseudonym_for(e.actor_id) if e.actor_id else _("System"),
            "actor_role": Role(e.actor_role).label if e.actor_role in Role.values else _("System"),
            "action": e.get_action_display(),
            "object": f"{e.object_type} {e.object_id}",
            "subject": pseudonym_for(e.subject_id) if e.subject_id else "",
            "hash": e.hash,
        }
        for e in page
    ]
    _record(request, "audit-log", params)
    return render(
        request,
        "web/council/audit.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "query": urlencode({"start": params["start"], "end": params["end"]}),
        },
    )


@require_POST
@role_required(COUNCIL, Role.QA_LEAD)
def verify(request: HttpRequest) -> HttpResponse:
    result = audit_chain_verify()
    audit_verification_record(
        ok=result.ok, head_sequence=result.head_sequence, head_hash=result.head_hash, acting_user=page_user(request)
    )
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/partials/verify.html", {"result": result})
    if result.ok:
        messages.success(
            request,
            _("The chain verifies: %(n)d events, head %(hash)s.") % {"n": result.checked, "hash": result.head_hash},
        )
    else:
        messages.error(request, _("The chain is broken at event %(s)s.") % {"s": result.first_broken_sequence})
    return redirect("web:council-audit" if page_user(request).role == COUNCIL else "web:home")


@role_required(COUNCIL)
def report(request: HttpRequest) -> HttpResponse:
    """The printable report (HTML styled for print) of one period, for the council's minutes."""
    try:
        start, end, window = council_range(Request(request))
    except DomainError as exc:
        # The field's message is in the reader's language (the API's detail may not be).
        return HttpResponseBadRequest(next(iter(exc.fields.values()), [exc.message])[0])
    breakdown = group_breakdown(start=start, end=end)
    _name_groups(breakdown)
    figures_refresh_before_read()
    context = {
        "start": start,
        "end": end,
        "window": window,
        "window_last": window.end - dt.timedelta(days=1),
        "generated_at": timezone.now(),
        "register": rule_register(),
        "usage": rule_usage(start=start, end=end, period="month"),
        "breakdown": breakdown,
        "reviewers": reviewer_aggregates(start=start, end=end),
        "pressure": pressure_indicators(start=start, end=end),
        "chain": audit_chain_verify(),
    }
    works_council_read_record(
        view="report", params={"start": start.isoformat(), "end": end.isoformat()}, acting_user=page_user(request)
    )
    return render(request, "reviews/council_report.html", context)
