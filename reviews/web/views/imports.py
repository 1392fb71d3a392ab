"""Call imports on the pages: upload a telephony export, watch it, read what it refused."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.models import Role
from reviews.domain.errors import DomainError
from reviews.selectors.sampling import (
    call_import_rejects,
    call_imports_visible_to,
)
from reviews.services import call_imports as import_services
from reviews.web.common import page_user, paginate, report_domain_error, role_required, visible_or_404
from reviews.web.forms import CallImportForm

SHOWN_REJECTS = 200


@role_required(Role.QA_LEAD, Role.ADMIN)
def imports(request: HttpRequest) -> HttpResponse:
    """Upload a telephony export; small files are read at once, larger ones by a worker."""
    user = page_user(request)
    form = CallImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            call_import = import_services.call_import_start(
                upload=form.cleaned_data["file"],
                source=form.cleaned_data["source"],
                requested_format="",
                acting_user=user,
            )
            return redirect("web:import", pk=call_import.pk)
        except DomainError as exc:
            report_domain_error(request, exc, form)
    rows = call_imports_visible_to(user)
    return render(
        request,
        "web/imports.html",
        {"form": form, "page": paginate(request, rows)},
        status=400 if form.errors else 200,
    )


@role_required(Role.QA_LEAD, Role.ADMIN)
def import_detail(request: HttpRequest, pk: int) -> HttpResponse:
    call_import = visible_or_404(call_imports_visible_to(page_user(request)), pk)
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "web/partials/import_progress.html", {"call_import": call_import})
    return render(
        request,
        "web/import.html",
        {"call_import": call_import, "rejects": call_import_rejects(call_import)[:SHOWN_REJECTS]},
    )
