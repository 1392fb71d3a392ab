"""Coaching before sanction: a plan with goals, sessions and the agent's own word.

A supervisor opens a plan for an agent from an evaluation, a criterion or an alert; a confirmed
coaching-level alert opens one itself. The agent sees everything in it. Nothing in a plan ever counts
toward a threshold rule: rules count critical errors only.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class CoachingStatus(models.TextChoices):
    OPEN = "open", _("Open")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class CoachingPlan(models.Model):
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="coaching_plans")
    opened_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    opened_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=CoachingStatus.choices, default=CoachingStatus.OPEN)
    goals = models.TextField(blank=True)
    # What the plan started from (at most one of them, or none).
    evaluation = models.ForeignKey(
        "reviews.Evaluation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    criterion = models.ForeignKey(
        "reviews.Criterion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    alert = models.OneToOneField(
        "reviews.Alert", null=True, blank=True, on_delete=models.PROTECT, related_name="coaching_plan"
    )
    linked_evaluations = models.ManyToManyField("reviews.Evaluation", blank=True, related_name="coaching_plans")
    agent_comment = models.TextField(blank=True)
    agent_commented_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    closing_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-opened_at", "-id"]
        indexes = [models.Index(fields=["agent", "opened_at"], name="reviews_coaching_agent")]

    def __str__(self) -> str:
        return f"Coaching plan {self.pk} for {self.agent_id} ({self.status})"


class CoachingSession(models.Model):
    plan = models.ForeignKey(CoachingPlan, on_delete=models.CASCADE, related_name="sessions")
    held_on = models.DateField()
    notes = models.TextField()
    agreed_actions = models.TextField(blank=True)
    recorded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField()

    class Meta:
        ordering = ["held_on", "id"]

    def __str__(self) -> str:
        return f"Coaching session of plan {self.plan_id} on {self.held_on}"
