"""Root causes of critical errors: a versioned taxonomy that QA leads keep and the works council reads.

A cause is *individual* (something the agent can learn: a knowledge gap) or *systemic* (something
the organisation caused: time pressure from handle-time targets, an outage, unclear policy). A rule
version may leave errors with a systemic cause out of an individual's count; that is a term the
council consents to like any other.

A cause is never edited in place: changing its labels or its kind makes a new version and retires
the old one, and every critical error keeps the version it was given. Reclassifying an error is a
separate, reasoned and audited act (``RootCauseChange``) that the agent sees.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CauseKind(models.TextChoices):
    INDIVIDUAL = "individual", _("Individual")
    SYSTEMIC = "systemic", _("Systemic")


class RootCause(models.Model):
    code = models.CharField(max_length=50)
    version = models.PositiveIntegerField(default=1)
    label_nl = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    description_nl = models.TextField(blank=True)
    description_en = models.TextField(blank=True)
    kind = models.CharField(max_length=12, choices=CauseKind.choices)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["code", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="reviews_rootcause_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=models.Q(is_active=True), name="reviews_rootcause_one_active"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"

    @property
    def is_systemic(self) -> bool:
        return self.kind == CauseKind.SYSTEMIC


class RootCauseChange(models.Model):
    """One reasoned change of a critical error's root cause, by an alert's decider or an appeal's handler."""

    critical_error = models.ForeignKey(
        "reviews.CriticalError", on_delete=models.CASCADE, related_name="root_cause_changes"
    )
    previous = models.ForeignKey(RootCause, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    new = models.ForeignKey(RootCause, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    changed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    changed_at = models.DateTimeField()

    class Meta:
        ordering = ["changed_at", "id"]

    def __str__(self) -> str:
        return f"Root cause of error {self.critical_error_id} changed at {self.changed_at:%Y-%m-%d}"
