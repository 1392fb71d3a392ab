from __future__ import annotations

from typing import Any

from rest_framework.exceptions import NotAuthenticated
from rest_framework.permissions import SAFE_METHODS, BasePermission
from rest_framework.request import Request

from accounts.models import User


def request_user(request: Request) -> User:
    """The authenticated user behind a request (authentication has already run)."""
    user = request.user
    if not isinstance(user, User) or not user.is_authenticated:
        raise NotAuthenticated
    return user


class RoleAccess(BasePermission):
    """Role gate for a whole endpoint: 403 for roles that never use it.

    Views set ``read_roles`` and ``write_roles`` and may override per action in
    ``action_roles``. Which rows a permitted role sees is the selector's job.
    """

    message = "Your role does not give access to this."

    def has_permission(self, request: Request, view: Any) -> bool:
        user = request.user
        if not user or not user.is_authenticated:
            return False
        action_roles = getattr(view, "action_roles", {})
        action = getattr(view, "action", None)
        if action in action_roles:
            roles = action_roles[action]
        elif request.method in SAFE_METHODS:
            roles = getattr(view, "read_roles", None)
        else:
            roles = getattr(view, "write_roles", None)
        if roles is None:
            return True
        return user.role in roles
