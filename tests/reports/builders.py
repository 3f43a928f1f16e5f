"""A generated report case several times the size of the demo framework.

Used by the query-count test and by bench/report.py: a province subject with two
periods (so every comparison is drawn), scores, lead agencies, SIPAS values,
published results and a report record, i.e. the same shape as the Điện Biên demo.
"""
from datetime import date
from decimal import Decimal

from scorecards.models import (
    Agency, NationalResult, Province, Score, SipasExpectation, SipasIndicator, SipasValue,
)
from reports.demo import load_texts
from reports.models import ReportRecord
from tests.factories import AgencyFactory, build_framework, build_period


def build_report_case(scale: int = 5, code: str = "gen"):
    """Return the current (2024) period of a generated framework of about 40 × scale leaves."""
    province, _ = Province.objects.get_or_create(code=f"{code}-tinh", defaults={"name": f"Thử {scale}x"})
    subject = AgencyFactory(code=f"{code}-ubnd", name=f"UBND tỉnh Thử {scale}x", kind=Agency.Kind.PROVINCE, province=province)
    lead = AgencyFactory(code=f"{code}-so", name="Sở Thử nghiệm")
    # The demo has 8 fields and about 40 leaves; scale the criteria and leaves per field.
    per_field = max(1, round((40 * scale / 8) ** 0.5))
    framework = build_framework(fields=8, criteria_per_field=per_field, leaves_per_criterion=per_field, code=f"{code}-fw-{scale}")
    periods = {}
    for year in (2023, 2024):
        period = build_period(framework, year=year, subject=subject, lead=lead, status="published")
        scores = list(Score.objects.filter(period=period).select_related("criterion").order_by("criterion__sort_key"))
        for i, s in enumerate(scores):
            s.self_points = Decimal("1")
            s.appraised_points = Decimal("1") if (i + year) % 3 else Decimal("0.5")
            s.appraisal_reason = f"Nguyên nhân chưa đạt điểm tối đa của {s.criterion.code}" if s.appraised_points < 1 else ""
        Score.objects.bulk_update(scores, ["self_points", "appraised_points", "appraisal_reason"])
        indicators = list(SipasIndicator.objects.filter(questionnaire_id=period.sipas_questionnaire_id))
        SipasValue.objects.bulk_create([SipasValue(period=period, indicator=ind, pct=Decimal("80") + (year - 2023) + Decimal(ind.number % 7) / 10)
                                        for ind in indicators])
        SipasExpectation.objects.create(period=period, text="Nâng cao năng lực của CBCCVC", pct=Decimal("70.5"))
        NationalResult.objects.create(year=year, province=province, par_score=Decimal("80") + year - 2023, par_rank=30 - (year - 2023),
                                      sipas_pct=Decimal("81"), sipas_rank=20, ranked_count=63)
        periods[year] = period
    # The staff-written texts of the demo, so that only the framework differs from it.
    texts = {k: v for k, v in load_texts()["record"].items() if k not in {"date", "area_name", "published_decision"}}
    texts.update(number="01/BC-SNV", place="Thử", parent_body="UBND TỈNH THỬ", signer_name="Nguyễn Văn A")
    ReportRecord.objects.create(period=periods[2024], date=date(2025, 4, 1), **texts)
    return periods[2024]
