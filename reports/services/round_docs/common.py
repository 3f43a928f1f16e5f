"""What every printed document of a round shares: the issuer, the decision line, the
illustrative mark, group lookup, number places and download names.

Nghị định 30/2020/NĐ-CP: the issuing body in capitals on the left ("UBND TỈNH ĐIỆN BIÊN"),
the national motto on the right, an annex titled "Phụ lục" with "(Kèm theo Quyết định số …
ngày … của UBND tỉnh …)" under its title.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import quote

from django.utils.translation import gettext as _

from scorecards.formatting import fmt_count, fmt_number, fmt_points  # noqa: F401 (re-exported)
from scorecards.text import ascii_slug

# Centrally-run cities are "Thành phố …", every other province "Tỉnh …" (Nghị quyết 202/2025/QH15).
CITIES = frozenset({"hà nội", "hồ chí minh", "thành phố hồ chí minh", "hải phòng", "đà nẵng", "cần thơ", "huế"})
ROMAN = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII")
BLANK = "\u2026"  # "…": what the decision line shows before the decision is recorded


class DocumentError(Exception):
    """A Vietnamese sentence explaining why a document cannot be made (unknown group, …)."""


def province_label(province) -> str:
    """"tỉnh Điện Biên", "thành phố Hà Nội" (a name that already says so is kept)."""
    name = province.name.strip()
    low = name.lower()
    if low.startswith(("tỉnh ", "thành phố ")):
        return name[:1].lower() + name[1:]
    return (_("thành phố %(name)s") if low in CITIES else _("tỉnh %(name)s")) % {"name": name}


def issuer(round_) -> str:
    """"UBND TỈNH ĐIỆN BIÊN": the province's people's committee, which issues the decision."""
    return (_("UBND %(province)s") % {"province": province_label(round_.province)}).upper()


def decision_line(round_) -> str:
    """"(Kèm theo Quyết định số 512/QĐ-UBND ngày 20/01/2026 của UBND tỉnh Điện Biên)"; dots
    where the decision is not recorded yet."""
    number = round_.decision_number.strip() or BLANK
    day = round_.decision_date.strftime("%d/%m/%Y") if round_.decision_date else BLANK
    return _("(Kèm theo Quyết định số %(number)s ngày %(date)s của UBND %(province)s)") % {
        "number": number, "date": day, "province": province_label(round_.province)}


def illustrative_mark() -> str:
    return _("Số liệu minh họa")


def illustrative_sentence() -> str:
    return _("SỐ LIỆU MINH HỌA – không phải kết quả chính thức do UBND tỉnh công bố")


def roman(i: int) -> str:
    return ROMAN[i] if i < len(ROMAN) else str(i + 1)


def find_group(round_, code: str | None):
    """The round's group with `code` (None: every group), or DocumentError naming the codes."""
    if not code:
        return None
    groups = list(round_.groups.order_by("order", "pk"))
    for g in groups:
        if g.code == code:
            return g
    listed = ", ".join(f"{g.code} ({g.name})" for g in groups) or _("không có nhóm nào")
    raise DocumentError(_("Đợt đánh giá “%(round)s” không có nhóm “%(code)s”. Các nhóm: %(list)s.") % {
        "round": round_.name, "code": code[:40], "list": listed})


def places_for(values) -> int:
    """2 decimals, or 3 when some value needs the third (ranks are decided on three)."""
    for v in values:
        if v is not None and Decimal(v) * 100 != (Decimal(v) * 100).to_integral_value():
            return 3
    return 2


def num(value, places: int = 2) -> str:
    return fmt_number(value, places) if value is not None else ""


CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


def xml_safe(text: str) -> str:
    """Text a DOCX or XLSX file can hold: control characters (not allowed in XML) dropped."""
    return CONTROL_CHARS.sub("", text)


def mid_sentence(name: str) -> str:
    """A group's name as it reads inside a sentence: "Các sở, ban, ngành" -> "các sở, ban,
    ngành"; a name that starts with an acronym stays ("UBND các xã, phường")."""
    first = name.replace(",", " ").split()[0] if name.split() else ""
    if first[:1].isupper() and not first.isupper():
        return name[:1].lower() + name[1:]
    return name


def upper_first(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass
class RenderedFile:
    """A document ready to download: bytes, type, an ASCII file name and the Vietnamese one."""

    content: bytes
    content_type: str
    filename: str  # ASCII
    display_name: str  # Vietnamese, for Content-Disposition filename*

    @property
    def content_disposition(self) -> str:
        return content_disposition(self.filename, self.display_name)


CONTENT_TYPES = {
    "html": "text/html; charset=utf-8",
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def ascii_name(text: str) -> str:
    """"Phụ lục kết quả 2025 – Sở A" -> "phu-luc-ket-qua-2025-so-a" (never empty)."""
    return ascii_slug(text)[:120].strip("-") or "tai-lieu"


def content_disposition(filename: str, display_name: str) -> str:
    """attachment; filename="ascii.pdf"; filename*=UTF-8''Vietnamese%20name.pdf (RFC 6266/5987)."""
    safe = re.sub(r'[^A-Za-z0-9._-]', "-", filename)
    display = re.sub(r'[\r\n"\\/]', " ", display_name).strip() or safe
    return f"attachment; filename=\"{safe}\"; filename*=UTF-8''{quote(display, safe='')}"


def names(stem_vi: str, fmt: str) -> tuple[str, str]:
    """(ASCII file name, Vietnamese file name) for a document stem and format."""
    return f"{ascii_name(stem_vi)}.{fmt}", f"{stem_vi}.{fmt}"
