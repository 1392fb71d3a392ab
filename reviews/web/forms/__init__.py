"""Page forms, one module per feature.

They only translate what a person typed; every rule is checked by the services.
"""

from reviews.web.forms.alerts import DecisionForm
from reviews.web.forms.appeals import AppealDecisionForm, AssignForm
from reviews.web.forms.calibration import CalibrationForm, CalibrationScoreForm
from reviews.web.forms.common import (
    NOT_APPLICABLE,
    AnswersForm,
    ErrorTypeField,
    ErrorTypesField,
    FilterForm,
    MonthField,
    PeriodForm,
    answer_field,
    error_type_label,
    set_choices,
)
from reviews.web.forms.evaluations import (
    AppealForm,
    CauseChangeForm,
    CriticalErrorForm,
    QueueFilterForm,
    StartEvaluationForm,
)
from reviews.web.forms.imports import CallImportForm
from reviews.web.forms.rules import ConsentForm, NullityForm, RuleForm
from reviews.web.forms.runs import ScoringRunForm
from reviews.web.forms.sampling import FairnessForm, SamplingDrawForm, SamplingPolicyForm
from reviews.web.forms.scorecards import CriterionForm, ScorecardForm, SectionForm

__all__ = [
    "NOT_APPLICABLE",
    "AnswersForm",
    "AppealDecisionForm",
    "AppealForm",
    "AssignForm",
    "CalibrationForm",
    "CalibrationScoreForm",
    "CallImportForm",
    "CauseChangeForm",
    "ConsentForm",
    "CriterionForm",
    "CriticalErrorForm",
    "DecisionForm",
    "ErrorTypeField",
    "ErrorTypesField",
    "FairnessForm",
    "FilterForm",
    "MonthField",
    "NullityForm",
    "PeriodForm",
    "QueueFilterForm",
    "RuleForm",
    "SamplingDrawForm",
    "SamplingPolicyForm",
    "ScorecardForm",
    "ScoringRunForm",
    "SectionForm",
    "StartEvaluationForm",
    "answer_field",
    "error_type_label",
    "set_choices",
]
