"""python manage.py render_report: files in three formats; clear Vietnamese errors."""
import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.reports.builders import build_report_case


@pytest.mark.parametrize("fmt,magic", [("pdf", b"%PDF"), ("docx", b"PK"), ("html", b"<!doctype html>")])
def test_it_writes_each_format(demo, tmp_path, fmt, magic):
    out = tmp_path / f"report.{fmt}"
    call_command("render_report", "--year", "2024", "--format", fmt, "--output", str(out))
    assert out.read_bytes().startswith(magic)
    assert not (tmp_path / f"report.{fmt}.part").exists()


def test_html_export_is_standalone(demo, tmp_path):
    out = tmp_path / "r.html"
    call_command("render_report", "--year", "2024", "--format", "html", "--output", str(out))
    html = out.read_text(encoding="utf-8")
    assert "<style>" in html and "/static/" not in html and "82,96%" in html


def test_it_refuses_a_year_without_period(demo, tmp_path):
    with pytest.raises(CommandError, match="Chưa có kỳ đánh giá nào của năm 2031"):
        call_command("render_report", "--year", "2031", "--format", "pdf", "--output", str(tmp_path / "x.pdf"))
    assert not list(tmp_path.iterdir())


def test_it_asks_for_period_when_a_year_has_several(demo, tmp_path):
    large = build_report_case(scale=1)
    with pytest.raises(CommandError, match="nhiều kỳ đánh giá.*--period"):
        call_command("render_report", "--year", "2024", "--format", "html", "--output", str(tmp_path / "x.html"))
    call_command("render_report", "--year", "2024", "--period", str(large.pk), "--format", "html", "--output", str(tmp_path / "x.html"))
    assert "UBND TỈNH THỬ" in (tmp_path / "x.html").read_text(encoding="utf-8")


def test_it_refuses_a_period_of_another_year(period_2023, tmp_path):
    with pytest.raises(CommandError, match="thuộc năm 2023"):
        call_command("render_report", "--year", "2024", "--period", str(period_2023.pk), "--format", "pdf", "--output", str(tmp_path / "x.pdf"))


def test_it_refuses_a_missing_folder(demo, tmp_path):
    with pytest.raises(CommandError, match="không tồn tại"):
        call_command("render_report", "--year", "2024", "--format", "pdf", "--output", str(tmp_path / "no" / "x.pdf"))
