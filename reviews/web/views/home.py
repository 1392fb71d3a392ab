"""Log in, log out, and the start page of each role."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect

from accounts.models import Role
from reviews.web.common import page_user

START_PAGE = {
    Role.AGENT: "web:me",
    Role.SUPERVISOR: "web:queue",
    Role.QA_LEAD: "web:queue",
    Role.WORKS_COUNCIL: "web:council-register",
    Role.ADMIN: "admin:index",
}


@login_required
def home(request: HttpRequest) -> HttpResponse:
    return redirect(START_PAGE.get(Role(page_user(request).role), "web:login"))
