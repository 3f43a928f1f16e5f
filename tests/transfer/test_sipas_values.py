"""SIPAS values name their indicator by number, and numbers repeat across questionnaire
versions: a number is looked up in the questionnaire the period was surveyed with."""
from decimal import Decimal

import pytest

from scorecards.models import EvaluationPeriod, SipasGroup, SipasIndicator, SipasQuestionnaire, SipasSection, SipasValue
from scorecards.resources import services

from .conftest import csv_bytes, xlsx

HEADER = ["Số thứ tự tiêu chí", "Tỷ lệ hài lòng (%)"]


def questionnaire(code, texts):
    q = SipasQuestionnaire.objects.create(code=code, name=f"Bộ câu hỏi {code}", year_from=2031)
    section = SipasSection.objects.create(questionnaire=q, code="I", name="Phần I")
    group = SipasGroup.objects.create(section=section, code="A", name="Nhóm A")
    for number, text in enumerate(texts, 1):
        SipasIndicator.objects.create(group=group, number=number, text=text)
    return q


@pytest.fixture
def two_versions(open_period):
    """Two questionnaires numbering their indicators 1, 2, …, and a period surveyed with each."""
    older = questionnaire("sipas-cu", ["Cũ: tiêu chí một", "Cũ: tiêu chí hai", "Cũ: tiêu chí ba"])
    newer = questionnaire("sipas-moi", ["Mới: tiêu chí một", "Mới: tiêu chí hai"])
    periods = [EvaluationPeriod.objects.create(year=year, framework=open_period.framework, subject=open_period.subject,
                                               status="self_assessment", sipas_questionnaire=q)
               for year, q in ((2031, older), (2032, newer))]
    return periods, (older, newer)


def make(rows, fmt):
    return xlsx(rows, title="SIPAS") if fmt == "xlsx" else csv_bytes(rows)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_number_is_the_indicator_of_the_periods_own_questionnaire(fmt, two_versions, officer):
    (older_period, newer_period), (older, newer) = two_versions
    for period in (older_period, newer_period):
        preview = services.run_import("sipas", make([HEADER, [1, "81,5"], [2, "70"]], fmt), f"s.{fmt}", scope=period,
                                      actor=officer, dry_run=False)
        assert preview.applied, [str(e) for e in preview.errors]
    for period, q in ((older_period, older), (newer_period, newer)):
        values = SipasValue.objects.filter(period=period).select_related("indicator")
        assert {(v.indicator.questionnaire_id, v.indicator.number, v.pct) for v in values} == {
            (q.pk, 1, Decimal("81.5")), (q.pk, 2, Decimal("70"))}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_number_the_questionnaire_does_not_have_is_a_row_error_naming_it(fmt, two_versions, officer, db_state):
    (_older_period, newer_period), (_older, newer) = two_versions
    before = db_state()
    # Number 3 exists, but in the other questionnaire only.
    preview = services.run_import("sipas", make([HEADER, [1, "80"], [3, "75"]], fmt), f"s.{fmt}", scope=newer_period,
                                  actor=officer, dry_run=False)
    assert [(e.row, e.column, e.message) for e in preview.errors] == [
        (3, "Số thứ tự tiêu chí", "không có tiêu chí SIPAS số 3 trong bộ câu hỏi “Bộ câu hỏi sipas-moi”.")]
    assert db_state() == before


def test_a_period_without_a_questionnaire_is_told_to_choose_one(two_versions, officer, db_state):
    (older_period, _newer_period), _qs = two_versions
    EvaluationPeriod.objects.filter(pk=older_period.pk).update(sipas_questionnaire=None)
    older_period.refresh_from_db()
    before = db_state()
    preview = services.run_import("sipas", make([HEADER, [1, "80"]], "xlsx"), "s.xlsx", scope=older_period,
                                  actor=officer, dry_run=False)
    assert [str(e) for e in preview.errors] == [
        "Kỳ đánh giá năm 2031 chưa chọn bộ câu hỏi SIPAS: chọn bộ câu hỏi cho kỳ rồi nhập lại."]
    assert db_state() == before


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_the_values_of_a_period_reimport_unchanged(fmt, two_versions, officer, db_state):
    (_older_period, newer_period), _qs = two_versions
    services.run_import("sipas", make([HEADER, [1, "80"], [2, "90,25"]], "xlsx"), "s.xlsx", scope=newer_period,
                        actor=officer, dry_run=False)
    data = services.export("sipas", fmt, scope=newer_period)
    if fmt == "csv":
        assert data.decode("utf-8-sig").splitlines()[1] == "1;Mới: tiêu chí một;80"
    else:
        import io

        import openpyxl

        ws = openpyxl.load_workbook(io.BytesIO(data))["SIPAS"]
        assert [c.value for c in ws[2]] == [1, "Mới: tiêu chí một", 80]
    before = db_state()
    preview = services.run_import("sipas", data, f"export.{fmt}", scope=newer_period, actor=officer, dry_run=False)
    assert preview.ok and not preview.changed and len(preview.unchanged) == 2
    assert db_state() == before
