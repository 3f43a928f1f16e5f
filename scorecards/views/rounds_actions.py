"""Sở Nội vụ's actions on the round board: steps of the round, subjects in and out.

Each posts to one service of scorecards.services.rounds (rights, state, locks, audit live
there) and comes back to the board with the service's Vietnamese message; a refusal
changes nothing (the services are all or nothing).
"""
from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views import View

from scorecards.models import Agency, EvaluationPeriod, Round, SubjectGroup
from scorecards.services import rounds as round_service
from scorecards.views.access import HomeAffairsRequiredMixin


def _refused(request, exc: ValidationError):
    for text in getattr(exc, "messages", None) or [str(exc)]:
        messages.error(request, text)


class RoundActionMixin(HomeAffairsRequiredMixin):
    http_method_names = ["post"]

    def round(self) -> Round:
        return get_object_or_404(Round, pk=self.kwargs["round_id"])

    def back(self):
        return redirect("rounds:board", round_id=self.kwargs["round_id"])


class RoundStepView(RoundActionMixin, View):
    """Move the round (and every scorecard) one step: policy.PERIOD_TRANSITIONS."""

    def post(self, request, round_id):
        round_ = self.round()
        try:
            round_ = round_service.change_round_status(round_.pk, request.POST.get("status", ""), actor=request.user,
                                                       reason=request.POST.get("reason", ""),
                                                       from_status=request.POST.get("from_status") or None)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Đợt đánh giá chuyển sang “%(s)s”.") % {"s": round_.get_status_display()})
        return self.back()


class PopulateGroupView(RoundActionMixin, View):
    """"Tạo phiếu cho cả nhóm": every active agency of the group's kind not yet in the round."""

    def post(self, request, round_id, group_id):
        group = get_object_or_404(SubjectGroup, pk=group_id, round_id=round_id)
        try:
            periods = round_service.populate_group(group.pk, actor=request.user)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            if periods:
                messages.success(request, _("Đã tạo %(n)s phiếu đánh giá cho nhóm “%(g)s”.") % {"n": len(periods), "g": group})
            else:
                messages.info(request, _("Nhóm “%(g)s” đã có phiếu của mọi đơn vị cùng loại.") % {"g": group})
        return self.back()


class AddSubjectView(RoundActionMixin, View):
    """Add one subject (among services.rounds.candidates of the group)."""

    def post(self, request, round_id, group_id):
        group = get_object_or_404(SubjectGroup.objects.select_related("round"), pk=group_id, round_id=round_id)
        agency_id = request.POST.get("agency", "")
        agency = Agency.objects.filter(pk=agency_id).first() if agency_id.isdigit() else None
        if agency is None:
            messages.error(request, _("Chọn đơn vị cần thêm vào nhóm “%(g)s”.") % {"g": group})
            return self.back()
        if agency.pk not in {a.pk for a in round_service.candidates(group)}:
            messages.error(request, _("%(a)s không thuộc loại đối tượng của nhóm “%(g)s” hoặc đã có trong đợt đánh giá.") % {
                "a": agency, "g": group})
            return self.back()
        try:
            round_service.add_subjects(group.pk, [agency], actor=request.user)
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Đã thêm %(a)s vào nhóm “%(g)s”.") % {"a": agency, "g": group})
        return self.back()


class RemoveSubjectView(RoundActionMixin, View):
    """Take a subject out of the round, with a reason (refused when its scorecard holds work)."""

    def post(self, request, round_id, period_id):
        period = get_object_or_404(EvaluationPeriod.objects.select_related("subject"), pk=period_id, round_id=round_id)
        try:
            round_service.remove_subject(period.pk, actor=request.user, reason=request.POST.get("reason", ""))
        except ValidationError as exc:
            _refused(request, exc)
        else:
            messages.success(request, _("Đã bỏ %(a)s khỏi đợt đánh giá.") % {"a": period.subject})
        return self.back()

