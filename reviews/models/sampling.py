from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models.runs import BackgroundRun, RunTrigger


class SamplingPolicy(models.Model):
    """How many of each agent's calls get reviewed per month, and which calls may be drawn."""

    name = models.CharField(max_length=120, unique=True)
    calls_per_agent = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    # Empty means every channel.
    channels = models.JSONField(default=list, blank=True)
    min_handle_seconds = models.PositiveIntegerField(default=0)
    max_handle_seconds = models.PositiveIntegerField(null=True, blank=True)
    # The most reviews (sampled and targeted together) any agent gets in one period.
    per_agent_cap = models.PositiveSmallIntegerField(validators=[MinValueValidator(1), MaxValueValidator(100)])
    seed = models.BigIntegerField()
    exclude_own_supervisor = models.BooleanField(default=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "sampling policies"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(max_handle_seconds__isnull=True)
                | models.Q(max_handle_seconds__gte=models.F("min_handle_seconds")),
                name="reviews_samplingpolicy_length_range",
            ),
            models.CheckConstraint(
                condition=models.Q(per_agent_cap__gte=models.F("calls_per_agent")),
                name="reviews_samplingpolicy_cap_covers_draw",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class SamplingRun(BackgroundRun):
    """One month's draw under a policy, with the seed and parameters that reproduce it exactly."""

    policy = models.ForeignKey(SamplingPolicy, on_delete=models.PROTECT, related_name="runs")
    period_start = models.DateField()
    period_end = models.DateField()  # exclusive
    seed = models.BigIntegerField()
    parameters = models.JSONField(default=dict)
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices)
    total_agents = models.PositiveIntegerField(default=0)
    processed_agents = models.PositiveIntegerField(default=0)
    calls_sampled = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-period_start", "-id"]
        constraints = [
            # A month is drawn once per policy; a failed run may be tried again.
            models.UniqueConstraint(
                fields=["policy", "period_start"],
                condition=~models.Q(status="failed"),
                name="reviews_samplingrun_once_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"Sampling run {self.pk} of {self.policy_id} for {self.period_start:%Y-%m} ({self.status})"

    def progress_counts(self) -> tuple[int, int]:
        return self.processed_agents, self.total_agents


class ReviewAssignment(models.Model):
    """A call a sampling run drew, and the reviewer it went to."""

    run = models.ForeignKey(SamplingRun, on_delete=models.PROTECT, related_name="assignments")
    call = models.OneToOneField("reviews.Call", on_delete=models.PROTECT, related_name="assignment")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The foreign-key indexes (run, agent, reviewer, and the unique call) serve every lookup.
        ordering = ["run_id", "agent_id", "call_id"]

    def __str__(self) -> str:
        return f"Call {self.call_id} to reviewer {self.reviewer_id} (run {self.run_id})"


class Selection(models.TextChoices):
    """How a call came to be evaluated."""

    SAMPLED = "sampled", _("Sampled")
    TARGETED = "targeted", _("Targeted")
    UNPLANNED = "unplanned", _("Unplanned")


class TargetReason(models.TextChoices):
    COMPLAINT = "complaint", _("Complaint about the call")
    COACHING_REQUEST = "coaching_request", _("Coaching requested by the agent")
    INCIDENT = "incident", _("Incident or escalation")
    FOLLOW_UP = "follow_up", _("Follow-up on an earlier evaluation")
    SCREENING = "screening", _("Selected by a screening list")
