"""`python manage.py whatif`: Vietnamese output with decimal comma; bad input is a CommandError
(exit non-zero) with a clear message. Hand-computed on the demo's 2024 table (Điện Biên 88,23,
35/63) and on the small world of test_whatif."""
from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scorecards.models import NationalResult

from .test_whatif import _world

pytestmark = pytest.mark.django_db


def run(*args) -> str:
    out = StringIO()
    call_command("whatif", *args, stdout=out)
    return out.getvalue()


def test_a_projection_prints_base_changes_total_rank_and_ties(demo):
    _world()
    text = run("--year", "2030", "--set", "1.1.1=0,5")
    assert "Điểm gốc: 80 (điểm công bố năm 2030), hạng 4/5" in text
    assert "1.1.1 Tiêu chí thành phần 1.1.1 [Tài liệu kiểm chứng]: 0 → 0,5 / 1, +0,5 điểm" in text
    assert "Tổng điểm dự kiến: 80,5" in text and "Thứ hạng dự kiến: 2/5 (tăng 02 bậc)" in text
    assert "Vượt qua: C" in text and "Đồng hạng với: B" in text
    assert "SỐ LIỆU MINH HỌA" in text  # D's row is illustrative


def test_a_lower_target_and_the_sipas_warning(demo):
    _world()
    text = run("--year", "2030", "--set", "1.1.2=0", "--sipas", "90")
    assert "1.1.2" in text and "2.1.3" in text and "0,6 → 0,9" in text
    assert "khảo sát/SIPAS tỉnh không tự quyết định được" in text


def test_demo_2024_agency_and_target_rank(period_2024):
    text = run("--year", "2024", "--agency", "so-tu-phap")
    assert "Điểm gốc: 88,23 (điểm công bố năm 2024), hạng 35/63" in text and "SỐ LIỆU MINH HỌA" in text
    others = sorted(NationalResult.objects.filter(year=2024).exclude(province__code="dien-bien")
                    .values_list("par_score", flat=True), reverse=True)
    need = str(others[9] - Decimal("88.23")).rstrip("0").rstrip(".").replace(".", ",")
    text = run("--year", "2024", "--target-rank", "10")
    assert "Thứ hạng mục tiêu: 10/63" in text and f"Điểm cần thêm: {need}" in text
    assert "Các tiêu chí chọn" in text or "chưa đủ" in text


@pytest.mark.parametrize("args, message", [
    (["--year", "2024", "--set", "9.9.9=1"], "Không có tiêu chí “9.9.9”"),
    (["--year", "2024", "--set", "2.3.2=5"], "2.3.2 phải từ 0 đến 1"),
    (["--year", "2024", "--set", "2.3.2=abc"], "“abc” không phải là số"),
    (["--year", "2024", "--set", "2.3.2"], "MÃ=ĐIỂM"),
    (["--year", "2024", "--target-rank", "0"], "từ 1 đến 63"),
    (["--year", "2024", "--target-rank", "64"], "từ 1 đến 63"),
    (["--year", "2024", "--sipas", "abc"], "“abc” không phải là số"),
    (["--year", "2024"], "Chọn ít nhất một giả định"),
    (["--year", "2024", "--set", "2.3.2=1", "--target-rank", "3"], "không dùng cùng"),
    (["--year", "2026", "--set", "1.3=1"], "Chưa có bảng kết quả các tỉnh năm 2026"),
    (["--year", "1999", "--set", "1.1.1=1"], "Chưa có kỳ đánh giá nào của năm 1999"),
])
def test_bad_input_is_a_command_error(period_2024, args, message):
    before = NationalResult.objects.count()
    with pytest.raises(CommandError, match=message):
        run(*args)
    assert NationalResult.objects.count() == before


def test_exit_code_is_non_zero(period_2024, capsys):
    from django.core.management import ManagementUtility

    with pytest.raises(SystemExit) as exc:
        ManagementUtility(["manage.py", "whatif", "--year", "2024", "--set", "2.3.2=9", "--skip-checks"]).execute()
    assert exc.value.code != 0 and "2.3.2 phải từ 0 đến 1" in capsys.readouterr().err


def test_2025_is_ranked_among_the_34_provinces(demo, capsys):
    from django.core.management import call_command

    call_command("whatif", "--year", "2025", "--target-rank", "5")
    out = capsys.readouterr().out
    assert "hạng 12/34" in out and "Thứ hạng mục tiêu: 5/34" in out and "/63" not in out
