from reviews.models.alerts import Alert, AlertEvidence, AlertEvidenceView, AlertStatus
from reviews.models.appeals import (
    OPEN_APPEAL_STATUSES,
    Appeal,
    AppealItem,
    AppealItemKind,
    AppealStatus,
    Notification,
)
from reviews.models.audit import AuditAction, AuditEvent
from reviews.models.calibration import CalibrationParticipant, CalibrationSession, CalibrationStatus
from reviews.models.calls import Call, Channel
from reviews.models.causes import CauseKind, RootCause, RootCauseChange
from reviews.models.coaching import CoachingPlan, CoachingSession, CoachingStatus
from reviews.models.confirmations import ConfirmationStatus, ConfirmationTask
from reviews.models.digests import DigestDelivery
from reviews.models.evaluations import (
    Answer,
    CriticalError,
    CriticalErrorStatus,
    CriticalErrorType,
    Evaluation,
    EvaluationStatus,
)
from reviews.models.figures import ErrorMonthFigures, FigureChange, MonthFigures
from reviews.models.imports import CallImport, CallImportReject, ImportFormat
from reviews.models.rules import (
    AlertLevel,
    ConsentDecision,
    ConsentRecord,
    RuleVersion,
    RuleVersionStatus,
    ThresholdRule,
)
from reviews.models.runs import ACTIVE_RUN_STATUSES, BackgroundRun, RunStatus, RunTrigger
from reviews.models.sampling import (
    ReviewAssignment,
    SamplingPolicy,
    SamplingRun,
    Selection,
    TargetReason,
)
from reviews.models.scorecards import (
    Criterion,
    CriticalPolicy,
    Scorecard,
    ScorecardVersion,
    ScorecardVersionStatus,
    Section,
)
from reviews.models.scoring import AgentScore, ChunkStatus, ScoringChunk, ScoringRun
from reviews.models.screening import (
    CandidateStatus,
    ScreeningCandidate,
    ScreeningConsent,
    ScreeningList,
    ScreeningListVersion,
)
from reviews.models.self_evaluations import SelfAnswer, SelfEvaluation, SelfEvaluationStatus
from reviews.models.transcripts import Speaker, TranscriptSegment

__all__ = [
    "ACTIVE_RUN_STATUSES",
    "OPEN_APPEAL_STATUSES",
    "AgentScore",
    "Alert",
    "AlertEvidence",
    "AlertEvidenceView",
    "AlertLevel",
    "AlertStatus",
    "Answer",
    "Appeal",
    "AppealItem",
    "AppealItemKind",
    "AppealStatus",
    "AuditAction",
    "AuditEvent",
    "BackgroundRun",
    "CalibrationParticipant",
    "CalibrationSession",
    "CalibrationStatus",
    "Call",
    "CallImport",
    "CallImportReject",
    "CandidateStatus",
    "CauseKind",
    "Channel",
    "ChunkStatus",
    "CoachingPlan",
    "CoachingSession",
    "CoachingStatus",
    "ConfirmationStatus",
    "ConfirmationTask",
    "ConsentDecision",
    "ConsentRecord",
    "Criterion",
    "CriticalError",
    "CriticalErrorStatus",
    "CriticalErrorType",
    "CriticalPolicy",
    "DigestDelivery",
    "ErrorMonthFigures",
    "Evaluation",
    "EvaluationStatus",
    "FigureChange",
    "ImportFormat",
    "MonthFigures",
    "Notification",
    "ReviewAssignment",
    "RootCause",
    "RootCauseChange",
    "RuleVersion",
    "RuleVersionStatus",
    "RunStatus",
    "RunTrigger",
    "SamplingPolicy",
    "SamplingRun",
    "Scorecard",
    "ScorecardVersion",
    "ScorecardVersionStatus",
    "ScoringChunk",
    "ScoringRun",
    "ScreeningCandidate",
    "ScreeningConsent",
    "ScreeningList",
    "ScreeningListVersion",
    "Section",
    "Selection",
    "SelfAnswer",
    "SelfEvaluation",
    "SelfEvaluationStatus",
    "Speaker",
    "TargetReason",
    "ThresholdRule",
    "TranscriptSegment",
]
