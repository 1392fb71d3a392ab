"""Messages for the person logged in: read them, mark them read (one or all)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from reviews.selectors import notifications_of
from reviews.services.notifications import notifications_mark_read
from reviews.web.common import page_user, paginate


@login_required
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = notifications_of(page_user(request)).order_by("-created_at", "-id")
    return render(request, "web/notifications.html", {"page": paginate(request, notifications)})


@require_POST
@login_required
def notifications_read(request: HttpRequest) -> HttpResponse:
    """Mark one message read (``notification``: its id) or all of them."""
    raw = request.POST.get("notification", "")
    notification_id = int(raw) if raw.isdigit() else None
    marked = notifications_mark_read(recipient=page_user(request), notification_id=notification_id)
    if notification_id is None:
        messages.success(request, _("All messages are marked read."))
    elif not marked:
        messages.info(request, _("That message was read already."))
    return redirect("web:notifications")
