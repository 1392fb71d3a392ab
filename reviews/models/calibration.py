from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CalibrationStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CalibrationSession(models.Model):
    """Several reviewers score one call blind; agreement is computed when the session closes.

    Calibration evaluations never count toward an agent's scores or thresholds.
    """

    call = models.ForeignKey("reviews.Call", on_delete=models.PROTECT, related_name="calibration_sessions")
    scorecard_version = models.ForeignKey(
        "reviews.ScorecardVersion", on_delete=models.PROTECT, related_name="calibration_sessions"
    )
    title = models.CharField(max_length=200)
    hide_agent = models.BooleanField(default=True)
    reference_reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    status = models.CharField(max_length=10, choices=CalibrationStatus.choices, default=CalibrationStatus.OPEN)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    results = models.JSONField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class CalibrationParticipant(models.Model):
    session = models.ForeignKey(CalibrationSession, on_delete=models.CASCADE, related_name="participants")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calibrations")
    deviation = models.DecimalField(max_digits=5, decimal_places=1, null=True, blank=True)  # set on close

    class Meta:
        ordering = ["session_id", "reviewer_id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "reviewer"], name="reviews_calibrationparticipant_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reviewer_id} in {self.session_id}"
