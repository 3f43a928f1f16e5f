from scorecards.choices import AuditAction, PeriodStatus, ScoreState

from .agencies import Agency, User
from .audit import AuditEvent
from .frameworks import Criterion, Framework, ScoringSource
from .imports import ImportJob
from .periods import AgencyException, Assignment, EvaluationPeriod
from .plans import ImprovementItem, ImprovementUpdate, PlanStatus
from .results import NationalResult, Province
from .rounds import Adjustment, CouncilMember, GradeBand, Round, SubjectGroup
from .scores import EvidenceDocument, Score
from .sipas import SipasExpectation, SipasGroup, SipasIndicator, SipasQuestionnaire, SipasSection, SipasValue

__all__ = [
    "Adjustment", "CouncilMember", "GradeBand", "Round", "SubjectGroup", "Agency", "User", "AuditAction", "AuditEvent", "Criterion", "Framework", "ScoringSource",
    "ImportJob",
    "ImprovementItem", "ImprovementUpdate", "PlanStatus",
    "AgencyException", "Assignment", "EvaluationPeriod", "PeriodStatus", "NationalResult", "Province",
    "EvidenceDocument", "Score", "ScoreState", "SipasExpectation", "SipasGroup",
    "SipasIndicator", "SipasQuestionnaire", "SipasSection", "SipasValue",
]
