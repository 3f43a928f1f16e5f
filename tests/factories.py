"""Factories for test data: small frameworks built in code, and generated large ones."""
from decimal import Decimal

import factory

from scorecards.models import Agency, Assignment, Criterion, EvaluationPeriod, Framework, User
from scorecards.services.periods import ensure_scores


class AgencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agency
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"agency-{n}")
    name = factory.Sequence(lambda n: f"Sở thử nghiệm {n}")


class FrameworkFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Framework

    code = factory.Sequence(lambda n: f"fw-{n}")
    name = factory.Sequence(lambda n: f"Bộ chỉ số {n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    password = factory.django.Password("pw-test-123")


def build_framework(fields: int = 8, criteria_per_field: int = 3, leaves_per_criterion: int = 3,
                    code: str | None = None) -> Framework:
    """A synthetic framework: each leaf max 1, parents the sum of their children."""
    fw = FrameworkFactory(code=code or f"gen-{fields}-{criteria_per_field}-{leaves_per_criterion}",
                          total_points=Decimal(fields * criteria_per_field * leaves_per_criterion))
    order = 0
    for f in range(1, fields + 1):
        field = Criterion.objects.create(framework=fw, code=str(f), name=f"Lĩnh vực {f}",
                                         max_points=Decimal(criteria_per_field * leaves_per_criterion), order=order)
        for c in range(1, criteria_per_field + 1):
            crit = Criterion.objects.create(framework=fw, parent=field, code=f"{f}.{c}", name=f"Tiêu chí {f}.{c}",
                                            max_points=Decimal(leaves_per_criterion), order=order)
            for leaf in range(1, leaves_per_criterion + 1):
                order += 1
                Criterion.objects.create(framework=fw, parent=crit, code=f"{f}.{c}.{leaf}",
                                         name=f"Tiêu chí thành phần {f}.{c}.{leaf}", max_points=Decimal(1), order=order)
    return fw


def build_period(framework: Framework, year: int = 2024, subject: Agency | None = None, lead: Agency | None = None,
                 status: str = "self_assessment") -> EvaluationPeriod:
    subject = subject or AgencyFactory(code="tinh-thu", name="UBND tỉnh Thử", kind=Agency.Kind.PROVINCE)
    from scorecards.models import SipasQuestionnaire

    # The demo's questionnaire (when loaded) so that SIPAS values can be attached.
    questionnaire = SipasQuestionnaire.objects.order_by("pk").first()
    period = EvaluationPeriod.objects.create(year=year, framework=framework, subject=subject, status=status,
                                             sipas_questionnaire=questionnaire)
    ensure_scores(period)
    if lead is not None:
        for c in framework.criteria.filter(children__isnull=True):
            Assignment.objects.create(period=period, criterion=c, lead_agency=lead)
    return period
