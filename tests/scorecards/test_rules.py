"""Every rule on points and on the framework gives a Vietnamese message naming the
criterion and the limit, and saves nothing."""
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from scorecards.models import Criterion, Score
from scorecards.services.scoring import ScoreChange, apply_score_changes


def score(period, code):
    return Score.objects.select_related("criterion", "period").get(period=period, criterion__code=code)


def change(period, officer, code, **values):
    s = score(period, code)
    return apply_score_changes(period, [ScoreChange(s.pk, values, version=s.version)], actor=officer)


@pytest.mark.parametrize(("code", "values", "message"), [
    ("2.3.2", {"self_points": Decimal("1.25")}, "Điểm tự đánh giá của tiêu chí 2.3.2 là 1,25, vượt điểm tối đa 1."),
    ("7.1.4", {"appraised_points": Decimal("1.001")}, "Điểm thẩm định (vòng 1) của tiêu chí 7.1.4 là 1,001, vượt điểm tối đa 1."),
    ("2.3.2", {"self_points": Decimal("-0.5")}, "Điểm tự đánh giá của tiêu chí 2.3.2 không được âm."),
    ("7.3.6", {"self_points": Decimal("1.3233")}, "Điểm tự đánh giá của tiêu chí 7.3.6 có quá 3 chữ số thập phân (1,3233)."),
    ("5.KS", {"self_points": Decimal("5")}, "Tiêu chí 5.KS được chấm qua điều tra xã hội học lãnh đạo, quản lý: không có điểm tự đánh giá."),
])
def test_bad_points_are_refused_with_a_named_message(appraisal_2024, officer, code, values, message):
    before = score(appraisal_2024, code)
    with pytest.raises(ValidationError) as exc:
        change(appraisal_2024, officer, code, **values)
    assert message in exc.value.messages
    after = score(appraisal_2024, code)
    assert (after.self_points, after.appraised_points, after.version) == (before.self_points, before.appraised_points, before.version)


def test_many_rows_are_saved_all_or_nothing(appraisal_2024, officer):
    good, bad = score(appraisal_2024, "2.3.2"), score(appraisal_2024, "7.1.1")
    with pytest.raises(ValidationError):
        apply_score_changes(appraisal_2024, [
            ScoreChange(good.pk, {"self_points": Decimal("0.5")}, version=good.version),
            ScoreChange(bad.pk, {"self_points": Decimal("9")}, version=bad.version),
        ], actor=officer)
    assert score(appraisal_2024, "2.3.2").self_points == Decimal("1")


def test_a_closed_period_refuses_every_write(period_2023, officer):
    with pytest.raises(ValidationError) as exc:
        change(period_2023, officer, "2.3.2", appraised_points=Decimal("0.5"))
    assert exc.value.messages == ["Kỳ đánh giá năm 2023 đã đóng: không thể thay đổi dữ liệu."]
    assert score(period_2023, "2.3.2").appraised_points == Decimal("1")


def test_a_stale_version_is_refused_naming_who_saved_first(appraisal_2024, officer, home_affairs_group):
    from scorecards.models import User

    colleague = User.objects.create_user("canbo2", first_name="Lò Văn", last_name="Hải")
    colleague.groups.add(home_affairs_group)
    s = score(appraisal_2024, "2.3.2")
    apply_score_changes(appraisal_2024, [ScoreChange(s.pk, {"explanation": "Bản của Sở Tư pháp"}, version=s.version)], actor=colleague)
    with pytest.raises(ValidationError) as exc:
        apply_score_changes(appraisal_2024, [ScoreChange(s.pk, {"explanation": "Bản cũ"}, version=s.version)], actor=officer)
    assert "Lò Văn Hải" in exc.value.messages[0]
    assert score(appraisal_2024, "2.3.2").explanation == "Bản của Sở Tư pháp"


def test_a_change_is_audited_and_in_history(appraisal_2024, officer):
    s = score(appraisal_2024, "2.3.2")
    history_before = s.history.count()
    change(appraisal_2024, officer, "2.3.2", self_points=Decimal("0.5"))
    event = s.audit_events.get(action="score.self_assessed")
    assert event.actor == officer
    assert event.data["changes"] == {"self_points": ["1.000", "0.5"]}
    assert s.history.count() == history_before + 1
    assert s.history.first().history_user == officer or s.history.first().self_points == Decimal("0.5")


def test_database_refuses_negative_points_even_past_the_model(period_2024):
    s = score(period_2024, "2.3.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.filter(pk=s.pk).update(self_points=Decimal("-1"))


def test_database_refuses_a_second_score_for_one_criterion(period_2024):
    s = score(period_2024, "2.3.2")
    with pytest.raises(IntegrityError), transaction.atomic():
        Score.objects.create(period=period_2024, criterion=s.criterion)


def test_a_child_maximum_that_breaks_the_parent_sum_is_refused(period_2024):
    child = Criterion.objects.get(framework=period_2024.framework, code="6.1.1")
    child.max_points = Decimal("1.5")
    with pytest.raises(ValidationError) as exc:
        child.full_clean()
    assert exc.value.message_dict["max_points"] == [
        "Tổng điểm tối đa các tiêu chí con của 6.1 là 2,5, vượt điểm tối đa 2 của 6.1."
    ]


def test_a_criterion_code_is_unique_in_its_framework(period_2024):
    existing = Criterion.objects.get(framework=period_2024.framework, code="6.1.1")
    dup = Criterion(framework=existing.framework, parent=existing.parent, code="6.1.1", name="Trùng", max_points=0)
    with pytest.raises(ValidationError) as exc:
        dup.full_clean()
    assert "Mã tiêu chí đã có trong bộ chỉ số này." in exc.value.messages


def test_only_leaves_are_scored(appraisal_2024):
    parent = Criterion.objects.get(framework=appraisal_2024.framework, code="6.1")
    with pytest.raises(ValidationError) as exc:
        Score(period=appraisal_2024, criterion=parent, appraised_points=1).full_clean(validate_unique=False)
    assert exc.value.messages == ["Tiêu chí 6.1 có tiêu chí con: chỉ chấm điểm ở tiêu chí lá."]
