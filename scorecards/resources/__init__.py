"""Import and export of every kind of data, as django-import-export resources.

`RESOURCES` maps a kind's slug (used in URLs, commands and file names) to its resource;
`services` runs imports and exports for the admin and the commands.
"""
from .agencies import AgencyResource, ProvinceResource
from .assignments import AssignmentResource
from .criteria import CriterionResource
from .questionnaire import QuestionnaireResource
from .results import NationalResultResource
from .round_appraisal import RoundAppraisalResource
from .round_grade_bands import GradeBandResource
from .round_not_applicable import NotApplicableResource
from .round_subjects import RoundSubjectsResource
from .round_survey import RoundSurveyResource
from .scores import ScoreResource
from .sipas import SipasValueResource

RESOURCES = {r.slug: r for r in (AgencyResource, ProvinceResource, CriterionResource, AssignmentResource, ScoreResource,
                                 SipasValueResource, NationalResultResource, QuestionnaireResource,
                                 # A province's own round (scope: the round, `--round ID`).
                                 RoundSubjectsResource, NotApplicableResource, RoundAppraisalResource, RoundSurveyResource,
                                 GradeBandResource)}


def get_resource(slug: str):
    """The resource class of a kind; KeyError for an unknown slug."""
    return RESOURCES[slug]


def resource_for_model(model):
    """The resource whose rows are `model`'s (a questionnaire's rows are indicators: its admin
    names QuestionnaireResource in `resource_classes`)."""
    return next((r for r in RESOURCES.values() if r._meta.model is model), None)
