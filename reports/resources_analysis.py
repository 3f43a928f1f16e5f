"""The leaders' analysis as XLSX (issue 15): points to win back and over-claiming.

Export-only django-import-export resources (non-model `Resource`s with declared columns,
scorecards.resources.base.Column: the Vietnamese header and the width); each exports the
service's objects (reports.services.winback, reports.services.overclaim) as they are, so
the workbook carries the page's numbers: points stay Decimal cells (numbers in Excel),
booleans "Có"/"Không", text guarded against formulas as scorecards.resources.files writes
it. A workbook has a sheet per table; the last rows of the first sheet say when the
figures are illustrative and carry the page's notes.

Shapes: `winback_xlsx(result: WinBack) -> bytes`, `overclaim_xlsx(result: OverClaim) -> bytes`,
`xlsx_filename(kind, period) -> str` ("diem-gianh-lai-2024.xlsx").
"""
from __future__ import annotations

import io
from decimal import Decimal

from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from import_export import resources

from scorecards.resources import cells, files, widgets
from scorecards.resources.base import Column
from scorecards.resources.files import XLSX_TYPE
from scorecards.text import fold

__all__ = ["XLSX_TYPE", "overclaim_xlsx", "winback_xlsx", "xlsx_filename"]

FILE_STEMS = {"winback": "diem-gianh-lai", "overclaim": "tu-danh-gia-cao"}


def _points(attribute, header, width=11):
    return Column(attribute, header, widgets.PointsWidget(), readonly=True, width=width)


def _text(attribute, header, width=14):
    return Column(attribute, header, widgets.TextWidget(), readonly=True, width=width)


def _count(attribute, header, width=10):
    return Column(attribute, header, widgets.IntWidget(), readonly=True, width=width)


def _yes_no(attribute, header, width=10):
    return Column(attribute, header, widgets.BoolWidget(), readonly=True, width=width)


class AnalysisResource(resources.Resource):
    """Export-only rows of an analysis table (objects of a service, not models)."""

    sheet_title = ""

    def columns(self) -> list[Column]:
        """This resource's columns in export order (declared, then added per instance)."""
        return [self.fields[name] for name in self.get_export_order() if isinstance(self.fields.get(name), Column)]

    def add_column(self, name: str, column: Column, value) -> None:
        """A column known only at export time (a year): `value(obj)` gives its cell."""
        column.dehydrate_method = value
        self.fields[name] = column


# ---- points to win back --------------------------------------------------------------------

class LossRowResource(AnalysisResource):
    """One criterion below its maximum (reports.services.winback.LossRow), in rank order."""

    sheet_title = gettext_lazy("Điểm giành lại")
    rank = _count(None, gettext_lazy("Thứ tự"), 8)
    code = _text("code", gettext_lazy("Mã"), 9)
    name = _text("name", gettext_lazy("Tiêu chí"), 60)
    field_name = _text(None, gettext_lazy("Lĩnh vực"), 28)
    channel_label = _text("channel_label", gettext_lazy("Nguồn chấm"), 26)
    agency_name = _text("agency_name", gettext_lazy("Đơn vị chủ trì"), 28)
    max_points = _points("max_points", gettext_lazy("Tối đa"))
    appraised = _points("appraised", gettext_lazy("Thẩm định"))
    lost = _points("lost", gettext_lazy("Bị mất"))
    recurring = _yes_no("recurring", gettext_lazy("Lặp lại năm trước"), 12)
    previous_lost = _points("previous_lost", gettext_lazy("Bị mất năm trước"), 12)
    previous_codes = _text(None, gettext_lazy("Mã năm trước"), 12)
    weight = _points("weight", gettext_lazy("Điểm × lặp lại"), 12)
    decidable = _yes_no("decidable", gettext_lazy("Tỉnh tự quyết định được"), 14)

    class Meta:
        fields = ("rank", "code", "name", "field_name", "channel_label", "agency_name", "max_points", "appraised", "lost",
                  "recurring", "previous_lost", "previous_codes", "weight", "decidable")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._ranks: dict[int, int] = {}

    def before_export(self, queryset, **kwargs):
        self._ranks = {id(row): i for i, row in enumerate(queryset, start=1)}

    def dehydrate_rank(self, row):
        return self._ranks.get(id(row))

    def dehydrate_field_name(self, row):
        return f"{row.field_code}. {row.field_name}"

    def dehydrate_previous_codes(self, row):
        return ", ".join(row.previous_codes)


class LossTotalResource(AnalysisResource):
    """Points lost by an agency, a field or a channel (reports.services.winback.LossTotal)."""

    sheet_title = gettext_lazy("Theo đơn vị")
    label = _text("label", gettext_lazy("Đơn vị chủ trì"), 40)
    count = _count("count", gettext_lazy("Số tiêu chí"))
    recurring = _count("recurring", gettext_lazy("Lặp lại"))
    lost = _points("lost", gettext_lazy("Bị mất"))
    weight = _points("weight", gettext_lazy("Điểm × lặp lại"), 12)
    codes = _text(None, gettext_lazy("Các tiêu chí"), 50)

    class Meta:
        fields = ("label", "count", "recurring", "lost", "weight", "codes")

    def __init__(self, sheet_title=None, first_header=None, **kwargs):
        super().__init__(**kwargs)
        if sheet_title:
            self.sheet_title = sheet_title
        if first_header:
            self.fields["label"].column_name = str(first_header)

    def dehydrate_codes(self, total):
        return ", ".join(total.codes)


# ---- over-claiming ---------------------------------------------------------------------------

class YearClaimsResource(AnalysisResource):
    """One year's self-assessment against appraisal (reports.services.overclaim.YearClaims)."""

    sheet_title = gettext_lazy("Theo năm")
    year = _count("year", gettext_lazy("Năm"), 8)
    assessed = _count("assessed", gettext_lazy("Số tiêu chí tự chấm"), 12)
    equal = _count("equal", gettext_lazy("Tự chấm bằng thẩm định"), 14)
    equal_share = Column("equal_share", gettext_lazy("Tỷ lệ bằng nhau (%)"), widgets.PercentWidget(), readonly=True,
                         width=12)
    cut = _count(None, gettext_lazy("Số tiêu chí bị trừ"), 12)
    points_cut = _points("points_cut", gettext_lazy("Điểm bị trừ"), 12)
    deduction_below_max = _points("deduction_below_max", gettext_lazy("Chênh lệch ở tiêu chí chưa đạt tối đa"), 16)
    deduction_all = _points("deduction_all", gettext_lazy("Chênh lệch tất cả tiêu chí tự chấm"), 16)
    raised = _count(None, gettext_lazy("Số tiêu chí được nâng điểm"), 12)
    points_raised = _points("points_raised", gettext_lazy("Điểm được nâng"), 12)

    class Meta:
        fields = ("year", "assessed", "equal", "equal_share", "cut", "points_cut", "deduction_below_max", "deduction_all",
                  "raised", "points_raised")

    def dehydrate_equal_share(self, year):
        return None if year.equal_share is None else cells.trim(year.equal_share.quantize(Decimal("0.01")))

    def dehydrate_cut(self, year):
        return len(year.cut_rows)

    def dehydrate_raised(self, year):
        return len(year.raised_rows)


class AgencyClaimsResource(AnalysisResource):
    """An agency's self-assessment cut by the appraisal (overclaim.AgencyClaims)."""

    sheet_title = gettext_lazy("Theo đơn vị")
    agency_name = _text("agency_name", gettext_lazy("Đơn vị chủ trì"), 40)
    assessed = _count("assessed", gettext_lazy("Số tiêu chí tự chấm"), 12)
    cut = _count("cut", gettext_lazy("Số tiêu chí bị trừ"), 12)
    points_cut = _points("points_cut", gettext_lazy("Điểm bị trừ"), 12)
    raised = _count("raised", gettext_lazy("Số tiêu chí được nâng"), 12)
    times_cut = _count("times_cut", gettext_lazy("Số lần bị trừ qua các năm"), 14)
    points_cut_all = _points("points_cut_all", gettext_lazy("Điểm bị trừ qua các năm"), 14)
    years_cut = _text(None, gettext_lazy("Các năm bị trừ"), 18)

    class Meta:
        fields = ("agency_name", "assessed", "cut", "points_cut", "raised", "times_cut", "points_cut_all", "years_cut")

    def dehydrate_years_cut(self, line):
        return ", ".join(str(y) for y in line.years_cut)


class CriterionHistoryResource(AnalysisResource):
    """A criterion of this year with its self-assessed minus appraised points across the years
    (overclaim.CriterionHistory); a column pair per year, added at export time."""

    sheet_title = gettext_lazy("Theo tiêu chí")
    code = _text("code", gettext_lazy("Mã"), 9)
    name = _text("name", gettext_lazy("Tiêu chí"), 60)
    agency_name = _text("agency_name", gettext_lazy("Đơn vị chủ trì"), 28)
    self_points = _points("current__self_points", gettext_lazy("Tự chấm"))
    appraised = _points("current__appraised", gettext_lazy("Thẩm định"))
    times_cut = _count("times_cut", gettext_lazy("Số năm bị trừ"), 10)

    class Meta:
        fields = ("code", "name", "agency_name", "self_points", "appraised", "times_cut")

    def __init__(self, years: list[int] = (), **kwargs):
        super().__init__(**kwargs)
        for index, year in enumerate(years):
            self.add_column(f"deduction_{year}", _points(None, _("Chênh lệch %(year)s") % {"year": year}, 12),
                            lambda h, i=index: h.cells[i].deduction if h.cells[i] is not None else None)
            if index < len(years) - 1:  # this year's code is the row's own
                self.add_column(f"code_{year}", _text(None, _("Mã năm %(year)s") % {"year": year}, 10),
                                lambda h, i=index: h.cells[i].other_code if h.cells[i] is not None else "")


# ---- the workbook ------------------------------------------------------------------------------

def _workbook(sheets: list[tuple[AnalysisResource, list]], notes: list[str], title: str) -> bytes:
    """One sheet per (resource, rows); the title above nothing (a header row first, for
    filters), the notes below the first sheet's rows."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    used: set[str] = set()
    for index, (resource, rows) in enumerate(sheets):
        name = str(resource.sheet_title)[:31]
        while name in used:
            name = name[:29] + f" {index}"
        used.add(name)
        ws = wb.create_sheet(name)
        files.fill_sheet(ws, resource.columns(), resource.export(queryset=list(rows)))
        if index == 0:
            ws.append([])
            ws.append([files.xlsx_cell(ws, title)])
            for note in notes:
                ws.append([files.xlsx_cell(ws, note)])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def _title(kind_label: str, period, illustrative: bool) -> str:
    text = f"{kind_label} – {period.subject} – {period.year}"
    if illustrative:
        text += " – " + _("SỐ LIỆU MINH HỌA, không phải kết quả chính thức.")
    return text


def winback_xlsx(result) -> bytes:
    """The points to win back of a WinBack: the ranked rows, then totals per agency, field, channel."""
    return _workbook([
        (LossRowResource(), result.rows),
        (LossTotalResource(), result.by_agency),
        (LossTotalResource(sheet_title=_("Theo lĩnh vực"), first_header=_("Lĩnh vực")), result.by_field),
        (LossTotalResource(sheet_title=_("Theo nguồn chấm"), first_header=_("Nguồn chấm")), result.by_channel),
    ], result.notes + [_("Tổng điểm bị mất: %(points)s") % {"points": str(cells.trim(result.total_lost)).replace(".", ",")}],
        _title(_("Điểm có thể giành lại"), result.period, result.is_illustrative))


def overclaim_xlsx(result) -> bytes:
    """Over-claiming of an OverClaim: the years, the agencies, this year's criteria across the years."""
    years = [y.year for y in result.years]
    return _workbook([
        (YearClaimsResource(), result.years),
        (AgencyClaimsResource(), result.agencies),
        (CriterionHistoryResource(years=years), result.criteria),
    ], result.notes, _title(_("Tự đánh giá so với thẩm định"), result.period, result.is_illustrative))


def xlsx_filename(kind: str, period) -> str:
    """"diem-gianh-lai-2024.xlsx" (the province's period); another subject's adds its code."""
    stem = f"{FILE_STEMS[kind]}-{period.year}"
    if period.subject.kind != "province" or period.round_id:
        stem += "-" + slugify(fold(period.subject.code))
    return f"{stem}.xlsx"
