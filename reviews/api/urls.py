from django.urls import include, path
from rest_framework.routers import DefaultRouter

from accounts.api import MeView, TeamViewSet, TokenView, UserViewSet
from reviews.api import views
from reviews.api.views import (
    coaching,
    confirmations,
    imports,
    root_causes,
    sampling,
    screening,
    self_evaluations,
    transcripts,
)
from reviews.api.views import works_council as council

router = DefaultRouter()
router.register("teams", TeamViewSet, basename="team")
router.register("users", UserViewSet, basename="user")
router.register("calls", views.CallViewSet, basename="call")
router.register("scorecards", views.ScorecardViewSet, basename="scorecard")
router.register("scorecard-versions", views.ScorecardVersionViewSet, basename="scorecard-version")
router.register("sections", views.SectionViewSet, basename="section")
router.register("criteria", views.CriterionViewSet, basename="criterion")
router.register("critical-error-types", views.CriticalErrorTypeViewSet, basename="critical-error-type")
router.register("root-causes", root_causes.RootCauseViewSet, basename="root-cause")
router.register("confirmation-tasks", confirmations.ConfirmationTaskViewSet, basename="confirmation-task")
router.register("coaching-plans", coaching.CoachingPlanViewSet, basename="coaching-plan")
router.register("self-evaluations", self_evaluations.SelfEvaluationViewSet, basename="self-evaluation")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("threshold-rules", views.ThresholdRuleViewSet, basename="threshold-rule")
router.register("alerts", views.AlertViewSet, basename="alert")
router.register("screening-lists", screening.ScreeningListViewSet, basename="screening-list")
router.register("screening-candidates", screening.ScreeningCandidateViewSet, basename="screening-candidate")
router.register("scoring-runs", views.ScoringRunViewSet, basename="scoring-run")
router.register("agent-scores", views.AgentScoreViewSet, basename="agent-score")
router.register("appeals", views.AppealViewSet, basename="appeal")
router.register("call-imports", imports.CallImportViewSet, basename="call-import")
router.register("sampling-policies", sampling.SamplingPolicyViewSet, basename="sampling-policy")
router.register("sampling-runs", sampling.SamplingRunViewSet, basename="sampling-run")
router.register("review-assignments", sampling.ReviewAssignmentViewSet, basename="review-assignment")
router.register("calibration-sessions", views.CalibrationSessionViewSet, basename="calibration-session")

urlpatterns = [
    path("auth/token/", TokenView.as_view(), name="auth-token"),
    path("auth/", include("rest_framework.urls")),
    path("calls/import/", imports.CallImportUploadView.as_view(), name="call-import-upload"),
    path("me/", MeView.as_view(), name="me"),
    path("transcript-search/", transcripts.TranscriptSearchView.as_view(), name="transcript-search"),
    path("me/overview/", views.MyOverviewView.as_view(), name="me-overview"),
    path("me/export/", views.MyExportView.as_view(), name="me-export"),
    path("reviewer-consistency/", views.ReviewerConsistencyView.as_view(), name="reviewer-consistency"),
    path("works-council/rule-register/", council.RuleRegisterView.as_view(), name="wc-rule-register"),
    path("works-council/rule-usage/", council.RuleUsageView.as_view(), name="wc-rule-usage"),
    path("works-council/group-breakdown/", council.GroupBreakdownView.as_view(), name="wc-group-breakdown"),
    path(
        "works-council/reviewer-consistency/",
        council.CouncilReviewerConsistencyView.as_view(),
        name="wc-reviewer-consistency",
    ),
    path("works-council/pressure-indicators/", council.PressureIndicatorsView.as_view(), name="wc-pressure"),
    path("works-council/root-causes/", council.RootCausesView.as_view(), name="wc-root-causes"),
    path(
        "works-council/support-before-sanction/",
        council.SupportBeforeSanctionView.as_view(),
        name="wc-support-before-sanction",
    ),
    path("works-council/audit-log/", council.CouncilAuditLogView.as_view(), name="wc-audit-log"),
    path("audit/verify/", council.AuditVerifyView.as_view(), name="audit-verify"),
    path("", include(router.urls)),
]
