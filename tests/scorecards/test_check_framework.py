"""check_framework reports broken parent sums (and fails) and published differences."""
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from scorecards.models import Criterion


def test_demo_framework_is_consistent_and_differences_are_shown(demo, capsys):
    call_command("check_framework")
    out = capsys.readouterr().out
    assert "Kỳ 2024 – Ủy ban nhân dân tỉnh Điện Biên: Tổng tính từ tiêu chí 88,223 khác điểm Bộ Nội vụ công bố 88,23: chênh 0,007 điểm." in out
    assert "Bộ chỉ số hợp lệ" in out


def test_a_parent_that_is_not_the_sum_of_its_children_fails(demo, capsys):
    # Bypass the model's own guard (as a raw import or SQL edit could) to prove the check sees it.
    Criterion.objects.filter(framework=demo.framework, code="6.3.2").update(max_points=Decimal("0.5"))
    with pytest.raises(CommandError):
        call_command("check_framework")
    out = capsys.readouterr().out
    assert "tiêu chí 6.3 có điểm tối đa 1 nhưng tổng các tiêu chí con là 0,75." in out
    assert "tổng điểm tối đa các lĩnh vực là 100" not in out
