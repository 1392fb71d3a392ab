from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from reviews.models.runs import BackgroundRun, RunTrigger


class ScoringRun(BackgroundRun):
    as_of = models.DateTimeField()
    trigger = models.CharField(max_length=10, choices=RunTrigger.choices)
    chunk_size = models.PositiveIntegerField()
    total_agents = models.PositiveIntegerField(default=0)
    processed_agents = models.PositiveIntegerField(default=0)
    total_chunks = models.PositiveIntegerField(default=0)
    processed_chunks = models.PositiveIntegerField(default=0)
    alerts_opened = models.PositiveIntegerField(default=0)
    # Last sign of progress (planned, a chunk done, chunks re-enqueued): a running run whose
    # heartbeat is older than SCORING_STALE_AFTER_SECONDS has its pending chunks sent again.
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    # Reviewers flagged for calibration whose critical errors this run did not count
    # (only when EXCLUDE_FLAGGED_REVIEWER_ERRORS is on).
    excluded_reviewer_ids = models.JSONField(default=list, blank=True)
    # Incremental scoring. ``full`` asks for every agent whatever changed. Otherwise a run whose
    # ``fingerprint`` (the firing rule versions and their terms, the excluded reviewers, which error
    # types count, the month) equals a succeeded run's scores only the agents something was recorded
    # about since that run's ``audit_sequence`` (the audit log's head when it was planned): an agent
    # whose counted errors did not grow cannot newly cross a threshold.
    full = models.BooleanField(default=False)
    fingerprint = models.CharField(max_length=64, blank=True)
    audit_sequence = models.PositiveBigIntegerField(null=True, blank=True)
    incremental_since = models.PositiveBigIntegerField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"Scoring run {self.pk} as of {self.as_of:%Y-%m-%d %H:%M} ({self.status})"

    def progress_counts(self) -> tuple[int, int]:
        return self.processed_agents, self.total_agents


class ChunkStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    DONE = "done", _("Done")


class ScoringChunk(models.Model):
    run = models.ForeignKey(ScoringRun, on_delete=models.CASCADE, related_name="chunks")
    index = models.PositiveIntegerField()
    agent_ids = models.JSONField()
    # Of agent_ids, those whose rules the chunk evaluates; null: all of them (a full run).
    rule_agent_ids = models.JSONField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=ChunkStatus.choices, default=ChunkStatus.PENDING)
    alerts_opened = models.PositiveIntegerField(default=0)
    attempts = models.PositiveIntegerField(default=0)
    processed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["run_id", "index"]
        constraints = [models.UniqueConstraint(fields=["run", "index"], name="reviews_scoringchunk_unique")]

    def __str__(self) -> str:
        return f"Chunk {self.index} of run {self.run_id} ({self.status})"


class AgentScore(models.Model):
    """Aggregates per agent and calendar month, written by the batch (upserts)."""

    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="scores")
    period_start = models.DateField()
    period_end = models.DateField()
    evaluations = models.PositiveIntegerField()
    mean_score = models.DecimalField(max_digits=4, decimal_places=1, null=True, blank=True)
    critical_errors = models.JSONField(default=dict)  # {type code: count}
    mean_handle_time_seconds = models.DecimalField(max_digits=8, decimal_places=1, null=True, blank=True)
    run = models.ForeignKey(ScoringRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="scores")
    computed_at = models.DateTimeField()

    class Meta:
        ordering = ["agent_id", "-period_start"]
        constraints = [
            models.UniqueConstraint(fields=["agent", "period_start"], name="reviews_agentscore_unique_period"),
        ]

    def __str__(self) -> str:
        return f"Score of {self.agent_id} for {self.period_start:%Y-%m}"
