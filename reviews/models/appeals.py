from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AppealStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    IN_REVIEW = "in_review", _("In review")
    UPHELD = "upheld", _("Upheld")
    OVERTURNED = "overturned", _("Overturned")
    PARTIALLY_OVERTURNED = "partially_overturned", _("Partially overturned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


OPEN_APPEAL_STATUSES = (AppealStatus.SUBMITTED, AppealStatus.IN_REVIEW)


class Appeal(models.Model):
    """An agent contests a submitted evaluation: all of it, or listed critical errors and answers."""

    evaluation = models.ForeignKey("reviews.Evaluation", on_delete=models.PROTECT, related_name="appeals")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="appeals")
    whole_evaluation = models.BooleanField(default=False)
    reason = models.TextField()
    status = models.CharField(max_length=25, choices=AppealStatus.choices, default=AppealStatus.SUBMITTED)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals_assigned"
    )
    deadline = models.DateField()
    submitted_at = models.DateTimeField()
    review_started_at = models.DateTimeField(null=True, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="appeals_decided"
    )
    rationale = models.TextField(blank=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    resulting_revision = models.ForeignKey(
        "reviews.Evaluation", null=True, blank=True, on_delete=models.PROTECT, related_name="created_by_appeal"
    )

    class Meta:
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["evaluation"],
                condition=models.Q(status__in=["submitted", "in_review"]),
                name="reviews_appeal_one_open_per_evaluation",
            ),
        ]
        indexes = [models.Index(fields=["assignee", "status"], name="reviews_appeal_assignee_status")]

    def __str__(self) -> str:
        return f"Appeal {self.pk} on evaluation {self.evaluation_id} ({self.status})"


class AppealItemKind(models.TextChoices):
    CRITICAL_ERROR = "critical_error", _("Critical error")
    ANSWER = "answer", _("Criterion answer")


class AppealItem(models.Model):
    """One contested item, decided on its own with a rationale."""

    appeal = models.ForeignKey(Appeal, on_delete=models.CASCADE, related_name="items")
    kind = models.CharField(max_length=20, choices=AppealItemKind.choices)
    critical_error = models.ForeignKey(
        "reviews.CriticalError", null=True, blank=True, on_delete=models.PROTECT, related_name="appeal_items"
    )
    criterion = models.ForeignKey(
        "reviews.Criterion", null=True, blank=True, on_delete=models.PROTECT, related_name="appeal_items"
    )
    overturned = models.BooleanField(null=True, blank=True)  # None until decided
    corrected_points = models.PositiveSmallIntegerField(null=True, blank=True)
    corrected_not_applicable = models.BooleanField(default=False)
    rationale = models.TextField(blank=True)

    class Meta:
        ordering = ["appeal_id", "id"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="critical_error", critical_error__isnull=False, criterion__isnull=True)
                    | models.Q(kind="answer", criterion__isnull=False, critical_error__isnull=True)
                ),
                name="reviews_appealitem_kind_matches_target",
            ),
        ]

    def __str__(self) -> str:
        target = self.critical_error_id if self.kind == AppealItemKind.CRITICAL_ERROR else self.criterion_id
        return f"{self.kind} {target} in appeal {self.appeal_id}"


class Notification(models.Model):
    """Something a person must be told inside the tool (nothing is sent outside it)."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="notifications")
    kind = models.CharField(max_length=50)
    # English text of notifications made before they were stored as kind + params; shown as a fallback.
    message = models.TextField(blank=True)
    # What the text is made of (ids, names, dates, outcomes): rendered when shown, in the reader's language.
    params = models.JSONField(default=dict, blank=True)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.kind} for {self.recipient_id}"

    @property
    def text(self) -> str:
        """The notification in the active language (pages and the API render it for their reader)."""
        from reviews.notification_texts import notification_text

        return notification_text(self.kind, self.params) or self.message
