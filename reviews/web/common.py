"""What every page view shares: role checks, turning domain errors into form errors, paging."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from functools import wraps
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Page, Paginator
from django.db.models import Model, QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone

from accounts.models import User
from reviews.domain.errors import DomainError, NotPermitted
from reviews.localization import localize_error

View = TypeVar("View", bound=Callable[..., HttpResponse])
M = TypeVar("M", bound=Model)

PAGE_SIZE = 25


def page_user(request: HttpRequest) -> User:
    user = request.user
    if not isinstance(user, User):
        raise PermissionDenied
    return user


def role_required(*roles: str) -> Callable[[View], View]:
    """Logged in, and of one of these roles (a wrong role is a 403; objects the user may not see are 404s)."""

    def decorator(view: View) -> View:
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if page_user(request).role not in roles:
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return login_required(wrapped)  # type: ignore[return-value]

    return decorator


def visible_or_404(queryset: QuerySet[M], pk: int) -> M:
    """One row of a role-scoped queryset; rows outside the user's scope do not exist for them."""
    return get_object_or_404(queryset, pk=pk)


def report_domain_error(
    request: HttpRequest,
    exc: DomainError,
    form: forms.Form | None = None,
    field_names: Mapping[str, str] | None = None,
) -> None:
    """Show a refused action to the user: per-field messages on the form, the summary as a message.

    A service's field key is the form's field of the same name, or the one ``field_names`` maps it to;
    a problem of any other key is shown above the form (never with the service's key: that is a code).
    An action the user may not take at all (NotPermitted) is a 403 page with the reason, as on the API.
    """
    localize_error(exc)
    if isinstance(exc, NotPermitted):
        raise PermissionDenied(exc.message)
    if form is not None:
        for field, problems in exc.fields.items():
            name = (field_names or {}).get(field, field)
            for problem in problems:
                form.add_error(name if name in form.fields else None, problem)
    messages.error(request, exc.message)


def paginate(request: HttpRequest, rows: QuerySet[Any] | list[Any]) -> Page[Any]:
    return Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))


class UncountedPage:
    """A page of a long list, found without counting the list: "previous" and "next", no total.

    Counting every call a supervisor may see (or every alert) costs more than the page itself at
    telephony scale; one row past the page says whether there is a next one.
    """

    paginator = None

    def __init__(self, rows: QuerySet[Any], number: int, size: int = PAGE_SIZE) -> None:
        fetched = list(rows[(number - 1) * size : number * size + 1])
        self.object_list, self.number, self._more = fetched[:size], number, len(fetched) > size

    def __iter__(self) -> Any:
        return iter(self.object_list)

    def __len__(self) -> int:
        return len(self.object_list)

    def has_next(self) -> bool:
        return self._more

    def has_previous(self) -> bool:
        return self.number > 1

    def has_other_pages(self) -> bool:
        return self._more or self.number > 1

    def next_page_number(self) -> int:
        return self.number + 1

    def previous_page_number(self) -> int:
        return self.number - 1


def paginate_uncounted(request: HttpRequest, rows: QuerySet[Any]) -> UncountedPage:
    """A page of a long list (the queue, alerts, the audit log) without its total; a bad number is page 1."""
    raw = request.GET.get("page", "1")
    number = int(raw) if raw.isdigit() and 0 < int(raw) <= 10_000 else 1
    return UncountedPage(rows, number)


def reviewer_choices() -> list[tuple[int, str]]:
    """Supervisors and QA leads, as (id, name) choices for a form."""
    from reviews.selectors.work import active_reviewers

    return [(p.pk, p.get_full_name() or p.username) for p in active_reviewers()]


def period_of(form: Any, *, default_days: int = 90) -> tuple[Any, Any]:
    """(start, end) as aware datetimes from a valid PeriodForm's dates; the last 90 days by default."""
    end = timezone.now()
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    if data.get("end"):
        end = timezone.make_aware(dt.datetime.combine(data["end"], dt.time.min))
    start = end - dt.timedelta(days=default_days)
    if data.get("start"):
        start = timezone.make_aware(dt.datetime.combine(data["start"], dt.time.min))
    return start, end
