from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AlertLevel(models.TextChoices):
    COACHING = "coaching", _("Coaching")
    FORMAL_WARNING = "formal_warning", _("Formal warning")
    CONTRACT_WARNING = "contract_warning", _("Contract warning")


class RuleVersionStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PROPOSED = "proposed", _("Proposed to the works council")
    CONSENTED = "consented", _("Consented")
    REFUSED = "refused", _("Refused")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")
    NULLIFIED = "nullified", _("Nullified by the works council")


class ThresholdRule(models.Model):
    """A named rule; everything about it lives in immutable versions."""

    name = models.CharField(max_length=200, unique=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RuleVersion(models.Model):
    """One version of a threshold rule. Only a draft is edited; any other change is a new version."""

    rule = models.ForeignKey(ThresholdRule, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField()
    status = models.CharField(max_length=12, choices=RuleVersionStatus.choices, default=RuleVersionStatus.DRAFT)
    purpose = models.TextField()
    counted_types = models.ManyToManyField("reviews.CriticalErrorType", related_name="rule_versions")
    count_n = models.PositiveIntegerField()
    window_days = models.PositiveIntegerField()
    scope_teams = models.ManyToManyField("accounts.Team", blank=True, related_name="rule_versions")
    scope_employment_types = models.JSONField(default=list, blank=True)
    level = models.CharField(max_length=20, choices=AlertLevel.choices)
    effective_from = models.DateField()
    # What counts toward this rule, consented with the rest of its terms (never a deployment setting):
    # errors from targeted reviews (a complaint, a coaching request), and errors logged by reviewers
    # whom calibration flagged.
    count_targeted_reviews = models.BooleanField(default=False)
    exclude_flagged_reviewers = models.BooleanField(default=False)
    # Errors whose root cause is systemic (time pressure, an outage, unclear policy) are the
    # organisation's, not the agent's: a version may leave them out of the count.
    exclude_systemic_causes = models.BooleanField(default=False)
    # A second reviewer must confirm an error, blind, before it counts (``reviews.models.confirmations``).
    requires_confirmation = models.BooleanField(default=False)
    review_by = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    proposed_at = models.DateTimeField(null=True, blank=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    retired_at = models.DateTimeField(null=True, blank=True)
    nullified_at = models.DateTimeField(null=True, blank=True)
    nullity_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["rule_id", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["rule", "number"], name="reviews_ruleversion_number_unique"),
            models.UniqueConstraint(
                fields=["rule"], condition=models.Q(status="active"), name="reviews_ruleversion_one_active"
            ),
            models.UniqueConstraint(
                fields=["rule"], condition=models.Q(status="draft"), name="reviews_ruleversion_one_draft"
            ),
            models.CheckConstraint(condition=models.Q(count_n__gte=1), name="reviews_ruleversion_count_n_min"),
            models.CheckConstraint(
                condition=models.Q(window_days__gte=1) & models.Q(window_days__lte=730),
                name="reviews_ruleversion_window_range",
            ),
            # Activation needs consent, and consent sets review_by: an active version always has one.
            models.CheckConstraint(
                condition=~models.Q(status="active") | models.Q(review_by__isnull=False, activated_at__isnull=False),
                name="reviews_ruleversion_active_has_review_by",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule.name} v{self.number} ({self.status})"

    def is_expired(self, today: dt.date) -> bool:
        return self.status == RuleVersionStatus.ACTIVE and self.review_by is not None and self.review_by < today


class ConsentDecision(models.TextChoices):
    GRANTED = "granted", _("Granted")
    REFUSED = "refused", _("Refused")


class ConsentRecord(models.Model):
    """The works council's decision on one rule version."""

    rule_version = models.ForeignKey(RuleVersion, on_delete=models.PROTECT, related_name="consents")
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(max_length=10, choices=ConsentDecision.choices)
    decided_on = models.DateField()
    reference = models.CharField(max_length=200, help_text="Reference to the council's decision document")
    population = models.TextField(help_text="Who the consent covers")
    note = models.TextField(blank=True)
    review_by = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["rule_version"], name="reviews_consent_one_per_version"),
        ]

    def __str__(self) -> str:
        return f"{self.decision} for {self.rule_version_id} ({self.reference})"
