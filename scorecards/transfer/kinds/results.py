"""National results (kết quả công bố): per year and province, PAR score and SIPAS with ranks.

The ranks are published by the Ministry, but the app can compute them from the scores of
all provinces: the preview shows where the two disagree (or that not all provinces are
loaded yet, so the computed rank would mean nothing).
"""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.models import NationalResult, Province

from .base import DECIMAL, INT, PERCENT, TEXT, Column, ModelKind


def competition_ranks(values: dict) -> dict:
    """Rank keys by value, highest first, ties sharing a rank (1, 2, 2, 4)."""
    ordered = sorted(((v, k) for k, v in values.items() if v is not None), key=lambda p: -p[0])
    ranks, previous, rank = {}, None, 0
    for position, (value, key) in enumerate(ordered, start=1):
        if value != previous:
            rank, previous = position, value
        ranks[key] = rank
    return ranks


def rank_differences(results) -> list[str]:
    """Messages for each result whose published rank is not the rank computed from the
    scores of the same year; one message per year when provinces are missing."""
    by_year: dict[int, list] = {}
    for r in results:
        by_year.setdefault(r.year, []).append(r)
    messages, incomplete = [], []
    for year, rows in sorted(by_year.items()):
        expected = max((r.ranked_count or 0) for r in rows)
        for field, rank_field, label in (("par_score", "par_rank", _("Chỉ số CCHC")), ("sipas_pct", "sipas_rank", _("SIPAS"))):
            scored = [r for r in rows if getattr(r, field) is not None]
            if not scored:
                continue
            if len(scored) < expected:
                incomplete.append(f"{year} ({label}: {len(scored)}/{expected})")
                continue
            computed = competition_ranks({r.province_id: Decimal(getattr(r, field)) for r in scored})
            for r in scored:
                published = getattr(r, rank_field)
                if published is not None and published != computed[r.province_id]:
                    messages.append(_("Năm %(year)s, %(province)s: xếp hạng %(label)s công bố %(published)s, tính từ điểm được %(computed)s.") % {
                        "year": year, "province": r.province.name, "label": label, "published": published,
                        "computed": computed[r.province_id]})
    if incomplete:
        messages.append(_("Chưa đủ số tỉnh để tự tính xếp hạng: %(years)s.") % {"years": ", ".join(incomplete)})
    return messages


class NationalResultKind(ModelKind):
    slug = "national-results"
    label = _l("Kết quả công bố")
    model = NationalResult
    sheet_title = _l("Kết quả")
    audit_action = "national_results.imported"
    columns = (
        Column("year", _l("Năm"), INT, required=True),
        Column("province", _l("Mã tỉnh"), TEXT, required=True),
        Column("province_name", _l("Tên tỉnh"), TEXT, imported=False, width=24),
        Column("par_score", _l("Điểm Chỉ số CCHC"), DECIMAL),
        Column("par_rank", _l("Xếp hạng Chỉ số CCHC"), INT),
        Column("sipas_pct", _l("Chỉ số SIPAS (%)"), PERCENT, aliases=("SIPAS",)),
        Column("sipas_rank", _l("Xếp hạng SIPAS"), INT),
        Column("ranked_count", _l("Số địa phương được xếp hạng"), INT),
        Column("decision", _l("Quyết định công bố"), TEXT, width=40),
    )
    key_columns = ("year", "province")

    def queryset(self, scope=None):
        return NationalResult.objects.select_related("province").order_by("-year", "par_rank", "province__code")

    def context(self, scope):
        return {"provinces": {p.code: p for p in Province.objects.all()}}

    def natural(self, obj, ctx):
        return {"year": obj.year, "province": obj.province.code, "province_name": obj.province.name,
                "par_score": obj.par_score, "par_rank": obj.par_rank, "sipas_pct": obj.sipas_pct,
                "sipas_rank": obj.sipas_rank, "ranked_count": obj.ranked_count, "decision": obj.decision}

    def check_codes(self, row, ctx, preview):
        code = row.values.get("province")
        if code not in ctx["provinces"]:
            preview.error(_("không có tỉnh mã “%(code)s” (nhập danh sách tỉnh trước).") % {"code": code},
                          row.number, self.header("province"))
            return False
        return True

    def assign(self, obj, values, ctx):
        for key, value in values.items():
            if key == "province":
                obj.province = ctx["provinces"][value]
            elif key == "ranked_count":
                obj.ranked_count = 63 if value is None else value
            elif key == "decision":
                obj.decision = value or ""
            else:
                setattr(obj, key, value)

    def check_file(self, rows, scope, ctx, preview):
        if preview.errors:
            return
        years = {r.values["year"] for r in rows}
        merged = {(r.year, r.province_id): r for r in NationalResult.objects.filter(year__in=years).select_related("province")}
        for change in preview.rows:
            merged[(change.obj.year, change.obj.province.pk)] = change.obj
        preview.warnings.extend(rank_differences(merged.values()))
