"""What was said: a call's transcript as timed segments, each spoken by the agent or the caller.

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


class TranscriptSegment(models.Model):
    call = models.ForeignKey("reviews.Call", on_delete=models.CASCADE, related_name="segments")
    position = models.PositiveIntegerField()
    start_ms = models.PositiveIntegerField()
    end_ms = models.PositiveIntegerField()
    speaker = models.CharField(max_length=10, choices=Speaker.choices)
    text = models.TextField()

    class Meta:
        ordering = ["call_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["call", "position"], name="reviews_segment_position_unique"),
            models.CheckConstraint(condition=models.Q(end_ms__gt=models.F("start_ms")), name="reviews_segment_ends"),
        ]

    def __str__(self) -> str:
        return f"{self.call_id}#{self.position} {self.start_ms}-{self.end_ms} {self.speaker}"

    @property
    def start_seconds(self) -> int:
        """Where the segment starts, in whole seconds: the offset of an error logged at it."""
        return self.start_ms // 1000
