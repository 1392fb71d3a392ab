from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class AuditEvent(models.Model):
    """Append-only, hash-chained record of a state change or a sensitive read.

    Written only by ``reviews.services.audit.audit_record``, in the same
    transaction as the change. On PostgreSQL a trigger rejects UPDATE and DELETE.
    """

    sequence = models.PositiveBigIntegerField(unique=True)
    occurred_at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    actor_role = models.CharField(max_length=20)  # "system" when actor is null
    action = models.CharField(max_length=100)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64)
    # The person the event is about (an agent), for their right of access.
    subject = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="audit_events_about"
    )
    correlation_id = models.UUIDField(default=uuid.uuid4)
    data = models.JSONField(default=dict)
    data_hash = models.CharField(max_length=64)
    payload_erased = models.BooleanField(default=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)

    class Meta:
        ordering = ["sequence"]
        indexes = [
            models.Index(fields=["object_type", "object_id"], name="reviews_audit_object"),
            models.Index(fields=["action"], name="reviews_audit_action"),
            models.Index(fields=["subject"], name="reviews_audit_subject"),
        ]

    def __str__(self) -> str:
        return f"#{self.sequence} {self.action} {self.object_type}:{self.object_id}"
