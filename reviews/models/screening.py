"""Signal screening under the works council's consent.

A screening list names phrases (Dutch, matched on stems, in order, with a few words allowed between
them) that may point to a possible rule violation by the caller. Like a threshold rule it is
versioned and consent-gated: only an active version, consented with a reference and a review date,
screens. A match makes a *candidate* for a targeted review, never a critical error and never
evidence: nothing in scoring reads this table.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models.rules import ConsentDecision, RuleVersionStatus


class ScreeningList(models.Model):
    """A named list; everything about it lives in immutable versions."""

    name = models.CharField(max_length=200, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class ScreeningListVersion(models.Model):
    """One version of a screening list. Only a draft is edited; any other change is a new version."""

    screening_list = models.ForeignKey(ScreeningList, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=RuleVersionStatus.choices, default=RuleVersionStatus.DRAFT)
    purpose = models.TextField()
    phrases = models.JSONField(default=list)
    # How many other words may stand between two words of a phrase.
    max_gap = models.PositiveSmallIntegerField(default=2)
    review_by = models.DateField(null=True, blank=True)
    # The highest transcript segment id this version has screened: the next run starts after it.
    screened_through = models.BigIntegerField(default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    nullified_at = models.DateTimeField(null=True, blank=True)
    nullity_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["screening_list_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["screening_list", "number"], name="reviews_screeningversion_number"),
            models.UniqueConstraint(
                fields=["screening_list"],
                condition=models.Q(status="active"),
                name="reviews_screeningversion_one_active",
            ),
            models.UniqueConstraint(
                fields=["screening_list"],
                condition=models.Q(status="draft"),
                name="reviews_screeningversion_one_draft",
            ),
            models.CheckConstraint(condition=models.Q(max_gap__lte=5), name="reviews_screeningversion_gap_range"),
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(review_by__isnull=False, activated_at__isnull=False),
                name="reviews_screeningversion_active_has_review_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.screening_list.name} v{self.number} ({self.status})"

    def is_expired(self, today: dt.date) -> bool:
        return self.status == RuleVersionStatus.ACTIVE and self.review_by is not None and self.review_by < today


class ScreeningConsent(models.Model):
    """The works council's decision on one screening-list version."""

    version = models.OneToOneField(ScreeningListVersion, on_delete=models.PROTECT, related_name="consent")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    decided_on = models.DateField()
    reference = models.CharField(max_length=200)
    population = models.TextField()
    note = models.TextField(blank=True)
    review_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"{self.decision} for screening version {self.version_id} ({self.reference})"


class CandidateStatus(models.TextChoices):
    OPEN = "open", _("Waiting for review")
    REVIEWED = "reviewed", _("Reviewed")
    WITHDRAWN = "withdrawn", _("Withdrawn (list nullified)")


class ScreeningCandidate(models.Model):
    """A call a screening list selected for a targeted review, with the line that matched and its reviewer."""

    version = models.ForeignKey(ScreeningListVersion, on_delete=models.PROTECT, related_name="candidates")
    call = models.ForeignKey("reviews.Call", on_delete=models.CASCADE, related_name="screening_candidates")
    # The matched line goes with the transcript's retention; what matched and when stays.
    segment = models.ForeignKey(
        "reviews.TranscriptSegment", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    phrase = models.CharField(max_length=200)
    start_ms = models.PositiveIntegerField()
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="screening_candidates"
    )
    evaluation = models.ForeignKey(
        "reviews.Evaluation", on_delete=models.SET_NULL, null=True, blank=True, related_name="screening_candidates"
    )
    status = models.CharField(max_length=10, choices=CandidateStatus.choices, default=CandidateStatus.OPEN)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["version", "call"], name="reviews_candidate_once_per_version"),
        ]
        indexes = [models.Index(fields=["reviewer", "status"], name="reviews_candidate_reviewer")]

    def __str__(self) -> str:
        return f"Call {self.call_id} selected by screening version {self.version_id}"

    @property
    def start_seconds(self) -> int:
        return self.start_ms // 1000
