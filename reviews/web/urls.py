from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path

from reviews.web.views import (
    alerts,
    appeals,
    calibration,
    calls,
    causes,
    confirmations,
    council,
    evaluations,
    home,
    imports,
    me,
    notifications,
    rules,
    runs,
    sampling,
    scorecards,
)

app_name = "web"

urlpatterns = [
    path("", home.home, name="home"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="web/login.html", extra_context={"oidc_enabled": settings.OIDC_ENABLED}
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    # Supervisors (and the QA lead): queue and scoring
    path("queue/", calls.queue, name="queue"),
    path("calls/<int:pk>/", calls.call_page, name="call"),
    path("calls/<int:pk>/evaluation/", calls.evaluation_start, name="evaluation-start"),
    path("calls/<int:pk>/evaluation/save/", calls.evaluation_save, name="evaluation-save"),
    path("calls/<int:pk>/evaluation/score/", calls.evaluation_score_preview, name="evaluation-score"),
    path("calls/<int:pk>/critical-errors/", calls.critical_error_add, name="critical-error-add"),
    path(
        "calls/<int:pk>/critical-errors/<int:error_id>/remove/",
        calls.critical_error_remove,
        name="critical-error-remove",
    ),
    path("evaluations/<int:pk>/", evaluations.evaluation_detail, name="evaluation"),
    path("evaluations/<int:pk>/acknowledge/", evaluations.evaluation_acknowledge, name="evaluation-acknowledge"),
    path(
        "evaluations/<int:pk>/critical-errors/<int:error_id>/root-cause/",
        evaluations.critical_error_cause,
        name="critical-error-cause",
    ),
    path("evaluations/<int:pk>/appeal/", evaluations.appeal_create, name="appeal-create"),
    path("alerts/", alerts.alert_list, name="alerts"),
    path("alerts/<int:pk>/", alerts.alert_detail, name="alert"),
    path("alerts/<int:pk>/decide/", alerts.alert_decide, name="alert-decide"),
    path("appeals/", appeals.appeal_list, name="appeals"),
    path("appeals/<int:pk>/", appeals.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/start-review/", appeals.appeal_start_review, name="appeal-start-review"),
    path("appeals/<int:pk>/decide/", appeals.appeal_decide, name="appeal-decide"),
    path("appeals/<int:pk>/withdraw/", appeals.appeal_withdraw, name="appeal-withdraw"),
    path("appeals/<int:pk>/assign/", appeals.appeal_assign, name="appeal-assign"),
    # Agents
    path("me/", me.me, name="me"),
    path("notifications/", notifications.notification_list, name="notifications"),
    path("notifications/read/", notifications.notifications_read, name="notifications-read"),
    # QA lead
    path("scorecards/", scorecards.scorecard_list, name="scorecards"),
    path("scorecard-versions/<int:pk>/", scorecards.scorecard_version, name="scorecard-version"),
    path("rules/", rules.rule_list, name="rules"),
    path("rules/<int:pk>/", rules.rule_detail, name="rule"),
    path("rules/<int:pk>/versions/<int:version_id>/", rules.rule_version_action, name="rule-version-action"),
    path(
        "rules/<int:pk>/versions/<int:version_id>/preview/",
        rules.rule_version_preview_panel,
        name="rule-version-preview",
    ),
    path("runs/", runs.run_list, name="runs"),
    path("runs/<int:pk>/", runs.run_detail, name="run"),
    path("sampling/", sampling.sampling_overview, name="sampling"),
    path("sampling/runs/<int:pk>/", sampling.sampling_run, name="sampling-run"),
    path("sampling/fairness/", sampling.fairness, name="fairness"),
    path("imports/", imports.imports, name="imports"),
    path("imports/<int:pk>/", imports.import_detail, name="import"),
    path("calibration/", calibration.calibration_list, name="calibrations"),
    path("calibration/<int:pk>/", calibration.calibration_detail, name="calibration"),
    path("consistency/", calibration.consistency, name="consistency"),
    path("confirmations/", confirmations.confirmation_list, name="confirmations"),
    path("confirmations/<int:pk>/", confirmations.confirmation_detail, name="confirmation"),
    path("confirmations/<int:pk>/answer/", confirmations.confirmation_answer, name="confirmation-answer"),
    path("confirmations/<int:pk>/decide/", confirmations.confirmation_decide, name="confirmation-decide"),
    path("root-causes/", causes.root_causes, name="root-causes"),
    path("root-causes/<int:pk>/revise/", causes.root_cause_revise, name="root-cause-revise"),
    path("root-causes/<int:pk>/retire/", causes.root_cause_retire, name="root-cause-retire"),
    # Works council
    path("council/", council.register, name="council-register"),
    path("council/versions/<int:pk>/consent/", council.consent, name="council-consent"),
    path("council/versions/<int:pk>/nullify/", council.nullify, name="council-nullify"),
    path("council/usage/", council.usage, name="council-usage"),
    path("council/breakdown/", council.breakdown, name="council-breakdown"),
    path("council/pressure/", council.pressure, name="council-pressure"),
    path("council/causes/", council.causes, name="council-causes"),
    path("council/audit/", council.audit, name="council-audit"),
    path("audit/verify/", council.verify, name="audit-verify"),
]
