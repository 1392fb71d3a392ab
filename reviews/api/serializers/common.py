"""Serializer parts every resource uses."""

from __future__ import annotations

from rest_framework import serializers

from accounts.models import User
from reviews.api import fields as strict

# A time with its UTC offset (RFC 3339, 1970-2099): a time without one is ambiguous around DST.
AwareDateTimeField = strict.DateTimeField


class PersonSerializer(strict.ModelSerializer[User]):
    display_name = serializers.SerializerMethodField()

    class Meta:
        model = User
        fields = ["id", "username", "display_name"]

    def get_display_name(self, user: User) -> str:
        return user.get_full_name() or user.username
