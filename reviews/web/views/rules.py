"""The QA lead's threshold-rule pages: drafting, proposing, previewing, activating, retiring."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import RuleVersion
from reviews.selectors import (
    rule_versions_visible_to,
    threshold_rules_visible_to,
)
from reviews.services import rules as rule_services
from reviews.services.rule_preview import rule_version_preview
from reviews.web.common import (
    page_user,
    report_domain_error,
    role_required,
    visible_or_404,
)
from reviews.web.confirm import confirmation, is_confirmed
from reviews.web.forms import (
    RuleForm,
)


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
                    count_targeted_reviews=data["count_targeted_reviews"],
                    exclude_flagged_reviewers=data["exclude_flagged_reviewers"],
                    exclude_systemic_causes=data["exclude_systemic_causes"],
                    requires_confirmation=data["requires_confirmation"],
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


def _confirm_rule_action(request: HttpRequest, version: RuleVersion, action: str) -> HttpResponse:
    names = {"n": version.number, "rule": version.rule.name}
    titles = {
        "propose": _("Propose this version to the works council?"),
        "activate": _("Activate this version?"),
        "retire": _("Retire this version?"),
    }
    consequences = {
        "propose": _(
            "Version %(n)s of “%(rule)s” goes to the works council for consent. It can no longer be edited: "
            "a change becomes a new version."
        ),
        "activate": _(
            "Version %(n)s of “%(rule)s” starts counting critical errors: the next scoring run applies it and "
            "may open alerts. A version of this rule that is active now is retired."
        ),
        "retire": _(
            "Version %(n)s of “%(rule)s” stops: it no longer raises alerts. This cannot be undone; to count "
            "again, a new version needs the works council's consent."
        ),
    }
    buttons = {"propose": _("Propose"), "activate": _("Activate"), "retire": _("Retire")}
    return confirmation(
        request,
        title=titles[action],
        consequence=consequences[action] % names,
        button=buttons[action],
        cancel_url=reverse("web:rule", args=[version.rule_id]),
    )


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
    if not is_confirmed(request):
        return _confirm_rule_action(request, version, request.POST["action"])
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
