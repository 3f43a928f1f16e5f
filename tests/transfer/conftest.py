"""Helpers for import tests: build XLSX/CSV files in memory, snapshot the database."""
import csv
import io

import pytest
from django.apps import apps

SCORE_HEADER = ["Mã tiêu chí", "Điểm tự đánh giá", "Giải trình cách tính điểm", "Điểm thẩm định", "Nguyên nhân chưa đạt điểm tối đa"]


def xlsx(rows, title="Điểm", extra_sheets=(), percent_cells=()):
    """An XLSX file; `percent_cells` are (row, col) 1-based cells formatted as 0.00%."""
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = title
    for row in rows:
        ws.append(row)
    for r, c in percent_cells:
        ws.cell(row=r, column=c).number_format = "0.00%"
    for name, sheet_rows in extra_sheets:
        other = wb.create_sheet(name)
        for row in sheet_rows:
            other.append(row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def csv_bytes(rows, bom=True, delimiter=","):
    out = io.StringIO(newline="")
    csv.writer(out, delimiter=delimiter).writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")


def snapshot():
    """Every row of every scorecards model (values), to assert an import changed nothing. The
    import's own record (ImportJob: the upload waiting for the worker, its preview) is the
    bookkeeping of the import, not data it imports: left out."""
    state = {}
    for model in apps.get_app_config("scorecards").get_models():
        if model._meta.label == "scorecards.ImportJob":
            continue
        state[model._meta.label] = sorted(map(repr, model._default_manager.order_by().values_list()))
    return state


@pytest.fixture
def db_state():
    return snapshot
