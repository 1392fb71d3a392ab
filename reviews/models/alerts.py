from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models.rules import AlertLevel


class AlertStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")
    RETRACTED = "retracted", _("Retracted")
    QUARANTINED = "quarantined", _("Quarantined")


class Alert(models.Model):
    """A rule version fired for an agent. The batch only opens it; a human decides."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="alerts")
    rule = models.ForeignKey("reviews.ThresholdRule", on_delete=models.PROTECT, related_name="alerts")
    rule_version = models.ForeignKey("reviews.RuleVersion", on_delete=models.PROTECT, related_name="alerts")
    status = models.CharField(max_length=12, choices=AlertStatus.choices, default=AlertStatus.OPEN)
    # Copied from the rule version when the alert opens; the choices give pages its label.
    level = models.CharField(max_length=20, choices=AlertLevel.choices)
    as_of = models.DateTimeField()
    window_start = models.DateTimeField()
    window_end = models.DateTimeField()
    opened_by_run = models.ForeignKey(
        "reviews.ScoringRun", null=True, blank=True, on_delete=models.PROTECT, related_name="alerts_opened_set"
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    evidence = models.ManyToManyField("reviews.CriticalError", through="AlertEvidence", related_name="alerts")
    evidence_viewed_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="alerts_decided"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    rationale = models.TextField(blank=True)
    # What the person decided (confirmed or dismissed); kept when the status later becomes
    # retracted or quarantined, so how deciders decide stays auditable.
    decision = models.CharField(max_length=12, blank=True)
    retracted_at = models.DateTimeField(null=True, blank=True)
    retraction_reason = models.TextField(blank=True)
    # Why it was retracted, as data, rendered in the reader's language (retraction_reason: older alerts).
    retraction_params = models.JSONField(default=dict, blank=True)
    quarantined_at = models.DateTimeField(null=True, blank=True)
    # Critical errors of this alert's evidence removed when their evaluations' retention period ended;
    # the alert and its decision stay.
    evidence_expired = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-opened_at", "-id"]
        constraints = [
            # Idempotence is a property of the data: one open alert per agent and rule.
            models.UniqueConstraint(
                fields=["agent", "rule"], condition=models.Q(status="open"), name="reviews_alert_one_open_per_rule"
            ),
        ]
        indexes = [
            models.Index(fields=["rule", "status"], name="reviews_alert_rule_status"),
            models.Index(fields=["agent", "status"], name="reviews_alert_agent_status"),
            # The alert lists, newest first, a page at a time (keyset pagination; bench/RESULTS.md).
            models.Index(fields=["-opened_at", "-id"], name="reviews_alert_opened"),
        ]

    def __str__(self) -> str:
        return f"Alert {self.pk} ({self.status}) for {self.agent_id}"

    @property
    def retraction_text(self) -> str:
        """Why it was retracted, in the active language (the stored English reason for older alerts)."""
        from reviews.notification_texts import retraction_text

        return retraction_text(self.retraction_params) if self.retraction_params else self.retraction_reason


class AlertEvidence(models.Model):
    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="evidence_links")
    critical_error = models.ForeignKey("reviews.CriticalError", on_delete=models.PROTECT, related_name="evidence_links")
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "critical_error"], name="reviews_alertevidence_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.critical_error_id} in alert {self.alert_id}"


class AlertEvidenceView(models.Model):
    """Someone opened an alert's evidence. Deciding requires having done so."""

    alert = models.ForeignKey(Alert, on_delete=models.CASCADE, related_name="evidence_views")
    viewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    viewed_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["alert", "viewer"], name="reviews_alertevidenceview_once"),
        ]

    def __str__(self) -> str:
        return f"{self.viewer_id} viewed alert {self.alert_id}"
