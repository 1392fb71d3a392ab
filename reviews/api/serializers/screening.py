"""Screening lists, their versions and consent, the council's report, and candidates."""

from __future__ import annotations

from typing import Any

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from reviews.api import fields as strict
from reviews.domain.screening import MAX_GAP, MAX_PHRASE_CHARS, MAX_PHRASES
from reviews.models import ScreeningCandidate, ScreeningConsent, ScreeningList, ScreeningListVersion
from reviews.selectors.screening import Tally, VersionReport


class ScreeningConsentSerializer(strict.ModelSerializer[ScreeningConsent]):
    decided_by = strict.CharField(source="decided_by.pseudonym", read_only=True)

    class Meta:
        model = ScreeningConsent
        fields = ["id", "decision", "decided_on", "reference", "population", "note", "review_by", "decided_by"]


class ScreeningVersionSerializer(strict.ModelSerializer[ScreeningListVersion]):
    consent = serializers.SerializerMethodField()
    expired = serializers.SerializerMethodField()
    display_status = serializers.CharField(source="get_status_display", read_only=True)
    phrases = serializers.ListField(child=strict.CharField(), read_only=True)

    class Meta:
        model = ScreeningListVersion
        fields = [
            "id",
            "number",
            "status",
            "display_status",
            "expired",
            "purpose",
            "phrases",
            "max_gap",
            "review_by",
            "created_at",
            "proposed_at",
            "activated_at",
            "retired_at",
            "nullified_at",
            "nullity_reason",
            "consent",
        ]

    def get_expired(self, version: ScreeningListVersion) -> bool:
        return version.is_expired(timezone.localdate())

    @extend_schema_field(ScreeningConsentSerializer(allow_null=True))
    def get_consent(self, version: ScreeningListVersion) -> Any:
        consent = getattr(version, "consent", None)
        return ScreeningConsentSerializer(consent).data if consent is not None else None


class ScreeningListSerializer(strict.ModelSerializer[ScreeningList]):
    versions = serializers.SerializerMethodField()

    class Meta:
        model = ScreeningList
        fields = ["id", "name", "created_at", "versions"]

    @extend_schema_field(ScreeningVersionSerializer(many=True))
    def get_versions(self, screening_list: ScreeningList) -> Any:
        return ScreeningVersionSerializer(getattr(screening_list, "visible_versions", []), many=True).data


class ScreeningTermsInput(serializers.Serializer[dict[str, Any]]):
    purpose = strict.CharField(max_length=5000)
    phrases = serializers.ListField(
        child=strict.CharField(max_length=MAX_PHRASE_CHARS), min_length=1, max_length=MAX_PHRASES
    )
    max_gap = strict.IntegerField(
        min_value=0, max_value=MAX_GAP, required=False, default=2, help_text="Other words allowed between two words"
    )


class ScreeningListCreateInput(ScreeningTermsInput):
    name = strict.CharField(max_length=200)


class TallySerializer(serializers.Serializer[Any]):
    candidates = strict.IntegerField()
    waiting = strict.IntegerField()
    withdrawn = strict.IntegerField()
    reviewed = strict.IntegerField()
    with_error = strict.IntegerField(help_text="Reviewed candidates with a critical error that still stands")
    precision = serializers.FloatField(allow_null=True, help_text="with_error / reviewed; null before any review")
    low = serializers.SerializerMethodField()
    high = serializers.SerializerMethodField()

    def get_low(self, tally: Tally) -> float | None:
        return tally.interval.low if tally.interval else None

    def get_high(self, tally: Tally) -> float | None:
        return tally.interval.high if tally.interval else None


class PhraseTallySerializer(TallySerializer):
    phrase = strict.CharField()


class VersionReportSerializer(serializers.Serializer[Any]):
    version = strict.IntegerField(source="version.pk")
    number = strict.IntegerField(source="version.number")
    status = strict.CharField(source="version.status")
    total = TallySerializer()
    by_phrase = serializers.SerializerMethodField()

    @extend_schema_field(PhraseTallySerializer(many=True))
    def get_by_phrase(self, report: VersionReport) -> Any:
        rows = []
        for phrase, tally in report.by_phrase:
            data = dict(TallySerializer(tally).data)
            rows.append({"phrase": phrase, **data})
        return rows


class ScreeningCandidateSerializer(strict.ModelSerializer[ScreeningCandidate]):
    screening_list = strict.CharField(source="version.screening_list.name", read_only=True)
    version_number = strict.IntegerField(source="version.number", read_only=True)
    call = strict.IntegerField(source="call_id", read_only=True)
    call_external_id = strict.CharField(source="call.external_id", read_only=True)
    start_seconds = strict.IntegerField(read_only=True)
    evaluation = strict.IntegerField(source="evaluation_id", read_only=True, allow_null=True)
    display_status = strict.CharField(source="get_status_display", read_only=True)

    class Meta:
        model = ScreeningCandidate
        fields = [
            "id",
            "screening_list",
            "version",
            "version_number",
            "call",
            "call_external_id",
            "phrase",
            "start_seconds",
            "status",
            "display_status",
            "evaluation",
            "created_at",
        ]
