"""The registry of importable / exportable kinds, by slug and by model."""
from .agencies import AgencyKind, ProvinceKind
from .assignments import AssignmentKind
from .criteria import CriterionKind
from .results import NationalResultKind
from .scores import ScoreKind
from .sipas import SipasValueKind

KINDS = {k.slug: k for k in (AgencyKind(), ProvinceKind(), CriterionKind(), AssignmentKind(), ScoreKind(),
                             SipasValueKind(), NationalResultKind())}


def get_kind(slug: str):
    return KINDS[slug]


def kind_for_model(model):
    return next((k for k in KINDS.values() if k.model is model), None)
