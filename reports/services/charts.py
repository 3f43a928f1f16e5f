"""Server-side SVG chart: field points, previous year against current year (horizontal bars).

Plain SVG text, no JavaScript and no image files: the same markup shows in the browser
and in the PDF, where WeasyPrint draws it with the bundled font.
"""
from __future__ import annotations

import math
import textwrap
from dataclasses import dataclass
from decimal import Decimal

from django.utils.html import escape
from django.utils.translation import gettext as _

from . import numbers as n
from .assemble import ReportData

WIDTH = 640
LABEL_W = 225
RIGHT_PAD = 40
BAR_H = 12
PAIR_GAP = 9
TOP = 10
LABEL_CHARS = 34  # a field's name wraps at this many characters a line
CURRENT_COLOUR = "#1f4e79"
PREVIOUS_COLOUR = "#c9a227"


@dataclass
class Bar:
    label: str
    current: Decimal | None  # None: nothing of the field appraised yet ("chưa có", no bar)
    previous: Decimal | None  # last year's total of the field's counterparts (None: not compared)
    code: str = ""


def bars(data: ReportData) -> list[Bar]:
    """One pair of bars per field of this year's framework; last year's bar is the total of
    the field's counterparts (through the framework mapping), absent where it does not compare."""
    return [Bar(f.name, f.shown if f.total.has_data else None, f.shown_previous, f.code) for f in data.par.fields]


def _axis_max(values: list[Decimal]) -> int:
    top = max([float(v) for v in values] + [1.0])
    return int(math.ceil(top / 2.0) * 2) if top <= 20 else int(math.ceil(top / 5.0) * 5)


def field_chart_svg(data: ReportData) -> str:
    items = bars(data)
    compared = data.par.compared  # some field compares with last year: draw last year's series
    # Room for the longest label (wrapped at LABEL_CHARS, 14 units a line) or the bars.
    label_lines = max([len(textwrap.wrap(b.label, LABEL_CHARS)) for b in items] + [2])
    per_field = max(BAR_H * (2 if compared else 1) + PAIR_GAP, 14 * label_lines + 4)
    plot_w = WIDTH - LABEL_W - RIGHT_PAD
    axis_max = _axis_max([b.current for b in items if b.current is not None]
                         + [b.previous for b in items if b.previous is not None])
    step = 2 if axis_max <= 20 else 5
    plot_h = per_field * len(items)
    height = TOP + plot_h + 50

    def x(value) -> float:
        return LABEL_W + plot_w * float(value) / axis_max

    out = [f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {height}" class="chart" role="img" '
           f'aria-label="{escape(_("Biểu đồ điểm các lĩnh vực"))}" font-family="ReportSerif, serif" font-size="12">']
    for tick in range(0, axis_max + 1, step):
        tx = x(tick)
        out.append(f'<line x1="{tx:.1f}" y1="{TOP}" x2="{tx:.1f}" y2="{TOP + plot_h}" stroke="#d0d0d0" stroke-width="0.6"/>')
        out.append(f'<text x="{tx:.1f}" y="{TOP + plot_h + 15}" text-anchor="middle">{tick}</text>')
    for i, b in enumerate(items):
        y0 = TOP + i * per_field + PAIR_GAP / 2
        lines = textwrap.wrap(b.label, LABEL_CHARS) or [""]
        mid = y0 + (per_field - PAIR_GAP) / 2
        first = mid - (len(lines) - 1) * 7 + 4
        for j, line in enumerate(lines):
            out.append(f'<text x="{LABEL_W - 6}" y="{first + j * 14:.1f}" text-anchor="end">{escape(line)}</text>')
        series = [(b.current, CURRENT_COLOUR)] + ([(b.previous, PREVIOUS_COLOUR)] if compared else [])
        for k, (value, colour) in enumerate(series):
            by = y0 + k * BAR_H
            if value is None and k == 0:
                # Nothing of the field appraised yet: say so, never draw a bar of 0.
                out.append(f'<text x="{LABEL_W + 3}" y="{by + BAR_H - 3:.1f}" font-size="10" fill="#666" '
                           f'data-missing="{escape(b.code)}">{escape(n.missing())}</text>')
                continue
            if value is None:
                # Where last year's bar would be: say it does not compare, never draw another field's.
                out.append(f'<text x="{LABEL_W + 3}" y="{by + BAR_H - 3:.1f}" font-size="10" fill="#666" '
                           f'data-not-compared="{escape(b.code)}">{escape(_("không so sánh"))}</text>')
                continue
            out.append(f'<rect x="{LABEL_W}" y="{by:.1f}" width="{x(value) - LABEL_W:.1f}" height="{BAR_H - 1}" fill="{colour}" '
                       f'data-field="{escape(b.code)}" data-year="{data.year if k == 0 else data.previous_year}"/>')
            out.append(f'<text x="{x(value) + 3:.1f}" y="{by + BAR_H - 3:.1f}" font-size="11">{n.fixed2(value)}</text>')
    out.append(f'<line x1="{LABEL_W}" y1="{TOP}" x2="{LABEL_W}" y2="{TOP + plot_h}" stroke="#000" stroke-width="0.8"/>')
    ly = TOP + plot_h + 34
    legend = [(CURRENT_COLOUR, _("Năm %(year)s") % {"year": data.year})]
    if compared:
        legend.append((PREVIOUS_COLOUR, _("Năm %(year)s") % {"year": data.previous_year}))
    lx = LABEL_W + plot_w / 2 - 60 * len(legend) / 2
    for colour, label in legend:
        out.append(f'<rect x="{lx:.1f}" y="{ly - 8}" width="10" height="10" fill="{colour}"/>')
        out.append(f'<text x="{lx + 14:.1f}" y="{ly + 1}">{escape(label)}</text>')
        lx += 90
    out.append("</svg>")
    return "".join(out)
