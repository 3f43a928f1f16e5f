"""The report's tables as rows of formatted cells, shared by the HTML/PDF template and the DOCX.

Figures are formatted here once (decimal comma), so every output prints the same text.
"""
from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _

from . import numbers as n
from .assemble import ReportData
from .printable import printable


@dataclass
class Cell:
    text: str
    numeric: bool = False

    def __post_init__(self):
        self.text = printable(self.text)


# A row with a cell longer than this (characters or lines) holds more than a landscape page
# holds in the shortfall table's reason column: it cannot be kept whole on one page.
LONG_CELL_CHARS = 2400
LONG_CELL_LINES = 38


@dataclass
class TableRow:
    cells: list[Cell]
    strong: bool = False
    kind: str = ""

    @property
    def long(self) -> bool:
        """Taller than a page: printed where the page has room and split (PDF and DOCX);
        every other row is kept whole on one page."""
        return any(len(c.text) > LONG_CELL_CHARS or len(c.text.splitlines()) > LONG_CELL_LINES for c in self.cells)


@dataclass
class Table:
    headers: list[str]
    rows: list[TableRow]
    widths: list[int]  # percent of the text width, for the print layout and the DOCX

    @property
    def columns(self) -> int:
        return len(self.headers)


def _num(text: str) -> Cell:
    return Cell(text, numeric=True)


def sipas_table(data: ReportData) -> Table:
    year, prev = data.year, data.previous_year
    compared = data.sipas.compared  # last year's values of the indicators' counterparts exist to compare
    headers = [_("Tiêu chí"), _("Năm %(year)s") % {"year": year}]
    if compared:
        headers += [_("Năm %(year)s") % {"year": prev},
                    _("Tăng (+)/giảm (-) năm %(year)s so với %(prev)s") % {"year": year, "prev": prev}]
    rows = []
    for r in data.sipas.rows:
        label = r.label if r.kind != "overall" else _("SỰ PHỤC VỤ HÀNH CHÍNH NÓI CHUNG NĂM %(year)s") % {"year": year}
        cells = [Cell(label), _num(n.pct(r.current) if r.current is not None else "")]
        if compared:
            # A row without a counterpart last year (a new indicator, a group that changed)
            # says so with a dash: nothing else is compared in its place.
            missing = "–" if r.current is not None else ""
            cells += [_num(n.pct(r.previous) if r.previous is not None else missing),
                      _num(n.change_pct(r.change) if r.change is not None else missing)]
        rows.append(TableRow(cells, strong=r.kind != "indicator", kind=r.kind))
    return Table(headers, rows, [55, 15, 15, 15] if compared else [70, 30])


def shortfall_table(data: ReportData) -> Table:
    headers = [_("Số thứ tự TC, TCTP"), _("Lĩnh vực/Tiêu chí/Tiêu chí thành phần"), _("Điểm chuẩn"), _("Điểm tự đánh giá"),
               _("Điểm thẩm định"), _("Điểm bị trừ so với tự đánh giá"), _("Nguyên nhân chưa đạt điểm tối đa hoặc chưa đạt điểm"),
               _("Đơn vị chủ trì")]
    rows = []
    for r in data.par.shortfalls:
        rows.append(TableRow([
            Cell(r.code), Cell(r.name), _num(n.points(r.max_points)),
            _num(n.or_dash(r.self_points)), _num(n.points(r.appraised)), _num(n.or_dash(r.deduction)),
            Cell(r.reason), Cell(r.lead_agency),
        ], kind="row"))
    t = data.par.shortfall_totals
    # A total with no data behind it (nothing self-assessed) prints a dash, never 0.
    rows.append(TableRow([
        Cell(_("TỔNG ĐIỂM")), Cell(""), _num(n.points(t.max_points)), _num(n.or_dash(t.self_points)),
        _num(n.points(t.appraised)), _num(n.or_dash(t.deduction)), Cell(""), Cell(""),
    ], strong=True, kind="total"))
    # "TỔNG ĐIỂM" fits the first column on one line; the reason gets what the numbers leave.
    return Table(headers, rows, [10, 15, 6, 6, 6, 7, 38, 12])


def followup_table(data: ReportData) -> Table | None:
    """Last year's improvement items against this year's points (reports.services.plan_followup),
    or None when last year had no plan: the report's part 4 opens with it."""
    followup = data.followup
    if followup is None or not followup.rows:
        return None
    headers = [_("STT"), _("Tiêu chí"), _("Cơ quan chủ trì"), _("Điểm mục tiêu"),
               _("Điểm đạt năm %(year)s") % {"year": data.year}, _("Đánh giá")]
    rows = []
    for number, r in enumerate(followup.rows, 1):
        name = f"{r.code} {r.name}"
        if r.current_code and r.current_code != r.code:
            name += " " + _("(năm %(year)s là %(code)s)") % {"year": data.year, "code": r.current_code}
        rows.append(TableRow([Cell(f"{number:02d}"), Cell(name), Cell(r.agency), _num(n.points(r.target)),
                              _num(n.or_dash(r.result)), Cell(r.verdict_label)], kind="row"))
    return Table(headers, rows, [6, 38, 18, 10, 10, 18])


def followup_line(data: ReportData) -> str:
    """"Kế hoạch khắc phục kết quả năm 2024 có 06 nhiệm vụ: 02 nhiệm vụ đạt mục tiêu, 04 nhiệm
    vụ chưa đạt." (counts that are 0 left out; "" without a plan)."""
    followup = data.followup
    if followup is None or not followup.rows:
        return ""
    other = len(followup.rows) - followup.achieved - followup.missed
    parts = [text % {"n": f"{count:02d}"} for count, text in (
        (followup.achieved, _("%(n)s nhiệm vụ đạt mục tiêu")), (followup.missed, _("%(n)s nhiệm vụ chưa đạt")),
        (other, _("%(n)s nhiệm vụ không so sánh được hoặc chưa có điểm thẩm định"))) if count]
    return _("Kế hoạch khắc phục kết quả năm %(year)s có %(n)s nhiệm vụ: %(parts)s.") % {
        "year": followup.previous_year, "n": f"{len(followup.rows):02d}", "parts": ", ".join(parts)}
