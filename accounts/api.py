from __future__ import annotations

from typing import Any

import django_filters
from django.contrib.auth.signals import user_logged_in
from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import generics, serializers, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.parsers import JSONParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from accounts.models import EmploymentType, Role, Team, User
from reviews.api import fields as strict
from reviews.api.filters import IdFilter
from reviews.api.permissions import request_user
from reviews.selectors import teams_visible_to, users_visible_to


class TeamSerializer(strict.ModelSerializer[Team]):
    class Meta:
        model = Team
        fields = ["id", "name"]


class UserSerializer(strict.ModelSerializer[User]):
    team = TeamSerializer(read_only=True, allow_null=True)
    employment_type = strict.ChoiceField(choices=EmploymentType.choices, allow_blank=True, read_only=True)
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name", "role", "team", "employment_type"]
        read_only_fields = fields

    def get_display_name(self, user: User) -> str:
        return user.get_full_name() or user.username


class TokenView(ObtainAuthToken):
    """Exchange a username and password for an API token. Throttled, and locked after repeated failures."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "auth"
    # JSON like every other operation (DRF's default here also takes forms), so the schema states one body.
    parser_classes = [JSONParser]

    @extend_schema(
        request=inline_serializer("TokenRequest", {"username": strict.CharField(), "password": strict.CharField()}),
        responses={200: inline_serializer("TokenResponse", {"token": strict.CharField()})},
        auth=[],
    )
    def post(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        user = serializer.validated_data["user"]
        token, _ = Token.objects.get_or_create(user=user)
        # A token is a login: it resets the failed-login count (django-axes) and sets last_login.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token.key})

    def get_serializer_context(self) -> dict[str, Any]:
        # django-axes marks a locked-out attempt on Django's own request, where its middleware looks.
        return {**super().get_serializer_context(), "request": self.request._request}


class MeView(generics.RetrieveAPIView[User]):
    serializer_class = UserSerializer

    def get_object(self) -> User:
        return request_user(self.request)


class TeamViewSet(viewsets.ReadOnlyModelViewSet[Team]):
    serializer_class = TeamSerializer

    def get_queryset(self) -> QuerySet[Team]:
        return teams_visible_to(self.request.user)


class UserFilter(django_filters.FilterSet):
    role = django_filters.ChoiceFilter(choices=Role.choices)
    team = IdFilter(field_name="team_id")

    class Meta:
        model = User
        fields = ["role", "team"]


class UserViewSet(viewsets.ReadOnlyModelViewSet[User]):
    serializer_class = UserSerializer
    filterset_class = UserFilter

    def get_queryset(self) -> QuerySet[User]:
        return users_visible_to(self.request.user)
