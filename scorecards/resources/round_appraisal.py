"""Appraised points of many subjects of a round at once (the council's table).

One row per subject and leaf criterion: Mã đơn vị, Mã tiêu chí, Điểm thẩm định vòng 1,
and optionally Điểm thẩm định vòng 2, Lý do, Yêu cầu giải trình. Written per subject by
services.scoring.apply_score_changes with Right.APPRAISE (in the round's appraisal and
explanation steps), all subjects in one transaction: a single bad row imports nothing.
Survey-sourced leaves take their points from the survey import (round_survey), never here.
"""
from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import APPRAISAL_STATUSES, Right
from scorecards.models import Score, ScoringSource

from .base import Column
from .round_base import RoundScoreResource
from .widgets import BoolWidget, PointsWidget, TextWidget

POINT_FIELDS = ("appraised_points", "appraised_points_round2")


class RoundAppraisalResource(RoundScoreResource):
    slug = "round_appraisal"
    label = _l("Điểm thẩm định của đợt")
    sheet_title = _l("Thẩm định")
    right = Right.APPRAISE
    writable_statuses = APPRAISAL_STATUSES
    refused_what = _l("nhập được điểm thẩm định")

    appraised_points = Column("appraised_points", _l("Điểm thẩm định vòng 1"), PointsWidget(), required=True,
                              aliases=("điểm thẩm định", "điểm thẩm định (vòng 1)", "vòng 1"), width=14,
                              guide=_l("Số, tối đa 3 chữ số thập phân, từ 0 đến điểm tối đa của tiêu chí, ví dụ 0,75. "
                                       "Ô trống xoá điểm đã nhập."))
    appraised_points_round2 = Column("appraised_points_round2", _l("Điểm thẩm định vòng 2"), PointsWidget(),
                                     aliases=("điểm thẩm định (vòng 2)", "vòng 2", "điểm sau giải trình"), width=14,
                                     guide=_l("Không bắt buộc: điểm sau vòng giải trình (điểm cuối cùng khi có)."))
    appraisal_reason = Column("appraisal_reason", _l("Lý do"), TextWidget(),
                              aliases=("nguyên nhân chưa đạt điểm tối đa", "nguyên nhân", "lý do trừ điểm", "ý kiến thẩm định"),
                              width=50, guide=_l("Không bắt buộc: lý do trừ điểm, nguyên nhân chưa đạt điểm tối đa."))
    explanation_requested = Column("explanation_requested", _l("Yêu cầu giải trình"), BoolWidget(default=False),
                                   aliases=("giải trình", "cần giải trình"), width=12,
                                   guide=_l("Không bắt buộc: x, Có hoặc 1 để yêu cầu đơn vị giải trình tiêu chí này; "
                                            "để trống, Không hoặc 0 là không yêu cầu."))

    class Meta(RoundScoreResource.Meta):
        model = Score
        fields = ("subject", "subject_name", "criterion", "criterion_name", "max_points", "appraised_points",
                  "appraised_points_round2", "appraisal_reason", "explanation_requested")
        export_order = fields

    def score_filter(self, queryset):
        return queryset.exclude(criterion__scoring_source=ScoringSource.SURVEY)

    def leaf_problem(self, period, criterion):
        if criterion.scoring_source == ScoringSource.SURVEY:
            return _("tiêu chí %(code)s lấy điểm từ điều tra xã hội học: nhập bằng loại dữ liệu “Điểm điều tra xã hội học”, "
                     "không nhập ở bảng thẩm định.") % {"code": criterion.code}
        return None

    def check_row(self, instance, errors):
        criterion = instance.criterion
        for name in POINT_FIELDS:
            if name in errors:
                continue
            message = self.points_problem(getattr(instance, name), criterion)
            if message:
                errors[name] = [message]
        if instance.not_applicable:
            given = [name for name in POINT_FIELDS if getattr(instance, name) is not None]
            if instance.explanation_requested:
                given.append("explanation_requested")
            for name in given:
                errors.setdefault(name, []).append(_(
                    "tiêu chí %(code)s không áp dụng với %(subject)s: không chấm điểm, không yêu cầu giải trình (bỏ đánh "
                    "dấu không áp dụng trước).") % {"code": criterion.code, "subject": instance.subject_name})
