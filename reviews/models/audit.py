from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every action the audit log records: the registry. ``audit_record`` refuses any other name.

    Namespaced ``<app>.<object>.<what happened>``; the works council filters by these prefixes.
    """

    ALERT_CONFIRMED = "reviews.alert.confirmed", _("Alert: confirmed")
    ALERT_DISMISSED = "reviews.alert.dismissed", _("Alert: dismissed")
    ALERT_EVIDENCE_ADDED = "reviews.alert.evidence_added", _("Alert: evidence added")
    ALERT_EVIDENCE_EXPIRED = "reviews.alert.evidence_expired", _("Alert: evidence expired")
    ALERT_EVIDENCE_VIEWED = "reviews.alert.evidence_viewed", _("Alert: evidence viewed")
    ALERT_OPENED = "reviews.alert.opened", _("Alert: opened")
    ALERT_QUARANTINED = "reviews.alert.quarantined", _("Alert: quarantined")
    ALERT_RETRACTED = "reviews.alert.retracted", _("Alert: retracted")
    APPEAL_ASSIGNED = "reviews.appeal.assigned", _("Appeal: assigned")
    APPEAL_DECIDED = "reviews.appeal.decided", _("Appeal: decided")
    APPEAL_REVIEW_STARTED = "reviews.appeal.review_started", _("Appeal: review started")
    APPEAL_SUBMITTED = "reviews.appeal.submitted", _("Appeal: submitted")
    APPEAL_WITHDRAWN = "reviews.appeal.withdrawn", _("Appeal: withdrawn")
    AUDIT_VERIFIED = "reviews.audit.verified", _("Audit: verified")
    BACKUP_CREATED = "reviews.backup.created", _("Backup: created")
    BACKUP_RESTORED = "reviews.backup.restored", _("Backup: restored")
    CALIBRATION_CLOSED = "reviews.calibration.closed", _("Calibration: closed")
    CALIBRATION_CREATED = "reviews.calibration.created", _("Calibration: created")
    CALIBRATION_SCORED = "reviews.calibration.scored", _("Calibration: scored")
    CALL_CREATED = "reviews.call.created", _("Call: created")
    CALL_IMPORT_CREATED = "reviews.call_import.created", _("Call import: created")
    CALL_IMPORT_FAILED = "reviews.call_import.failed", _("Call import: failed")
    CALL_IMPORT_FINISHED = "reviews.call_import.finished", _("Call import: finished")
    CALL_TRANSCRIPT_REPLACED = "reviews.call.transcript_replaced", _("Call: transcript added or replaced")
    CALL_RECORDING_PLAYED = "reviews.call.recording_played", _("Call: recording played")
    CRITERION_ADDED = "reviews.criterion.added", _("Criterion: added")
    CRITERION_DELETED = "reviews.criterion.deleted", _("Criterion: deleted")
    CRITERION_UPDATED = "reviews.criterion.updated", _("Criterion: updated")
    COACHING_PLAN_CLOSED = "reviews.coaching_plan.closed", _("Coaching plan: closed")
    COACHING_PLAN_COMMENTED = "reviews.coaching_plan.commented", _("Coaching plan: commented by the agent")
    COACHING_PLAN_OPENED = "reviews.coaching_plan.opened", _("Coaching plan: opened")
    COACHING_SESSION_RECORDED = "reviews.coaching_plan.session_recorded", _("Coaching plan: session recorded")
    CONFIRMATION_ANSWERED = "reviews.confirmation.answered", _("Second opinion: given")
    CONFIRMATION_ASSIGNED = "reviews.confirmation.assigned", _("Second opinion: asked")
    CONFIRMATION_DECIDED = "reviews.confirmation.decided", _("Second opinion: disagreement decided")
    CRITICAL_ERROR_CAUSE_CHANGED = "reviews.critical_error.cause_changed", _("Critical error: root cause changed")
    CRITICAL_ERROR_LOGGED = "reviews.critical_error.logged", _("Critical error: logged")
    CRITICAL_ERROR_OVERTURNED = "reviews.critical_error.overturned", _("Critical error: overturned")
    CRITICAL_ERROR_REMOVED = "reviews.critical_error.removed", _("Critical error: removed")
    CRITICAL_ERROR_TYPE_CREATED = "reviews.critical_error_type.created", _("Critical error type: created")
    CRITICAL_ERROR_TYPE_UPDATED = "reviews.critical_error_type.updated", _("Critical error type: updated")
    DIGEST_SENT = "reviews.digest.sent", _("Digest: e-mailed")
    EVALUATION_ACKNOWLEDGED = "reviews.evaluation.acknowledged", _("Evaluation: acknowledged")
    EVALUATION_ANSWERS_SAVED = "reviews.evaluation.answers_saved", _("Evaluation: answers saved")
    EVALUATION_CREATED = "reviews.evaluation.created", _("Evaluation: created")
    EVALUATION_FINALIZED = "reviews.evaluation.finalized", _("Evaluation: finalized")
    EVALUATION_REVISED = "reviews.evaluation.revised", _("Evaluation: revised")
    EVALUATION_SUBMITTED = "reviews.evaluation.submitted", _("Evaluation: submitted")
    LOGIN_LOCKED_OUT = "accounts.login.locked_out", _("Login: locked out")
    NOTIFICATION_READ = "reviews.notification.read", _("Notification: read")
    RETENTION_APPLIED = "reviews.retention.applied", _("Retention: applied")
    ROOT_CAUSE_CREATED = "reviews.root_cause.created", _("Root cause: created")
    ROOT_CAUSE_RETIRED = "reviews.root_cause.retired", _("Root cause: retired")
    ROOT_CAUSE_REVISED = "reviews.root_cause.revised", _("Root cause: new version")
    RULE_VERSION_ACTIVATED = "reviews.rule_version.activated", _("Rule version: activated")
    RULE_VERSION_CONSENT_GRANTED = "reviews.rule_version.consent_granted", _("Rule version: consent granted")
    RULE_VERSION_CONSENT_REFUSED = "reviews.rule_version.consent_refused", _("Rule version: consent refused")
    RULE_VERSION_EDITED = "reviews.rule_version.edited", _("Rule version: edited")
    RULE_VERSION_NULLIFIED = "reviews.rule_version.nullified", _("Rule version: nullified")
    RULE_VERSION_PREVIEWED = "reviews.rule_version.previewed", _("Rule version: previewed")
    RULE_VERSION_PROPOSED = "reviews.rule_version.proposed", _("Rule version: proposed")
    RULE_VERSION_RETIRED = "reviews.rule_version.retired", _("Rule version: retired")
    RULE_VERSION_TERMS_CARRIED_OVER = (
        "reviews.rule_version.terms_carried_over",
        _("Rule version: terms carried over from the deployment's settings"),
    )
    SAMPLING_POLICY_CHANGED = "reviews.sampling_policy.changed", _("Sampling policy: changed")
    SAMPLING_POLICY_CREATED = "reviews.sampling_policy.created", _("Sampling policy: created")
    SAMPLING_RUN_FAILED = "reviews.sampling_run.failed", _("Sampling run: failed")
    SAMPLING_RUN_FINISHED = "reviews.sampling_run.finished", _("Sampling run: finished")
    SAMPLING_RUN_QUEUED = "reviews.sampling_run.queued", _("Sampling run: queued")
    SCORECARD_CREATED = "reviews.scorecard.created", _("Scorecard: created")
    SCORECARD_VERSION_DRAFTED = "reviews.scorecard_version.drafted", _("Scorecard version: drafted")
    SCORECARD_VERSION_PUBLISHED = "reviews.scorecard_version.published", _("Scorecard version: published")
    SCORECARD_VERSION_RETIRED = "reviews.scorecard_version.retired", _("Scorecard version: retired")
    SCORECARD_VERSION_SELF_EVALUATION = (
        "reviews.scorecard_version.self_evaluation_set",
        _("Scorecard version: self-evaluation turned on or off"),
    )
    SCORECARD_VERSION_UPDATED = "reviews.scorecard_version.updated", _("Scorecard version: updated")
    SCORING_RUN_FAILED = "reviews.scoring_run.failed", _("Scoring run: failed")
    SCORING_RUN_QUEUED = "reviews.scoring_run.queued", _("Scoring run: queued")
    SCORING_RUN_RECONCILED = "reviews.scoring_run.reconciled", _("Scoring run: reconciled")
    SCORING_RUN_STARTED = "reviews.scoring_run.started", _("Scoring run: started")
    SCORING_RUN_SUCCEEDED = "reviews.scoring_run.succeeded", _("Scoring run: succeeded")
    SCREENING_CANDIDATES_ASSIGNED = (
        "reviews.screening.candidates_assigned",
        _("Screening: calls selected for a targeted review"),
    )
    SCREENING_LIST_DRAFTED = "reviews.screening_list.drafted", _("Screening list: drafted")
    SCREENING_VERSION_ACTIVATED = "reviews.screening_version.activated", _("Screening list version: activated")
    SCREENING_VERSION_CONSENT_GRANTED = (
        "reviews.screening_version.consent_granted",
        _("Screening list version: consent granted"),
    )
    SCREENING_VERSION_CONSENT_REFUSED = (
        "reviews.screening_version.consent_refused",
        _("Screening list version: consent refused"),
    )
    SCREENING_VERSION_EDITED = "reviews.screening_version.edited", _("Screening list version: edited")
    SCREENING_VERSION_NULLIFIED = "reviews.screening_version.nullified", _("Screening list version: nullified")
    SCREENING_VERSION_PROPOSED = "reviews.screening_version.proposed", _("Screening list version: proposed")
    SCREENING_VERSION_RETIRED = "reviews.screening_version.retired", _("Screening list version: retired")
    SECTION_ADDED = "reviews.section.added", _("Section: added")
    SECTION_DELETED = "reviews.section.deleted", _("Section: deleted")
    SECTION_UPDATED = "reviews.section.updated", _("Section: updated")
    SELF_EVALUATION_DECLINED = "reviews.self_evaluation.declined", _("Self-evaluation: declined")
    SELF_EVALUATION_INVITED = "reviews.self_evaluation.invited", _("Self-evaluation: invited")
    SELF_EVALUATION_SUBMITTED = "reviews.self_evaluation.submitted", _("Self-evaluation: scored by the agent")
    THRESHOLD_RULE_DRAFTED = "reviews.threshold_rule.drafted", _("Threshold rule: drafted")
    TRANSCRIPT_SEARCHED = "reviews.transcript.searched", _("Transcripts: searched")
    USER_CHANGED_BY_SSO = "accounts.user.changed_by_sso", _("User: changed by sso")
    USER_CREATED = "accounts.user.created", _("User: created")
    USER_CREATED_BY_SSO = "accounts.user.created_by_sso", _("User: created by sso")
    USER_DATA_EXPORTED = "accounts.user.data_exported", _("User: data exported")
    WORKS_COUNCIL_VIEWED = "reviews.works_council.viewed", _("Works council: viewed")


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
    action = models.CharField(max_length=100, choices=AuditAction.choices)
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
