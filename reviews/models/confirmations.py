"""A second pair of eyes: before an error counts toward a rule that requires it, a second reviewer
listens to the call around the error's moment and says, without seeing the first judgment, whether
the error is there. Agreement confirms it; disagreement goes to a QA lead, who decides with a reason.
An unconfirmed error never counts toward such a rule.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ConfirmationStatus(models.TextChoices):
    OPEN = "open", _("Waiting for the second reviewer")
    DISPUTED = "disputed", _("The reviewers disagree: a QA lead decides")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Not confirmed")


class ConfirmationTask(models.Model):
    critical_error = models.OneToOneField(
        "reviews.CriticalError", on_delete=models.CASCADE, related_name="confirmation"
    )
    first_reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assignee = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="confirmation_tasks")
    status = models.CharField(max_length=10, choices=ConfirmationStatus.choices, default=ConfirmationStatus.OPEN)
    due_on = models.DateField()
    created_at = models.DateTimeField(auto_now_add=True)
    # The second reviewer's own judgment: is the error there?
    found = models.BooleanField(null=True, blank=True)
    note = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    # Where the two disagree: the QA lead's decision.
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    rationale = models.TextField(blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["assignee", "status"], name="reviews_confirm_assignee")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(assignee=models.F("first_reviewer")), name="reviews_confirm_not_first_reviewer"
            ),
        ]

    def __str__(self) -> str:
        return f"Confirmation of error {self.critical_error_id} by {self.assignee_id} ({self.status})"
