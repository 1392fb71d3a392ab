"""Threshold rules, their versions, consent and previews."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from accounts.models import EmploymentType, Team
from reviews.api import fields as strict
from reviews.api.serializers.common import AwareDateTimeField
from reviews.models import (
    AlertLevel,
    ConsentDecision,
    ConsentRecord,
    CriticalErrorType,
    RuleVersion,
    ThresholdRule,
)


class ConsentRecordSerializer(strict.ModelSerializer[ConsentRecord]):
    decided_by = strict.CharField(source="decided_by.pseudonym", read_only=True)

    class Meta:
        model = ConsentRecord
        fields = ["id", "decision", "decided_on", "reference", "population", "note", "review_by", "decided_by"]


class RuleVersionSerializer(strict.ModelSerializer[RuleVersion]):
    counted_types: serializers.SlugRelatedField[CriticalErrorType] = serializers.SlugRelatedField(
        slug_field="code", many=True, read_only=True
    )
    scope_teams: serializers.PrimaryKeyRelatedField[Team] = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True
    )
    consents = ConsentRecordSerializer(many=True, read_only=True)
    expired = serializers.SerializerMethodField()
    display_status = serializers.SerializerMethodField()

    class Meta:
        model = RuleVersion
        fields = [
            "id",
            "number",
            "status",
            "display_status",
            "expired",
            "purpose",
            "counted_types",
            "count_n",
            "window_days",
            "scope_teams",
            "scope_employment_types",
            "level",
            "effective_from",
            "count_targeted_reviews",
            "exclude_flagged_reviewers",
            "exclude_systemic_causes",
            "requires_confirmation",
            "review_by",
            "created_at",
            "proposed_at",
            "activated_at",
            "retired_at",
            "nullified_at",
            "nullity_reason",
            "consents",
        ]

    def get_expired(self, version: RuleVersion) -> bool:
        return version.is_expired(timezone.localdate())

    def get_display_status(self, version: RuleVersion) -> str:
        if version.is_expired(timezone.localdate()):
            return "expired, needs renewed consent"
        return version.get_status_display()


class ThresholdRuleSerializer(strict.ModelSerializer[ThresholdRule]):
    versions = serializers.SerializerMethodField()

    class Meta:
        model = ThresholdRule
        fields = ["id", "name", "created_at", "versions"]

    @extend_schema_field(RuleVersionSerializer(many=True))
    def get_versions(self, rule: ThresholdRule) -> Any:
        versions = getattr(rule, "visible_versions", None)
        if versions is None:
            versions = list(rule.versions.all())
        return RuleVersionSerializer(versions, many=True).data


class RuleTermsInput(serializers.Serializer[dict[str, Any]]):
    purpose = strict.CharField(max_length=5000)
    counted_types = serializers.ListField(child=strict.CharField(max_length=50), min_length=1, max_length=50)
    count_n = strict.IntegerField(min_value=1, max_value=10_000)
    window_days = strict.IntegerField(min_value=1, max_value=730)
    scope_teams = strict.PrimaryKeyRelatedField(queryset=Team.objects.all(), many=True, required=False)
    scope_employment_types = serializers.ListField(
        child=strict.ChoiceField(choices=EmploymentType.choices), required=False, max_length=3
    )
    level = strict.ChoiceField(choices=AlertLevel.choices)
    effective_from = serializers.DateField()
    count_targeted_reviews = strict.BooleanField(
        required=False, help_text="Errors from targeted reviews count toward this rule (default: no)"
    )
    exclude_flagged_reviewers = strict.BooleanField(
        required=False, help_text="Errors logged by reviewers flagged in calibration do not count (default: no)"
    )
    exclude_systemic_causes = strict.BooleanField(
        required=False,
        help_text="Errors with a systemic root cause (time pressure, an outage, unclear policy) do not count "
        "(default: no)",
    )
    requires_confirmation = strict.BooleanField(
        required=False,
        help_text="An error counts only after a second reviewer confirmed it, blind (default: no)",
    )


class ThresholdRuleCreateInput(RuleTermsInput):
    name = strict.CharField(max_length=200)


class VersionChoiceInput(serializers.Serializer[dict[str, Any]]):
    version = strict.IntegerField(required=False, min_value=1, help_text="Rule version id; defaults by state")


class ConsentInput(VersionChoiceInput):
    decision = strict.ChoiceField(choices=ConsentDecision.choices)
    reference = strict.CharField(max_length=200)
    population = strict.CharField(max_length=2000)
    note = strict.CharField(required=False, allow_blank=True, default="", max_length=5000)
    decided_on = serializers.DateField(required=False)
    review_by = serializers.DateField(required=False)


class NullityInput(VersionChoiceInput):
    reason = strict.CharField(max_length=5000)


class PreviewInput(VersionChoiceInput):
    as_of = AwareDateTimeField(required=False)


class PreviewGroupSerializer(serializers.Serializer[Any]):
    employment_type = strict.CharField()
    agents = strict.IntegerField(allow_null=True, help_text="null: fewer than k, suppressed")
    flagged = strict.IntegerField(allow_null=True, help_text="null: suppressed")


class PreviewSerializer(serializers.Serializer[Any]):
    as_of = strict.DateTimeField()
    window_days = strict.IntegerField()
    agents_in_scope = strict.IntegerField(allow_null=True, help_text="null: withheld (see withheld)")
    agents_flagged = strict.IntegerField(allow_null=True)
    by_employment_type = PreviewGroupSerializer(many=True)
    withheld = strict.BooleanField(
        help_text="A preview of part of the organisation shows no figures while some team-and-employment-type "
        "group has fewer than k people or between 1 and k-1 flagged: subtracting two previews would reveal it"
    )
    k = strict.IntegerField(help_text="Cells counting fewer people than k are suppressed")
