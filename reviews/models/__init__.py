from reviews.models.audit import AuditEvent
from reviews.models.calls import Call, Channel
from reviews.models.evaluations import (
    Answer,
    CriticalError,
    CriticalErrorStatus,
    CriticalErrorType,
    Evaluation,
    EvaluationStatus,
)
from reviews.models.scorecards import (
    Criterion,
    CriticalPolicy,
    Scorecard,
    ScorecardVersion,
    ScorecardVersionStatus,
    Section,
)

__all__ = [
    "Answer",
    "AuditEvent",
    "Call",
    "Channel",
    "Criterion",
    "CriticalError",
    "CriticalErrorStatus",
    "CriticalErrorType",
    "CriticalPolicy",
    "Evaluation",
    "EvaluationStatus",
    "Scorecard",
    "ScorecardVersion",
    "ScorecardVersionStatus",
    "Section",
]
