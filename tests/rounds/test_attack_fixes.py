"""What a new user's attack found: each case is a clear refusal, never a 500."""
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.utils import timezone

from scorecards.choices import AdjustmentKind
from scorecards.models import Adjustment, Score
from scorecards.services import adjustments


def test_a_lock_without_author_still_opens_the_page(client, officer, dept_period):
    dept_period.self_locked_at = timezone.now()
    dept_period.save(update_fields=["self_locked_at"])
    client.force_login(officer)
    response = client.get(f"/dot-danh-gia/phieu/{dept_period.pk}/")
    assert response.status_code == 200 and "người chốt: –" in response.content.decode()


def test_a_huge_number_in_the_grid_is_refused_with_a_message(client, dept_user, dept_period):
    score = Score.objects.get(period=dept_period, criterion__code="1.1.1")
    client.force_login(dept_user)
    response = client.post(f"/dot-danh-gia/phieu/{dept_period.pk}/", {
        "action": "save_self", f"s{score.pk}-self_points": "1E+1000", f"s{score.pk}-explanation": "x",
        f"s{score.pk}-version": score.version})
    assert response.status_code in (200, 400)
    score.refresh_from_db()
    assert score.self_points is None


@pytest.mark.parametrize("action", ["delete_adjustment", "save_adjustment"])
def test_a_forged_adjustment_id_is_a_404(client, dept_user, dept_period, action):
    client.force_login(dept_user)
    response = client.post(f"/dot-danh-gia/phieu/{dept_period.pk}/", {"action": action, "adjustment": "abc"})
    assert response.status_code == 404


def test_a_bonus_claim_above_the_cap_is_refused(small_round, dept_user, dept_period):
    with pytest.raises(ValidationError) as exc:
        adjustments.save_adjustment(dept_period.pk, {"kind": AdjustmentKind.BONUS, "content": "Thưởng lớn",
                                                     "claimed_points": D(99)}, actor=dept_user)
    assert "tối đa của nhóm là 3 điểm" in exc.value.messages[0]
    assert not Adjustment.objects.filter(period=dept_period).exists()


@pytest.mark.parametrize("output, fmt", [("{tmp}", "pdf"), ("", "pdf"), ("{tmp}/phu-luc.pdf", "xlsx")])
def test_render_ranking_refuses_bad_outputs(small_round, tmp_path, output, fmt):
    with pytest.raises(CommandError):
        call_command("render_ranking", "--year", "2025", "--round", str(small_round.pk), "--format", fmt,
                     "--output", output.format(tmp=tmp_path))
    assert list(tmp_path.iterdir()) == []


def test_an_unpublished_annex_says_it_is_a_draft(small_round, officer):
    from datetime import date

    from reports.services.round_docs.annex import build_annex

    small_round.decision_number, small_round.decision_date, small_round.decision_signer = "9/QĐ-UBND", date(2026, 1, 2), "A"
    small_round.save()
    annex = build_annex(small_round)
    assert annex.label == "Dự thảo phụ lục" and "Dự thảo – kết quả chưa được công bố" in annex.decision_line
    assert "9/QĐ-UBND" not in annex.decision_line


def test_four_decimals_get_one_message_naming_the_criterion(small_round, dept_user, dept_period):
    from scorecards.choices import Right
    from scorecards.services.scoring import ScoreChange, apply_score_changes

    score = Score.objects.get(period=dept_period, criterion__code="1.1.1")
    with pytest.raises(ValidationError) as exc:
        apply_score_changes(dept_period, [ScoreChange(score.pk, {"self_points": D("0.1234")}, score.version)],
                            actor=dept_user, right=Right.SELF_ASSESS)
    assert len(exc.value.messages) == 1 and "1.1.1" in exc.value.messages[0]


def test_a_forged_version_is_the_changed_by_someone_message(client, dept_user, dept_period):
    score = Score.objects.get(period=dept_period, criterion__code="1.1.1")
    client.force_login(dept_user)
    response = client.post(f"/dot-danh-gia/phieu/{dept_period.pk}/", {
        "action": "save_self", f"s{score.pk}-self_points": "1", f"s{score.pk}-explanation": "x", f"s{score.pk}-version": "0"})
    assert "vừa được" in response.content.decode()
    score.refresh_from_db()
    assert score.self_points is None


def test_duplicate_inline_rows_are_named_by_their_labels(small_round):
    from django.forms.models import inlineformset_factory

    from scorecards.admin.rounds import NamedUniqueInlineFormSet
    from scorecards.models import GradeBand, SubjectGroup

    group = small_round.test_groups["so"]
    FormSet = inlineformset_factory(SubjectGroup, GradeBand, formset=NamedUniqueInlineFormSet, fields=["label", "min_points"],
                                    extra=2)
    data = {"bands-TOTAL_FORMS": "2", "bands-INITIAL_FORMS": "0",
            "bands-0-label": "Xuất sắc", "bands-0-min_points": "95", "bands-1-label": "Xuất sắc", "bands-1-min_points": "96"}
    formset = FormSet(data, instance=group, queryset=GradeBand.objects.none(), prefix="bands")
    assert not formset.is_valid()
    assert formset.non_form_errors() == ["Có dòng trùng xếp loại với một dòng khác; mỗi dòng phải khác nhau."]


def test_a_published_round_scorecard_says_how_to_reopen_the_round(small_round, officer, dept_period):
    from datetime import date

    from scorecards.choices import PeriodStatus
    from scorecards.services import rounds

    small_round.decision_number, small_round.decision_date, small_round.decision_signer = "1/QĐ-UBND", date(2026, 1, 2), "A"
    small_round.save()
    rounds.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    rounds.change_round_status(small_round.pk, PeriodStatus.PUBLISHED, actor=officer)
    dept_period.refresh_from_db()
    assert dept_period.frozen_message().startswith("Đợt đánh giá năm 2025 đã công bố")
    assert "bảng tiến độ của đợt" in dept_period.frozen_message()
