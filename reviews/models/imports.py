from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.domain.texts import Text
from reviews.localization import localized
from reviews.models.runs import BackgroundRun


class ImportFormat(models.TextChoices):
    CSV = "csv", _("CSV")
    JSONL = "jsonl", _("JSON lines")


class CallImport(BackgroundRun):
    """One telephony export read into calls: its progress, its counts and where its file waits."""

    source = models.CharField(max_length=40, default="telephony")
    file_name = models.CharField(max_length=255)
    format = models.CharField(max_length=10, choices=ImportFormat.choices)
    # The uploaded file while it waits for the worker; emptied once read.
    pending_file = models.FileField(upload_to="imports/", blank=True)
    total_bytes = models.PositiveBigIntegerField(default=0)
    processed_bytes = models.PositiveBigIntegerField(default=0)
    rows_read = models.PositiveIntegerField(default=0)
    created_count = models.PositiveIntegerField(default=0)
    duplicate_count = models.PositiveIntegerField(default=0)
    rejected_count = models.PositiveIntegerField(default=0)
    # Why the file as a whole was refused, to be said in the reader's language (``error`` keeps the English).
    error_template = models.CharField(max_length=300, blank=True)
    error_params = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def error_text(self) -> str:
        """The failure in the active language; what the rows read before it became."""
        if not self.error_template:
            return self.error
        text = localized(Text(self.error_template, self.error_params))
        if self.rows_read:
            text += " " + _("The %(n)s rows read before that were imported.") % {"n": self.rows_read}
        return str(text)

    def __str__(self) -> str:
        return f"Import {self.pk} of {self.file_name} ({self.status})"

    def progress_counts(self) -> tuple[int, int]:
        return self.processed_bytes, self.total_bytes


class CallImportReject(models.Model):
    """A row the import refused: its line number in the file, why, and the row as it was."""

    call_import = models.ForeignKey(CallImport, on_delete=models.CASCADE, related_name="rejects")
    line = models.PositiveIntegerField()
    reason = models.CharField(max_length=300)  # in English; reason_text() says it in the reader's language
    reason_template = models.CharField(max_length=300, blank=True)
    reason_params = models.JSONField(default=dict, blank=True)
    row = models.TextField(blank=True)

    class Meta:
        ordering = ["call_import_id", "line", "id"]

    def __str__(self) -> str:
        return f"Line {self.line}: {self.reason}"

    def reason_text(self) -> str:
        if not self.reason_template:
            return self.reason
        return localized(Text(self.reason_template, self.reason_params))
