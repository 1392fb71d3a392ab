from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Channel(models.TextChoices):
    PHONE = "phone", _("Phone")
    CHAT = "chat", _("Chat")
    EMAIL = "email", _("E-mail")


def recording_path(instance: Call, filename: str) -> str:
    # The stored name never contains the agent's or caller's identity.
    return f"recordings/{instance.source}/{instance.external_id}/{filename.rsplit('/', 1)[-1]}"


class Call(models.Model):
    """A recorded interaction to review. Handle time is shown, never scored."""

    source = models.CharField(max_length=40, default="telephony")
    external_id = models.CharField(max_length=100)
    # No index of its own: the (agent, started_at) index below serves every lookup by agent.
    agent = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="calls", db_index=False)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.PHONE)
    started_at = models.DateTimeField()
    handle_time_seconds = models.PositiveIntegerField()
    recording = models.FileField(upload_to=recording_path, blank=True)
    recording_content_type = models.CharField(max_length=100, blank=True)
    transcript = models.TextField(blank=True)
    # Where the telephony platform keeps the recording, for imported calls.
    recording_reference = models.CharField(max_length=500, blank=True)
    call_import = models.ForeignKey(
        "reviews.CallImport", null=True, blank=True, on_delete=models.SET_NULL, related_name="calls"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-started_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "external_id"], name="reviews_call_external_id_unique_per_source"
            ),
        ]
        indexes = [
            # Carries the id, so "the calls of these agents" is read from the index alone (PostgreSQL):
            # a supervisor's evaluation list tests its rows against its team's calls this way.
            models.Index(fields=["agent", "-started_at"], include=["id"], name="reviews_call_agent_started_id"),
            # Sampling and the fairness report read a month of calls at a time.
            models.Index(fields=["started_at"], name="reviews_call_started"),
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"
