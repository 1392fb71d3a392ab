"""HTTP in, service or selector call, serializer out. No business rules here."""

from reviews.api.views.alerts import AgentScoreViewSet, AlertViewSet, ScoringRunViewSet
from reviews.api.views.appeals import AppealViewSet, MyExportView, MyOverviewView
from reviews.api.views.calibration import CalibrationSessionViewSet, ReviewerConsistencyView
from reviews.api.views.calls import CallViewSet
from reviews.api.views.critical_error_types import CriticalErrorTypeViewSet
from reviews.api.views.evaluations import EvaluationViewSet
from reviews.api.views.rules import ThresholdRuleViewSet
from reviews.api.views.scorecards import CriterionViewSet, ScorecardVersionViewSet, ScorecardViewSet, SectionViewSet

__all__ = [
    "AgentScoreViewSet",
    "AlertViewSet",
    "AppealViewSet",
    "CalibrationSessionViewSet",
    "CallViewSet",
    "CriterionViewSet",
    "CriticalErrorTypeViewSet",
    "EvaluationViewSet",
    "MyExportView",
    "MyOverviewView",
    "ReviewerConsistencyView",
    "ScorecardVersionViewSet",
    "ScorecardViewSet",
    "ScoringRunViewSet",
    "SectionViewSet",
    "ThresholdRuleViewSet",
]
