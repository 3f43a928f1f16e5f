"""National results (kết quả công bố): per year and province, PAR score and SIPAS with ranks.

The ranks are published by the Ministry, but the app can compute them from the scores of
all provinces: the preview shows where the two disagree (or that not all provinces are
loaded yet, so the computed rank would mean nothing).
"""
from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import AuditAction
from scorecards.models import NationalResult, Province

from . import cells
from .base import Column, ScorecardResource
from .preview import RowError
from .widgets import BoolWidget, CodeWidget, IntWidget, PercentWidget, PointsWidget, TextWidget


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


class NationalResultResource(ScorecardResource):
    slug = "national-results"
    label = _l("Kết quả công bố")
    sheet_title = _l("Kết quả")
    audit_action = AuditAction.NATIONAL_RESULTS_IMPORTED

    year = Column("year", _l("Năm"), IntWidget(required=True), key=True)
    province = Column("province", _l("Mã tỉnh"),
                      CodeWidget(Province, "code", message=_l("không có tỉnh mã “%(code)s” (nhập danh sách tỉnh trước).")),
                      key=True)
    province_name = Column("province__name", _l("Tên tỉnh"), TextWidget(), readonly=True, width=24)
    par_score = Column("par_score", _l("Điểm Chỉ số CCHC"), PointsWidget())
    par_rank = Column("par_rank", _l("Xếp hạng Chỉ số CCHC"), IntWidget())
    sipas_pct = Column("sipas_pct", _l("Chỉ số SIPAS (%)"), PercentWidget(), aliases=("SIPAS",))
    sipas_rank = Column("sipas_rank", _l("Xếp hạng SIPAS"), IntWidget())
    # Required, never defaulted: 63 provinces were ranked until 2024, 34 from 2025.
    ranked_count = Column("ranked_count", _l("Số địa phương được xếp hạng"), IntWidget(required=True), required=True,
                          aliases=("số tỉnh được xếp hạng", "số địa phương", "xếp hạng trên"),
                          guide=_l("Số tỉnh, thành phố Bộ Nội vụ xếp hạng năm đó (63 đến năm 2024, 34 từ năm 2025); "
                                   "bắt buộc, mọi dòng của một năm ghi cùng một số."))
    decision = Column("decision", _l("Quyết định công bố"), TextWidget(), width=40)
    is_illustrative = Column("is_illustrative", _l("Số liệu minh họa"), BoolWidget(default=False),
                             aliases=("minh họa", "minh hoạ", "số liệu minh hoạ"),
                             guide=_l("Có: số liệu tạo ra để minh họa, không phải kết quả Bộ Nội vụ công bố (trang và báo "
                                      "cáo ghi rõ). Để trống là Không."))

    class Meta(ScorecardResource.Meta):
        model = NationalResult
        fields = ("year", "province", "province_name", "par_score", "par_rank", "sipas_pct", "sipas_rank",
                  "ranked_count", "decision", "is_illustrative")
        export_order = fields

    def get_queryset(self):
        return NationalResult.objects.select_related("province").order_by("-year", "par_rank", "province__code")

    def natural_key(self, instance):
        return (str(instance.year), instance.province.code)

    def template_objects(self):
        """The next year to enter (the year after the latest published one): a row per
        province that exists at its end, code and name filled, figures blank. A row left
        blank imports nothing."""
        from datetime import date

        from django.db.models import Max, Q
        from django.utils import timezone

        latest = NationalResult.objects.aggregate(year=Max("year"))["year"]
        year = latest + 1 if latest else timezone.localdate().year - 1
        end = date(year, 12, 31)
        provinces = Province.objects.filter(Q(valid_from__isnull=True) | Q(valid_from__lte=end),
                                            Q(valid_to__isnull=True) | Q(valid_to__gte=end)).order_by("code")
        return [NationalResult(year=year, province=province) for province in provinces]

    def dehydrate_is_illustrative(self, obj):
        if obj.pk is None:
            return ""  # a template row: blank (Không) until the officer says otherwise
        return self.fields["is_illustrative"].widget.render(obj.is_illustrative)

    def row_key(self, row):
        year = cells.clean_text(row.get(self.fields["year"].column_name))
        try:
            year = str(cells.parse_int(year)) if year else ""
        except cells.CellError:
            pass
        return (year, cells.clean_text(row.get(self.fields["province"].column_name)))

    def check_file(self, result):
        """All rows of one year share the number of provinces ranked (the model checks each
        row against the stored ones; this checks the file's rows against each other)."""
        first: dict[int, tuple[int, int]] = {}
        errors = []
        header = self.fields["ranked_count"].column_name
        for row in result.rows:
            instance = getattr(row, "instance", None)
            if instance is None or instance.ranked_count is None:
                continue
            line = self.row_number(row.number)
            count, seen = instance.ranked_count, first.setdefault(instance.year, (instance.ranked_count, line))
            if count != seen[0]:
                errors.append(RowError(_("năm %(year)s: dòng %(row)s ghi %(other)s địa phương được xếp hạng, dòng này ghi "
                                         "%(count)s; mọi kết quả của một năm dùng cùng số địa phương được xếp hạng.") % {
                    "year": instance.year, "row": seen[1], "other": seen[0], "count": count}, line, header))
        return errors

    def warnings(self, result):
        years = {instance.year for instance, _m2m in self.pending} | {
            r.instance.year for r in result.rows if getattr(r, "instance", None) is not None}
        merged = {(r.year, r.province_id): r for r in NationalResult.objects.filter(year__in=years).select_related("province")}
        for r in result.rows:
            if getattr(r, "instance", None) is not None:
                merged[(r.instance.year, r.instance.province_id)] = r.instance
        return rank_differences(merged.values())
