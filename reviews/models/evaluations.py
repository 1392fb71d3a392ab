from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models.sampling import Selection, TargetReason


class CriticalErrorType(models.Model):
    code = models.CharField(max_length=50, unique=True)
    label_nl = models.CharField(max_length=200)
    label_en = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    counts_toward_thresholds = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class EvaluationStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    APPEALED = "appealed", _("Appealed")
    FINAL = "final", _("Final")


class Evaluation(models.Model):
    """A reviewer's scoring of one call against one scorecard version.

    Once submitted it never changes in place: a corrected outcome is a new
    revision (``previous_revision`` points back; the old one gets ``superseded_at``).
    """

    call = models.ForeignKey("reviews.Call", on_delete=models.PROTECT, related_name="evaluations")
    scorecard_version = models.ForeignKey(
        "reviews.ScorecardVersion", on_delete=models.PROTECT, related_name="evaluations"
    )
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="reviews_given")
    status = models.CharField(max_length=15, choices=EvaluationStatus.choices, default=EvaluationStatus.DRAFT)
    revision = models.PositiveIntegerField(default=1)
    previous_revision = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="next_revision"
    )
    summary = models.TextField(blank=True)
    # Sampled (drawn by a sampling run), targeted (with a reason; by default its critical
    # errors do not count toward thresholds) or unplanned.
    selection = models.CharField(max_length=10, choices=Selection.choices, default=Selection.UNPLANNED)
    target_reason = models.CharField(max_length=20, choices=TargetReason.choices, blank=True)
    target_note = models.CharField(max_length=500, blank=True)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    points_earned = models.PositiveIntegerField(default=0)
    points_possible = models.PositiveIntegerField(default=0)
    auto_failed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    superseded_at = models.DateTimeField(null=True, blank=True)
    # Set on revisions: who made the correction and why (e.g. an appeal's decision).
    revised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="revisions_made"
    )
    revision_reason = models.TextField(blank=True)
    # Set for a calibration session's blind scoring: never shown as, or counted as, a real evaluation.
    calibration_session = models.ForeignKey(
        "reviews.CalibrationSession", null=True, blank=True, on_delete=models.PROTECT, related_name="evaluations"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            # A reviewer evaluates a call once; corrections are revisions of that evaluation.
            models.UniqueConstraint(
                fields=["call", "reviewer"],
                condition=models.Q(previous_revision__isnull=True, calibration_session__isnull=True),
                name="reviews_evaluation_one_per_call_and_reviewer",
            ),
            models.UniqueConstraint(
                fields=["calibration_session", "reviewer"],
                condition=models.Q(calibration_session__isnull=False),
                name="reviews_evaluation_one_per_calibration_reviewer",
            ),
            models.CheckConstraint(
                condition=models.Q(score__isnull=True) | (models.Q(score__gte=0) & models.Q(score__lte=100)),
                name="reviews_evaluation_score_range",
            ),
            models.CheckConstraint(
                condition=(models.Q(selection="targeted") & ~models.Q(target_reason=""))
                | (~models.Q(selection="targeted") & models.Q(target_reason="")),
                name="reviews_evaluation_targeted_has_reason",
            ),
        ]
        indexes = [
            # Carries the call, so "the calls I reviewed" (a supervisor's queue) is read from the index alone.
            models.Index(fields=["reviewer", "status"], include=["call"], name="reviews_eval_reviewer_call"),
            models.Index(fields=["status", "-submitted_at"], name="reviews_eval_status_submitted"),
            # The evaluation lists, newest first, a page at a time (keyset pagination; bench/RESULTS.md).
            models.Index(fields=["-created_at", "-id"], name="reviews_eval_created"),
        ]

    def __str__(self) -> str:
        return f"Evaluation {self.pk} of {self.call_id} (r{self.revision}, {self.status})"


class Answer(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("reviews.Criterion", on_delete=models.PROTECT, related_name="answers")
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__section__position", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(fields=["evaluation", "criterion"], name="reviews_answer_one_per_criterion"),
            models.CheckConstraint(
                condition=(models.Q(not_applicable=True) & models.Q(points__isnull=True))
                | (models.Q(not_applicable=False) & models.Q(points__isnull=False)),
                name="reviews_answer_points_xor_na",
            ),
        ]

    def __str__(self) -> str:
        return f"Answer {self.criterion_id}: {'N/A' if self.not_applicable else self.points}"


class CriticalErrorStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    OVERTURNED = "overturned", _("Overturned")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class CriticalError(models.Model):
    """A critical error logged in an evaluation. Counts by ``observed_at``, the call's time.

    ``agent`` and ``observed_at`` repeat the call's agent and start (both fixed once
    the call exists) so the batch can find an agent's errors by index.
    """

    evaluation = models.ForeignKey(Evaluation, on_delete=models.CASCADE, related_name="critical_errors")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="critical_errors")
    type = models.ForeignKey(CriticalErrorType, on_delete=models.PROTECT, related_name="errors")
    criterion = models.ForeignKey(
        "reviews.Criterion", null=True, blank=True, on_delete=models.PROTECT, related_name="critical_errors"
    )
    offset_seconds = models.PositiveIntegerField()
    note = models.TextField()
    # Why it happened (required when logging; errors logged before causes existed have none).
    root_cause = models.ForeignKey(
        "reviews.RootCause", null=True, blank=True, on_delete=models.PROTECT, related_name="errors"
    )
    status = models.CharField(max_length=12, choices=CriticalErrorStatus.choices, default=CriticalErrorStatus.ACTIVE)
    # When a second reviewer (or a QA lead, where they disagreed) confirmed it; rules that require
    # confirmation count only confirmed errors.
    confirmed_at = models.DateTimeField(null=True, blank=True)
    observed_at = models.DateTimeField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["offset_seconds", "id"]
        indexes = [
            models.Index(fields=["type", "status", "observed_at"], name="reviews_ce_type_status_obs"),
            models.Index(fields=["agent", "observed_at"], name="reviews_ce_agent_observed"),
        ]

    def __str__(self) -> str:
        return f"{self.type.code} at {self.offset_seconds}s"
