"""The root-cause taxonomy: QA leads add causes, make a new version of one, or retire one."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.models import RootCause
from reviews.selectors import root_causes_visible_to
from reviews.services import root_causes as cause_services
from reviews.templatetags.labels import cause_label
from reviews.web.common import page_user, report_domain_error, role_required, visible_or_404
from reviews.web.confirm import confirmation, is_confirmed
from reviews.web.forms.causes import RootCauseForm, RootCauseReviseForm


def _page(request: HttpRequest, form: RootCauseForm | None = None, status: int = 200) -> HttpResponse:
    causes = list(root_causes_visible_to(page_user(request)).select_related("created_by").order_by("code", "-version"))
    for cause in causes:
        if cause.is_active:
            cause.revise_form = RootCauseReviseForm(  # type: ignore[attr-defined]
                prefix=f"c{cause.pk}",
                initial={f: getattr(cause, f) for f in cause_services.REVISABLE_FIELDS},
            )
    return render(request, "web/root_causes.html", {"causes": causes, "form": form or RootCauseForm()}, status=status)


@role_required(Role.QA_LEAD)
def root_causes(request: HttpRequest) -> HttpResponse:
    if request.method != "POST":
        return _page(request)
    form = RootCauseForm(request.POST)
    if form.is_valid():
        try:
            cause = cause_services.root_cause_create(acting_user=page_user(request), **form.cleaned_data)
            messages.success(request, _("Root cause “%(name)s” added.") % {"name": cause_label(cause)})
            return redirect("web:root-causes")
        except DomainError as exc:
            report_domain_error(request, exc, form)
    return _page(request, form, status=400)


@require_POST
@role_required(Role.QA_LEAD)
def root_cause_revise(request: HttpRequest, pk: int) -> HttpResponse:
    cause: RootCause = visible_or_404(root_causes_visible_to(page_user(request)), pk)
    form = RootCauseReviseForm(request.POST, prefix=f"c{cause.pk}")
    if form.is_valid():
        try:
            revised = cause_services.root_cause_revise(cause=cause, acting_user=page_user(request), **form.cleaned_data)
            messages.success(
                request,
                _("Version %(n)s of “%(name)s” is now in use; errors keep the version they were given.")
                % {"n": revised.version, "name": cause_label(revised)},
            )
            return redirect("web:root-causes")
        except DomainError as exc:
            report_domain_error(request, exc, form)
    else:
        messages.error(request, _("The root cause is not valid; nothing was saved."))
    return _page(request, status=400)


@require_POST
@role_required(Role.QA_LEAD)
def root_cause_retire(request: HttpRequest, pk: int) -> HttpResponse:
    cause: RootCause = visible_or_404(root_causes_visible_to(page_user(request)), pk)
    if not is_confirmed(request):
        return confirmation(
            request,
            title=_("Retire this root cause?"),
            consequence=_(
                "Reviewers can no longer choose “%(name)s” for new critical errors. Errors that have it keep it. "
                "A retired cause cannot be brought back; add a new one instead."
            )
            % {"name": cause_label(cause)},
            button=_("Retire"),
            cancel_url=reverse("web:root-causes"),
        )
    try:
        cause_services.root_cause_retire(cause=cause, acting_user=page_user(request))
        messages.success(request, _("Root cause “%(name)s” retired.") % {"name": cause_label(cause)})
    except DomainError as exc:
        report_domain_error(request, exc)
    return redirect("web:root-causes")
