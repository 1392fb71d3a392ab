"""Critical-error types."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.api import fields as strict
from reviews.models import (
    CriticalErrorType,
)
from reviews.services.critical_error_types import CODE_PATTERN

# --- Critical-error types -------------------------------------------------------------


class CriticalErrorTypeSerializer(strict.ModelSerializer[CriticalErrorType]):
    class Meta:
        model = CriticalErrorType
        fields = ["id", "code", "label_nl", "label_en", "description", "counts_toward_thresholds", "is_active"]
        read_only_fields = fields


class CriticalErrorTypeCreateInput(serializers.Serializer[dict[str, Any]]):
    code = strict.RegexField(
        CODE_PATTERN,
        max_length=50,
        trim_whitespace=False,
        error_messages={"invalid": "Use letters, digits and underscores."},
    )
    label_nl = strict.CharField(max_length=200)
    label_en = strict.CharField(max_length=200)
    description = strict.CharField(required=False, allow_blank=True, default="")
    counts_toward_thresholds = strict.BooleanField(default=True)


class CriticalErrorTypeUpdateInput(serializers.Serializer[dict[str, Any]]):
    label_nl = strict.CharField(max_length=200, required=False)
    label_en = strict.CharField(max_length=200, required=False)
    description = strict.CharField(required=False, allow_blank=True)
    counts_toward_thresholds = strict.BooleanField(required=False)
    is_active = strict.BooleanField(required=False)
