"""Single sign-on through OpenID Connect (mozilla-django-oidc), off unless OIDC_ENABLED is set.

The identity provider's claims decide the role (one claim, mapped by OIDC_ROLE_MAP), and for agents
the team and employment type. A person whose claims map to no role, or to more than one, is not let
in. Roles follow the provider at every login; a change is an audit event.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import transaction
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from accounts.models import EmploymentType, Role, Team, User
from reviews.models import AuditAction

logger = logging.getLogger(__name__)


def role_from_claims(claims: Mapping[str, Any], *, claim: str, mapping: Mapping[str, str]) -> str | None:
    """The one role the claim maps to; None when it maps to none or to several."""
    value = claims.get(claim)
    values = value if isinstance(value, list) else [value]
    roles = {mapping[v] for v in values if isinstance(v, str) and v in mapping}
    if len(roles) != 1:
        return None
    (role,) = roles
    return role if role in Role.values else None


class RoleMappingOIDCBackend(OIDCAuthenticationBackend):  # type: ignore[misc]
    def filter_users_by_claims(self, claims: Mapping[str, Any]) -> Any:
        username = claims.get(settings.OIDC_USERNAME_CLAIM)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username=username)

    def verify_claims(self, claims: Mapping[str, Any]) -> bool:
        return bool(claims.get(settings.OIDC_USERNAME_CLAIM))

    def _profile(self, claims: Mapping[str, Any]) -> dict[str, Any] | None:
        role = role_from_claims(claims, claim=settings.OIDC_ROLE_CLAIM, mapping=settings.OIDC_ROLE_MAP)
        if role is None:
            logger.warning("Single sign-on refused: the role claim maps to no single role")
            return None
        profile: dict[str, Any] = {"role": role, "employment_type": "", "team": None}
        team_name = claims.get(settings.OIDC_TEAM_CLAIM)
        if isinstance(team_name, str) and team_name.strip():
            profile["team"] = Team.objects.get_or_create(name=team_name.strip()[:100])[0]
        if role == Role.AGENT:
            employment = claims.get(settings.OIDC_EMPLOYMENT_CLAIM)
            if employment not in EmploymentType.values:
                logger.warning("Single sign-on refused: an agent without a known employment type")
                return None
            profile["employment_type"] = employment
        return profile

    @transaction.atomic
    def create_user(self, claims: Mapping[str, Any]) -> User | None:
        from reviews.services.audit import audit_record

        profile = self._profile(claims)
        if profile is None:
            return None
        user = User.objects.create_user(
            claims[settings.OIDC_USERNAME_CLAIM],
            email=claims.get("email", ""),
            first_name=claims.get("given_name", "")[:150],
            last_name=claims.get("family_name", "")[:150],
            **profile,
        )
        audit_record(actor=None, action=AuditAction.USER_CREATED_BY_SSO, obj=user, subject=user, data=_data(user))
        return user

    @transaction.atomic
    def update_user(self, user: User, claims: Mapping[str, Any]) -> User | None:
        from reviews.services.audit import audit_record

        profile = self._profile(claims)
        if profile is None:
            return None
        before = _data(user)
        for name, value in profile.items():
            setattr(user, name, value)
        if _data(user) != before:
            user.save()
            audit_record(
                actor=None,
                action=AuditAction.USER_CHANGED_BY_SSO,
                obj=user,
                subject=user,
                data={"from": before, "to": _data(user)},
            )
        return user


def _data(user: User) -> dict[str, Any]:
    return {"role": user.role, "team_id": user.team_id, "employment_type": user.employment_type}
