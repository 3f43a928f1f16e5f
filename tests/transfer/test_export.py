"""Exports keep numbers as numbers and never let a cell run as a formula."""
import csv
import io
from decimal import Decimal

import openpyxl

from scorecards.models import Score
from scorecards.resources import services

from .conftest import SCORE_HEADER, csv_bytes


def test_numbers_stay_numbers_in_xlsx(period_2024):
    ws = openpyxl.load_workbook(io.BytesIO(services.export("scores", "xlsx", scope=period_2024)))["Điểm"]
    row = next(r for r in ws.iter_rows(min_row=2, values_only=True) if r[0] == "2.3.2")
    assert row[2] == 1 and row[3] == 1 and row[5] == 0.75
    assert all(isinstance(v, (int, float)) for v in (row[2], row[3], row[5]))


def test_formula_injection_is_guarded(open_period, officer):
    evil = "=HYPERLINK(\"http://x\",\"bấm\")"
    services.run_import("scores", csv_bytes([SCORE_HEADER, ["2.3.2", "1", evil, "", "@SUM(1)"]]), "a.csv",
                        scope=open_period, actor=officer, dry_run=False)
    assert Score.objects.get(period=open_period, criterion__code="2.3.2").explanation == evil
    wb = openpyxl.load_workbook(io.BytesIO(services.export("scores", "xlsx", scope=open_period)))
    cell = next(r for r in wb["Điểm"].iter_rows(min_row=2) if r[0].value == "2.3.2")[4]
    assert cell.data_type == "s" and cell.value == evil and cell.quotePrefix
    text = services.export("scores", "csv", scope=open_period).decode("utf-8-sig")
    row = next(r for r in csv.reader(io.StringIO(text), delimiter=";") if r[0] == "2.3.2")
    assert row[4] == "'" + evil and row[6] == "'@SUM(1)"
    assert row[3] == "1"


def test_csv_numbers_read_the_same_in_a_vietnamese_spreadsheet(appraisal_2024):
    """";" between cells and a decimal comma: what Excel and LibreOffice in vi_VN read as the
    same number (0,688 stays 0,688; a point would make "1.500" one thousand five hundred)."""
    text = services.export("scores", "csv", scope=appraisal_2024).decode("utf-8-sig")
    rows = {r[0]: r for r in csv.reader(io.StringIO(text), delimiter=";")}
    assert rows["Mã tiêu chí"][:4] == ["Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"]
    assert rows["7.1.4"][5] == "0,688" and "." not in rows["7.1.4"][5]
    assert Decimal(rows["7.1.4"][5].replace(",", ".")) == Score.objects.get(
        period=appraisal_2024, criterion__code="7.1.4").appraised_points
