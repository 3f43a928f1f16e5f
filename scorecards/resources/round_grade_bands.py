"""Grade bands of a round's groups (mức xếp loại): Mã nhóm, Xếp loại, Từ (điểm).

The file gives each group it names its whole set of bands: a band of that group left out
of the file is deleted (the preview says so), a group not named keeps its bands. Each
group's set is written by services.round_imports.replace_grade_bands (through
services.records, audited per band). Refused: two bands of a group from the same points,
thresholds outside 0–100, a published or closed round.
"""
from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.formatting import fmt_points
from scorecards.models import GradeBand
from scorecards.services.records import fingerprint

from .base import Column
from .preview import RowError
from .round_base import RoundResource
from .widgets import PointsWidget, TextWidget

DROPPED = "−"  # prefix of the fingerprints of the bands the file drops (refused at confirm if they changed)


class GradeBandResource(RoundResource):
    slug = "grade_bands"
    label = _l("Mức xếp loại")
    sheet_title = _l("Xếp loại")
    refused_what = _l("sửa được mức xếp loại")

    group = Column("group_code", _l("Mã nhóm"), TextWidget(required=True), key=True,
                   aliases=("nhóm", "mã nhóm đối tượng"), width=14,
                   guide=_l("Mã nhóm đối tượng của đợt đánh giá (ví dụ so, xa). Tệp ghi đủ các mức của mỗi nhóm có trong "
                            "tệp: mức nào của nhóm đó không có trong tệp sẽ bị xoá."))
    group_name = Column("group__name", _l("Tên nhóm"), TextWidget(), readonly=True, width=30)
    label_ = Column("label", _l("Xếp loại"), TextWidget(required=True), key=True,
                    aliases=("mức xếp loại", "loại", "xếp hạng"), width=20, guide=_l("Tên mức, ví dụ Tốt, Khá, Trung bình, Yếu."))
    min_points = Column("min_points", _l("Từ (điểm)"), PointsWidget(required=True), required=True,
                        aliases=("từ", "từ điểm", "điểm từ", "ngưỡng", "điểm tối thiểu"), width=12,
                        guide=_l("Tổng điểm (thang 100, đã cộng điểm thưởng, trừ điểm trừ) từ mức này trở lên, từ 0 đến 100, "
                                 "tối đa 3 chữ số thập phân; mỗi mức của một nhóm bắt đầu từ một số điểm khác nhau."))

    class Meta(RoundResource.Meta):
        model = GradeBand
        fields = ("group", "group_name", "label_", "min_points")
        export_order = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.dropped: list[GradeBand] = []

    def get_queryset(self):
        return (GradeBand.objects.filter(group__round=self.scope).select_related("group")
                .order_by("group__order", "group_id", "-min_points"))

    def natural_key(self, instance) -> tuple:
        return (instance.group.code, instance.label)

    def prepare_existing(self, instance) -> None:
        instance.group_code = instance.group.code

    def dehydrate_group(self, obj):
        return obj.group.code

    def new_instance(self, row):
        return GradeBand()

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.pk is None and "group_code" not in errors:
            group = self.groups.get(instance.group_code or "")
            if group is None:
                errors["group_code"] = [_("đợt đánh giá không có nhóm mã “%(code)s” (các nhóm: %(groups)s).") % {
                    "code": instance.group_code, "groups": self.group_list()}]
            else:
                instance.group = group
        points = instance.min_points
        if points is not None and "min_points" not in errors:
            if points < 0 or points > 100:
                errors["min_points"] = [_("ngưỡng xếp loại phải từ 0 đến 100 điểm (đang ghi %(p)s).") % {
                    "p": str(points).replace(".", ",")}]
            elif Decimal(points).as_tuple().exponent < -3:
                errors["min_points"] = [_("%(p)s có quá 3 chữ số thập phân.") % {"p": str(points).replace(".", ",")}]
        if errors:
            raise ValidationError(errors)
        super().validate_instance(instance, errors, validate_unique)

    # ---- the file as a whole ----------------------------------------------------------------
    def _file_bands(self, result) -> dict[str, list[tuple[int, GradeBand]]]:
        bands: dict[str, list] = {}
        for line, instance in self.instances(result):
            bands.setdefault(instance.group_code, []).append((line, instance))
        return bands

    def check_file(self, result):
        errors, bands = [], self._file_bands(result)
        for rows in bands.values():
            first: dict[Decimal, tuple[int, str]] = {}
            for line, band in rows:
                key = Decimal(band.min_points)
                if key in first:
                    errors.append(RowError(_("mức “%(label)s” bắt đầu từ %(p)s điểm, trùng với mức “%(other)s” ở dòng %(row)s: "
                                             "mỗi mức xếp loại bắt đầu từ một số điểm khác nhau.") % {
                        "label": band.label, "p": fmt_points(key), "other": first[key][1], "row": first[key][0]},
                        line, self.fields["min_points"].label))
                else:
                    first[key] = (line, band.label)
        named = {code: {band.label for _line, band in rows} for code, rows in bands.items()}
        self.dropped = [band for (code, label), band in self.existing.items() if code in named and label not in named[code]]
        for band in self.dropped:
            self.fingerprints[f"{DROPPED}{band.group.code} · {band.label}"] = fingerprint(band)
        if self.seen is not None:
            seen = {k: v for k, v in self.seen.items() if k.startswith(DROPPED)}
            now = {k: v for k, v in self.fingerprints.items() if k.startswith(DROPPED)}
            if seen != now:
                errors.append(RowError(_("Các mức xếp loại sẽ bị xoá đã thay đổi sau khi bạn xem trước; không nhập gì. Hãy tải "
                                         "tệp lên lại để xem trước dữ liệu mới nhất.")))
        return errors

    def extra_changes(self) -> bool:
        return bool(self.dropped)

    def extra_audit(self) -> dict:
        return {"deleted": [f"{b.group.code} · {b.label}" for b in self.dropped]}

    def warnings(self, result):
        messages = [_("Nhóm “%(group)s”: xoá mức “%(label)s” (từ %(p)s điểm) vì không có trong tệp.") % {
            "group": band.group.code, "label": band.label, "p": fmt_points(band.min_points)} for band in self.dropped]
        for code, rows in self._file_bands(result).items():
            lowest = min(Decimal(band.min_points) for _line, band in rows)
            if lowest > 0:
                messages.append(_("Nhóm “%(group)s”: tổng điểm dưới %(p)s không được xếp loại nào (chưa có mức từ 0 điểm).") % {
                    "group": code, "p": fmt_points(lowest)})
        return messages

    def write(self, pending):
        from scorecards.services.round_imports import replace_grade_bands

        bands = {}
        for _line, instance in self._rows:
            bands.setdefault(instance.group_code, {})[instance.label] = Decimal(instance.min_points)
        changed = {instance.group_code for instance, _m2m in pending} | {band.group.code for band in self.dropped}
        for code, wanted in bands.items():
            if code in changed:
                replace_grade_bands(self.groups[code].pk, wanted, actor=self.actor)

    def after_import(self, dataset, result, **kwargs):
        self._rows = list(self.instances(result))
        super().after_import(dataset, result, **kwargs)
