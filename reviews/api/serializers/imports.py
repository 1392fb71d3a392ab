"""Call imports and the rows they refused."""

from __future__ import annotations

from typing import Any

from rest_framework import serializers

from reviews.api import fields as strict
from reviews.models import (
    CallImport,
    CallImportReject,
    ImportFormat,
)

# --- Call imports -----------------------------------------------------------------------


class CallImportSerializer(strict.ModelSerializer[CallImport]):
    progress_percent = serializers.FloatField(read_only=True)
    rejects_url = serializers.SerializerMethodField()
    error = serializers.SerializerMethodField(help_text="Why the file was refused, in the request's language.")

    class Meta:
        model = CallImport
        fields = [
            "id",
            "source",
            "file_name",
            "format",
            "status",
            "total_bytes",
            "processed_bytes",
            "progress_percent",
            "rows_read",
            "created_count",
            "duplicate_count",
            "rejected_count",
            "rejects_url",
            "error",
            "created_at",
            "started_at",
            "finished_at",
        ]

    def get_rejects_url(self, call_import: CallImport) -> str:
        return f"/api/v1/call-imports/{call_import.pk}/rejects/"

    def get_error(self, call_import: CallImport) -> str:
        return call_import.error_text()


class CallImportRejectSerializer(strict.ModelSerializer[CallImportReject]):
    reason = serializers.SerializerMethodField(help_text="Why the row was refused, in the request's language.")

    def get_reason(self, reject: CallImportReject) -> str:
        return reject.reason_text()

    class Meta:
        model = CallImportReject
        fields = ["line", "reason", "row"]


class CallImportInput(serializers.Serializer[dict[str, Any]]):
    file = serializers.FileField(help_text="The telephony export: CSV with a header row, or JSON lines.")
    source = strict.CharField(max_length=40, default="telephony")  # type: ignore[assignment]
    format = strict.ChoiceField(
        choices=ImportFormat.choices, required=False, allow_blank=True, default="", help_text="Default: from the name"
    )
