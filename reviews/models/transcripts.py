"""What was said: a call's transcript as timed segments, each spoken by the agent or the caller, or a
chat's or e-mail thread's messages (a moment and no end, written by the agent or the customer).

Segments keep the transcript's retention class (``RETENTION_DAYS["transcripts"]``): they go when the
call's transcript is erased. A critical error can be logged at a segment: its offset is the
segment's start.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class Speaker(models.TextChoices):
    AGENT = "agent", _("Agent")
    CALLER = "caller", _("Caller")
    CUSTOMER = "customer", _("Customer")


class TranscriptSegment(models.Model):
    call = models.ForeignKey("reviews.Call", on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField()
    start_ms = models.PositiveIntegerField()
    # None for a message of a chat or an e-mail: it has a moment, not a length.
    end_ms = models.PositiveIntegerField(null=True, blank=True)
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = models.TextField()

    class Meta:
        ordering = ["call_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="reviews_segment_position_unique"),
            models.CheckConstraint(
                condition=models.Q(end_ms__isnull=True) | models.Q(end_ms__gt=models.F("start_ms")),
                name="reviews_segment_ends",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}#{self.position} {self.start_ms}-{self.end_ms} {self.speaker}"

    @property
    def start_seconds(self) -> int:
        """Where the segment starts, in whole seconds: the offset of an error logged at it."""
        return self.start_ms // 1000
