"""One e-mail digest a person received on a day: what it said was waiting (kinds and counts only)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class DigestDelivery(models.Model):
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    sent_on = models.DateField()
    items = models.JSONField(default=dict)  # {kind: count}: never a score, a name or an error
    sent_at = models.DateTimeField()

    class Meta:
        ordering = ["-sent_on", "recipient_id"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "sent_on"], name="reviews_digest_once_a_day"),
        ]

    def __str__(self) -> str:
        return f"Digest to {self.recipient_id} on {self.sent_on}"
