"""What every background run shares (scoring runs, sampling runs, call imports): one lifecycle.

queued → running → succeeded | failed, who started it and when, the error if it failed, and one
progress figure that pages, the API and the command line all read.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    SUCCEEDED = "succeeded", _("Succeeded")
    FAILED = "failed", _("Failed")


ACTIVE_RUN_STATUSES = (RunStatus.QUEUED, RunStatus.RUNNING)


class RunTrigger(models.TextChoices):
    SCHEDULE = "schedule", _("Schedule")
    MANUAL = "manual", _("Manual")
    COMMAND = "command", _("Command line")


class BackgroundRun(models.Model):
    status = models.CharField(max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        abstract = True

    def progress_counts(self) -> tuple[int, int]:
        """(done, total) in the run's own unit: agents, or bytes of the file."""
        raise NotImplementedError

    @property
    def is_finished(self) -> bool:
        return self.status in (RunStatus.SUCCEEDED, RunStatus.FAILED)

    @property
    def progress_percent(self) -> float:
        """0 to 100 with one decimal; 100 only once the run has succeeded (the last step is its commit)."""
        if self.status == RunStatus.SUCCEEDED:
            return 100.0
        done, total = self.progress_counts()
        if not total:
            return 0.0
        return round(min(99.9, 100 * done / total), 1)
