"""Self-evaluation: the agent scores their own evaluated call, blind, then sees both side by side.

A QA lead turns it on per scorecard version. When a reviewer submits an evaluation on such a version,
the agent is invited; until they answer, decline or the invitation lapses, the reviewer's score,
summary and answers are withheld from them (critical errors never are). A self-evaluation never
counts toward anything: no rule, score, report or consistency figure reads this table.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class SelfEvaluationStatus(models.TextChoices):
    INVITED = "invited", _("Invited")
    SUBMITTED = "submitted", _("Scored by the agent")
    DECLINED = "declined", _("Declined")


class SelfEvaluation(models.Model):
    # The evaluation that invited it (its first revision); revisions of it compare with the same one.
    # It keeps that evaluation's retention: removed with it.
    evaluation = models.OneToOneField("reviews.Evaluation", on_delete=models.CASCADE, related_name="self_evaluation")
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="self_evaluations")
    status = models.CharField(max_length=10, choices=SelfEvaluationStatus.choices, default=SelfEvaluationStatus.INVITED)
    invited_at = models.DateTimeField()
    # Until when the reviewer's scoring stays withheld while the agent has not answered.
    open_until = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    comment = models.TextField(blank=True)
    points_earned = models.PositiveIntegerField(default=0)
    points_possible = models.PositiveIntegerField(default=0)
    score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)

    class Meta:
        ordering = ["-invited_at", "-id"]
        indexes = [models.Index(fields=["agent", "status"], name="reviews_selfeval_agent_status")]

    def __str__(self) -> str:
        return f"Self-evaluation {self.pk} of evaluation {self.evaluation_id} ({self.status})"

    @property
    def is_open(self) -> bool:
        """Invited and not lapsed: the agent can still score blind, so the reviewer's scoring is withheld."""
        return self.status == SelfEvaluationStatus.INVITED and timezone.now() < self.open_until


class SelfAnswer(models.Model):
    self_evaluation = models.ForeignKey(SelfEvaluation, on_delete=models.CASCADE, related_name="answers")
    criterion = models.ForeignKey("reviews.Criterion", on_delete=models.PROTECT, related_name="+")
    points = models.PositiveSmallIntegerField(null=True, blank=True)
    not_applicable = models.BooleanField(default=False)
    comment = models.TextField(blank=True)

    class Meta:
        ordering = ["criterion__section__position", "criterion__position", "criterion_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["self_evaluation", "criterion"], name="reviews_selfanswer_one_per_criterion"
            ),
            models.CheckConstraint(
                condition=(models.Q(not_applicable=True) & models.Q(points__isnull=True))
                | (models.Q(not_applicable=False) & models.Q(points__isnull=False)),
                name="reviews_selfanswer_points_xor_na",
            ),
        ]

    def __str__(self) -> str:
        return f"Self-answer {self.criterion_id}: {'N/A' if self.not_applicable else self.points}"
