"""What the first testers broke in the improvement plan: text without bounds, items given to
agencies that no longer work or cannot reach a unit's scorecard, deadlines out of reach,
edits that emptied fields or bumped the version for nothing."""
import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from reports.views import period_url
from scorecards.models import Agency, Criterion, ImprovementItem, Score
from scorecards.services import improvement


@pytest.fixture(autouse=True)
def no_plan(empty_plan):
    """Every test here starts from an empty plan."""


def _criterion(period, code):
    return Criterion.objects.get(framework_id=period.framework_id, code=code)


def _create(period, officer, code="2.3.2", **kw):
    values = {"actions": "Rà soát văn bản.", "deadline": dt.date(2025, 6, 30), **kw}
    return improvement.create_item(period.pk, _criterion(period, code).pk, actor=officer, **values)


def test_long_text_is_refused_and_nothing_is_written(period_2024, officer):
    with pytest.raises(ValidationError) as exc:
        _create(period_2024, officer, actions="x" * (improvement.MAX_TEXT + 1))
    assert "quá 2000 ký tự" in str(exc.value) and not ImprovementItem.objects.exists()
    item = _create(period_2024, officer, actions="x" * improvement.MAX_TEXT)
    with pytest.raises(ValidationError, match="quá 2000 ký tự"):
        improvement.report_progress(item.pk, actor=officer, version=item.version, status="in_progress",
                                    note="y" * 2001)
    assert not item.updates.exists()


def test_an_ended_agency_is_refused_and_the_default_is_its_successor(period_2024, officer):
    score = Score.objects.select_related("responsible_agency").get(period=period_2024, criterion__code="6.1.1")
    ended = score.responsible_agency
    assert ended.ended_on and ended.ended_on.year == 2025  # Sở Kế hoạch và Đầu tư, 28/02/2025
    with pytest.raises(ValidationError) as exc:
        _create(period_2024, officer, code="6.1.1", agency_id=ended.pk)
    assert "không còn hoạt động trong năm 2025" in str(exc.value) and str(ended.successor) in str(exc.value)
    assert _create(period_2024, officer, code="6.1.1").agency_id == ended.successor_id


def test_a_deadline_more_than_three_years_on_is_refused(period_2024, officer):
    with pytest.raises(ValidationError, match="quá xa"):
        _create(period_2024, officer, deadline=dt.date(9999, 12, 31))
    assert _create(period_2024, officer, deadline=dt.date(2027, 12, 31)).deadline.year == 2027


def test_saving_the_same_values_is_no_change(period_2024, officer):
    item = _create(period_2024, officer, target_points=Decimal("0.9"))
    same = improvement.update_item(item.pk, actor=officer, version=item.version, target_points="0,900",
                                   actions=item.actions, deadline=item.deadline)
    assert same.version == item.version  # nobody editing alongside is refused as stale for nothing


def test_an_emptied_field_in_the_edit_form_is_an_error(period_2024, officer):
    item = _create(period_2024, officer)
    client = Client()
    client.force_login(officer)
    response = client.post(period_url("plan", period_2024), {
        "action": "update", "item": item.pk, "version": item.version, "target_points": "1", "actions": "",
        "deadline": "", "agency": ""})
    html = response.content.decode()
    assert response.status_code == 400 and "Nhập nhiệm vụ, giải pháp." in html and "Nhập thời hạn hoàn thành" in html
    assert "Chọn cơ quan chủ trì." in html
    item.refresh_from_db()
    assert item.actions == "Rà soát văn bản." and item.version == 1


def test_a_units_scorecard_item_stays_with_the_unit(dept_period_published, officer):
    period, criterion = dept_period_published
    other = Agency.objects.exclude(pk=period.subject_id).exclude(kind=Agency.Kind.PROVINCE).first()
    with pytest.raises(ValidationError, match="do chính đơn vị chủ trì"):
        improvement.create_item(period.pk, criterion.pk, actor=officer, agency_id=other.pk, actions="x",
                                deadline=dt.date(period.year + 1, 6, 30))
    item = improvement.create_item(period.pk, criterion.pk, actor=officer, actions="x",
                                   deadline=dt.date(period.year + 1, 6, 30))
    assert item.agency_id == period.subject_id
    with pytest.raises(ValidationError, match="do chính đơn vị chủ trì"):
        improvement.update_item(item.pk, actor=officer, version=item.version, agency_id=other.pk)


@pytest.fixture
def dept_period_published(officer):
    """A unit's scorecard of a round with one leaf appraised below its maximum."""
    from tests.rounds.conftest import make_round

    round_ = make_round(officer)
    period = round_.periods.select_related("subject").get(subject__name="Sở A")
    score = Score.objects.filter(period=period).select_related("criterion").first()
    Score.objects.filter(pk=score.pk).update(appraised_points=score.criterion.max_points / 2)
    return period, score.criterion


def test_a_merged_units_round_scorecard_still_gets_its_plan(dept_period_published, officer):
    """A unit that ended after the round (merged in 2025) keeps its own scorecard's items."""
    period, criterion = dept_period_published
    Agency.objects.filter(pk=period.subject_id).update(ended_on=dt.date(period.year + 1, 2, 28))
    item = improvement.create_item(period.pk, criterion.pk, actor=officer, actions="x",
                                   deadline=dt.date(period.year + 1, 6, 30))
    assert item.agency_id == period.subject_id
