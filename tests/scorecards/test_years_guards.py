"""Guards found by a new user's attack on the years that change: each refusal is a clear
Vietnamese message, never a 500, and changes nothing."""
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from reports.services import assemble, build_context
from scorecards.models import (
    Agency, Assignment, Criterion, EvaluationPeriod, NationalResult, Province, SipasIndicator, SipasValue,
)
from scorecards.services import records
from tests.factories import AgencyFactory, build_framework, build_period

pytestmark = pytest.mark.django_db


def test_a_percentage_above_100_is_a_message_not_a_500(client, officer, open_period):
    client.force_login(officer)
    indicator = SipasIndicator.objects.filter(questionnaire=open_period.sipas_questionnaire).order_by("number").first()
    response = client.post(reverse("admin:scorecards_sipasvalue_add"), {
        "period": open_period.pk, "indicator": indicator.pk, "pct": "120"})
    assert response.status_code == 200 and "100%" in response.content.decode()
    assert not SipasValue.objects.filter(period=open_period, indicator=indicator).exists()


def test_zero_provinces_ranked_is_refused(officer, demo):
    row = NationalResult(year=2033, province=Province.objects.get(code="dien-bien"), par_rank=1, ranked_count=0)
    with pytest.raises(ValidationError, match="từ 1 trở lên"):
        records.save_record(row, actor=officer)
    assert not NationalResult.objects.filter(year=2033).exists()


def test_another_provinces_results_stay_writable_after_one_province_publishes(officer, period_2024):
    other = Province.objects.create(code="ha-nam-cu", name="Hà Nam")
    records.save_record(NationalResult(year=2024, province=other, par_score=Decimal("85"), par_rank=30, ranked_count=63), actor=officer)
    own = NationalResult.objects.get(year=2024, province__code="dien-bien")
    own.par_rank = 1
    with pytest.raises(ValidationError, match="2024 đã công bố"):
        records.save_record(own, actor=officer)


def test_a_merged_provinces_published_period_freezes_its_predecessors_results(officer, demo):
    old = Province.objects.create(code="nam-dinh-cu", name="Nam Định")
    result = NationalResult.objects.create(year=2024, province=old, par_score=Decimal("88"), par_rank=10, ranked_count=63)
    merged = Province.objects.create(code="ninh-binh-moi", name="Ninh Bình", valid_from=date(2025, 7, 1))
    merged.predecessors.set([old])
    subject = AgencyFactory(code="ubnd-nb", name="UBND tỉnh Ninh Bình", kind=Agency.Kind.PROVINCE, province=merged)
    build_period(build_framework(fields=2, criteria_per_field=1, leaves_per_criterion=1, code="nb-fw"), year=2025,
                 subject=subject, status="published")
    result.par_rank = 11
    with pytest.raises(ValidationError, match="2025 đã công bố"):
        records.save_record(result, actor=officer)


def test_sipas_numbers_and_counterparts_are_one_to_one_in_a_questionnaire(demo):
    indicator = SipasIndicator.objects.order_by("number").first()
    twin = SipasIndicator(group=indicator.group, number=indicator.number, text="Trùng số")
    with pytest.raises(ValidationError, match="đã có trong bộ câu hỏi"):
        twin.full_clean()


def test_a_framework_total_must_be_its_fields_sum(officer, period_2024):
    fw = build_framework(fields=2, criteria_per_field=1, leaves_per_criterion=1, code="sum-fw")
    fields_sum = sum(c.max_points for c in fw.criteria.filter(parent__isnull=True))
    fw.total_points = fields_sum / 2
    with pytest.raises(ValidationError, match="khác tổng điểm"):
        records.save_record(fw, actor=officer)


def test_assignments_go_to_leaves_and_to_agencies_still_working(officer, open_period):
    ended = Agency.objects.get(code="so-ke-hoach-va-dau-tu")
    leaf = Criterion.objects.filter(framework=open_period.framework, children__isnull=True).exclude(
        assignments__period=open_period).first() or Criterion.objects.filter(framework=open_period.framework, code="8.2").get()
    existing = Assignment.objects.filter(period=open_period, criterion=leaf).first()
    assignment = existing or Assignment(period=open_period, criterion=leaf)
    assignment.lead_agency = ended
    with pytest.raises(ValidationError, match="đã kết thúc hoạt động.*Sở Tài chính"):
        assignment.full_clean()
    field = Criterion.objects.get(framework=open_period.framework, code="7")
    with pytest.raises(ValidationError, match="không có tiêu chí con"):
        Assignment(period=open_period, criterion=field, lead_agency=Agency.objects.get(code="so-noi-vu")).full_clean()


def test_successors_never_loop(demo):
    a = AgencyFactory(code="loop-a", name="Đơn vị A", ended_on=date(2025, 2, 28))
    b = AgencyFactory(code="loop-b", name="Đơn vị B", ended_on=date(2025, 6, 30), successor=a)
    a.successor = b
    with pytest.raises(ValidationError, match="Vòng lặp"):
        a.full_clean()


def test_a_report_compared_with_an_illustrative_year_says_which_year_is(demo, open_period):
    EvaluationPeriod.objects.filter(pk=open_period.pk).update(is_illustrative=False)
    line = build_context(assemble(EvaluationPeriod.objects.get(pk=open_period.pk)))["illustrative_line"]
    assert line.startswith("SỐ LIỆU SO SÁNH MINH HỌA") and "năm 2025" in line
    assert build_context(assemble(EvaluationPeriod.objects.for_year(2025).get()))["illustrative_line"].startswith("SỐ LIỆU MINH HỌA")
    assert build_context(assemble(EvaluationPeriod.objects.for_year(2024).get()))["illustrative_line"] is None


def test_a_period_without_appraisal_does_not_claim_every_criterion_reached_its_maximum(open_period):
    from reports.services.narrative_par import shortfall_intro

    _lead, tail, _note = shortfall_intro(assemble(open_period))
    assert "chưa có điểm thẩm định" in tail and "đều đạt điểm tối đa" not in tail


def test_province_predecessors_never_loop(officer, demo):
    old = Province.objects.create(code="loop-old", name="Tỉnh Cũ")
    new = Province.objects.create(code="loop-new", name="Tỉnh Mới", valid_from=date(2025, 7, 1))
    records.save_record(new, actor=officer, m2m={"predecessors": [old]})
    with pytest.raises(ValidationError, match="Vòng lặp"):
        records.save_record(old, actor=officer, m2m={"predecessors": [new]})
    assert list(old.predecessors.all()) == []


def test_the_board_names_the_subject_when_a_year_has_several(client, officer, open_period):
    other = AgencyFactory(code="ubnd-khac", name="UBND tỉnh Khác", kind=Agency.Kind.PROVINCE,
                          province=Province.objects.create(code="khac-board", name="Khác"))
    build_period(build_framework(fields=1, criteria_per_field=1, leaves_per_criterion=1, code="board-fw"), year=2026,
                 subject=other, status="self_assessment")
    client.force_login(officer)
    html = client.get(reverse("scorecards:board", args=[open_period.pk])).content.decode()
    assert "2026 · UBND tỉnh Khác" in html and f"2026 · {open_period.subject.label}" in html
    assert "2024 · " not in html  # years with one period stay bare
