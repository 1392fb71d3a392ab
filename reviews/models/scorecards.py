from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ScorecardVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class CriticalPolicy(models.TextChoices):
    SEPARATE = "separate", _("Separate: the score stands, critical errors are tracked beside it")
    ZERO = "zero", _("Zero: any active critical error makes the score 0")


class Scorecard(models.Model):
    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScorecardVersion(models.Model):
    """One version of a scorecard. Published versions are immutable; a change is a new version."""

    scorecard = models.ForeignKey(Scorecard, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(
        max_length=10, choices=ScorecardVersionStatus.choices, default=ScorecardVersionStatus.DRAFT
    )
    critical_policy = models.CharField(max_length=10, choices=CriticalPolicy.choices, default=CriticalPolicy.SEPARATE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    published_at = models.DateTimeField(null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    retired_at = models.DateTimeField(null=True, blank=True)
    # Agents are invited to score their own evaluated calls blind (a QA lead's choice; it never counts).
    self_evaluation = models.BooleanField(default=False)

    class Meta:
        ordering = ["scorecard_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["scorecard", "number"], name="reviews_scorecardversion_number_unique"),
            # At most one version of a scorecard is published, and at most one is a draft.
            models.UniqueConstraint(
                fields=["scorecard"],
                condition=models.Q(status="published"),
                name="reviews_scorecardversion_one_published",
            ),
            models.UniqueConstraint(
                fields=["scorecard"],
                condition=models.Q(status="draft"),
                name="reviews_scorecardversion_one_draft",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scorecard.name} v{self.number} ({self.status})"


class Section(models.Model):
    version = models.ForeignKey(ScorecardVersion, on_delete=models.CASCADE, related_name="sections")
    title = models.CharField(max_length=200)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["version", "position", "id"]

    def __str__(self) -> str:
        return self.title


class Criterion(models.Model):
    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="criteria")
    text = models.CharField(max_length=300)
    guidance = models.TextField(blank=True)
    max_points = models.PositiveSmallIntegerField()
    na_allowed = models.BooleanField(default=False)
    critical_error_type = models.ForeignKey(
        "reviews.CriticalErrorType", null=True, blank=True, on_delete=models.PROTECT, related_name="criteria"
    )
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["section", "position", "id"]
        verbose_name_plural = "criteria"
        constraints = [
            models.CheckConstraint(condition=models.Q(max_points__gte=1), name="reviews_criterion_max_points_positive"),
        ]

    def __str__(self) -> str:
        return self.text
