"""Per-month figures the works council's pressure indicators and the fairness report read.

Counting the raw rows of a quarter (hundreds of thousands of evaluations joined to their calls) took
seconds at 10,000 agents. These tables hold the same counts per agent, month and handle-time band.
On PostgreSQL, triggers on calls, evaluations and critical errors write a ``FigureChange`` for every
change to what the figures count (whatever wrote it: a service, an import, a bulk update, a deletion);
``reviews.services.figures.figures_refresh`` recomputes exactly the agent-months named there before
anything reads the tables, so a figure is never older than the last committed change. Elsewhere (the
embedded SQLite default) the reports count the raw rows, as before.

Every figure covers first evaluations (no revision, no calibration) only, as the reports do.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class FigureChange(models.Model):
    """Something an agent's figures of the month holding ``at`` count changed (written by triggers)."""

    id = models.BigAutoField(primary_key=True)
    agent_id = models.BigIntegerField()
    at = models.DateTimeField()

    def __str__(self) -> str:
        return f"agent {self.agent_id} at {self.at:%Y-%m}"


class MonthFigures(models.Model):
    """An agent's first evaluations of calls started in one month, in one handle-time band."""

    month = models.DateField(help_text="first day of the month, installation time zone")
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    band = models.PositiveSmallIntegerField(help_text="index into the handle-time bands")
    evaluations = models.PositiveIntegerField(help_text="submitted or later (the ones whose errors count)")
    with_errors = models.PositiveIntegerField(help_text="of those, with at least one active critical error")
    reviewed = models.PositiveIntegerField(help_text="every status but draft")
    targeted = models.PositiveIntegerField(help_text="targeted reviews, drafts included")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["month", "agent", "band"], name="reviews_monthfigures_unique"),
        ]

    def __str__(self) -> str:
        return f"agent {self.agent_id}, {self.month:%Y-%m}, band {self.band}"


class ErrorMonthFigures(models.Model):
    """Active critical errors from counting first evaluations, per month observed and month of the call."""

    observed_month = models.DateField()
    call_month = models.DateField()
    agent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    band = models.PositiveSmallIntegerField()
    type = models.ForeignKey(
        "reviews.CriticalErrorType", on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    root_cause = models.ForeignKey(
        "reviews.RootCause", null=True, on_delete=models.DO_NOTHING, db_constraint=False, related_name="+"
    )
    errors = models.PositiveIntegerField()

    class Meta:
        indexes = [
            models.Index(fields=["observed_month"], name="reviews_emf_observed"),
            models.Index(fields=["call_month"], name="reviews_emf_call"),
            models.Index(fields=["agent", "observed_month"], name="reviews_emf_agent_observed"),
        ]

    def __str__(self) -> str:
        return f"agent {self.agent_id}, observed {self.observed_month:%Y-%m}: {self.errors}"
