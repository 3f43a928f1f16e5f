"""Leaders' analysis: the improvement plan of a year (kế hoạch khắc phục), issue 15.

- /reports/<year>/ke-hoach/ ("plan"): the board. Everyone admitted to the period's analysis
  reads it (an agency's staff: their agency's items only); Sở Nội vụ adds and changes items;
  the responsible agency's staff (and Sở Nội vụ) report progress with evidence. Every write
  goes through scorecards.services.improvement (rights, versions, audit); a refused write
  re-shows the page with the Vietnamese reason and changes nothing.
- /reports/<year>/ke-hoach/pdf/, /docx/ ("plan_pdf", "plan_docx"): the plan as an annex.
- /reports/<year>/ke-hoach/tep/<id>/ ("plan_evidence"): a progress report's evidence file,
  for whoever reads its item (improvement.can_read).
"""
import datetime as dt

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from scorecards.db import vi_ordering, vi_sort_key
from scorecards.forms import DayFirstDateField
from scorecards.forms_scorecard import PointsField
from scorecards.models import Agency, ImprovementItem, ImprovementUpdate, PlanStatus
from scorecards.permissions import can_manage
from scorecards.services import improvement

from .services import plan_annex
from .services.plan_followup import followup_for
from .views import period_url
from .views_analysis import analysis_view

FIELD_OF = {"agency_id": "agency", "criterion_id": "criterion"}


class ItemForm(forms.Form):
    """Sở Nội vụ's item form (new: with the criterion among the leaves that lost points)."""

    criterion = forms.TypedChoiceField(label=_lazy("Tiêu chí bị mất điểm"), coerce=int, required=False, empty_value=None)
    agency = forms.TypedChoiceField(label=_lazy("Cơ quan chủ trì"), coerce=int, required=False, empty_value=None)
    target_points = PointsField(label=_lazy("Điểm mục tiêu"), required=False,
                                help_text=_lazy("Để trống: điểm tối đa của tiêu chí."))
    actions = forms.CharField(label=_lazy("Nhiệm vụ, giải pháp"), required=False,
                              widget=forms.Textarea(attrs={"rows": 3, "cols": 60}))
    deadline = DayFirstDateField(label=_lazy("Thời hạn"), required=False)
    status = forms.ChoiceField(label=_lazy("Tiến độ"), choices=PlanStatus.choices, required=False)
    version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args, losses=(), agencies=(), new=True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["criterion"].choices = [("", _("— chọn tiêu chí —"))] + [(c.criterion.pk, c.label) for c in losses]
        self.fields["agency"].choices = [("", _("— đơn vị chủ trì của tiêu chí —") if new else "—")] + [
            (a.pk, a.name) for a in agencies]
        if new:
            del self.fields["status"], self.fields["version"]
        else:
            del self.fields["criterion"]
            self.fields["target_points"].help_text = ""
            # An item's edit form shows every value: a field emptied is a mistake, never "keep".
            self.fields["agency"].choices = self.fields["agency"].choices[1:]  # no "—": an item always has one
            for name, message in (("agency", _("Chọn cơ quan chủ trì.")), ("target_points", _("Nhập điểm mục tiêu.")),
                                  ("actions", _("Nhập nhiệm vụ, giải pháp.")),
                                  ("deadline", _("Nhập thời hạn hoàn thành (ngày/tháng/năm)."))):
                self.fields[name].required = True
                self.fields[name].error_messages["required"] = message


class ProgressForm(forms.Form):
    status = forms.ChoiceField(label=_lazy("Tiến độ"), choices=PlanStatus.choices)
    note = forms.CharField(label=_lazy("Kết quả thực hiện"), required=False,
                           widget=forms.Textarea(attrs={"rows": 2, "cols": 50}))
    file = forms.FileField(label=_lazy("Tài liệu kiểm chứng"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput)


def _agencies(period):
    """The agencies an item may go to (the service checks the same rule: improvement._clean_agency):
    the unit itself on a round's scorecard, else those still working in the plan's year."""
    if period.round_id:
        return [period.subject]
    working = Q(ended_on__isnull=True) | Q(ended_on__gte=dt.date(period.year + 1, 12, 31))
    return list(Agency.objects.filter(working, is_active=True).exclude(kind=Agency.Kind.PROVINCE).order_by(*vi_ordering("order", "name")))


def _apply_errors(form, exc: ValidationError):
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            field = FIELD_OF.get(name, name)
            for message in errors:
                form.add_error(field if field in form.fields else None, message)
    else:
        for message in exc.messages:
            form.add_error(None, message)


def _item_of(period, raw) -> ImprovementItem:
    if not str(raw or "").isdigit():
        raise Http404(_("Không tìm thấy nhiệm vụ khắc phục."))
    return get_object_or_404(ImprovementItem.objects.select_related("agency", "criterion"), pk=int(raw), period=period)


def _create(request, period):
    if not can_manage(request.user):
        raise PermissionDenied
    form = ItemForm(request.POST, losses=improvement.loss_choices(period), agencies=_agencies(period))
    if form.is_valid():
        d = form.cleaned_data
        try:
            item = improvement.create_item(
                period.pk, d["criterion"], actor=request.user, agency_id=d["agency"],
                target_points=d["target_points"], actions=d["actions"], deadline=d["deadline"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã thêm nhiệm vụ khắc phục tiêu chí %(code)s.") % {"code": item.criterion.code})
            return None
    return "create", form, None


def _update(request, item):
    if not can_manage(request.user):
        raise PermissionDenied
    form = ItemForm(request.POST, agencies=_agencies(item.period), new=False)
    if form.is_valid():
        d = form.cleaned_data
        try:
            improvement.update_item(
                item.pk, actor=request.user, version=d["version"], agency_id=d["agency"],
                target_points=d["target_points"], actions=d["actions"] or None, deadline=d["deadline"],
                status=d["status"] or None)
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã lưu nhiệm vụ khắc phục tiêu chí %(code)s.") % {"code": item.criterion.code})
            return None
    return "update", form, item.pk


def _progress(request, item):
    if not improvement.can_report(request.user, item):
        raise PermissionDenied
    form = ProgressForm(request.POST, request.FILES)
    if form.is_valid():
        d = form.cleaned_data
        try:
            improvement.report_progress(item.pk, actor=request.user, version=d["version"], status=d["status"],
                                        note=d["note"], uploaded=d["file"])
        except ValidationError as exc:
            _apply_errors(form, exc)
        else:
            messages.success(request, _("Đã ghi tiến độ nhiệm vụ khắc phục tiêu chí %(code)s.") % {
                "code": item.criterion.code})
            return None
    return "progress", form, item.pk


def _post(request, period, aud):
    """Handle one write: None when done, else (action, form with errors, item id)."""
    action = request.POST.get("action", "")
    if action == "create":
        return _create(request, period)
    if action in ("update", "progress"):
        item = _item_of(period, request.POST.get("item"))
        if not aud.admits(item.agency_id):
            raise PermissionDenied
        return _update(request, item) if action == "update" else _progress(request, item)
    return "unknown", None, None


def _int_param(request, name):
    raw = request.GET.get(name, "").strip()
    return int(raw) if raw.isascii() and raw.isdigit() and len(raw) <= 12 else None


@analysis_view("plan", need="own")
def plan(request, period, audience):
    """The plan board of a period (see the module docstring)."""
    failed = None
    if request.method == "POST":
        failed = _post(request, period, audience)
        if failed is None:
            return redirect(period_url("plan", period))
        if failed[0] == "unknown":
            messages.error(request, _("Thao tác không hợp lệ."))
            return redirect(period_url("plan", period))
    agency_filter = _int_param(request, "agency")
    status_filter = request.GET.get("status", "").strip()
    if status_filter not in PlanStatus.values and status_filter != "late":
        status_filter = ""
    board = improvement.plan_rows(period, audience, agency_id=agency_filter, status=status_filter or None,
                                  with_updates=True)
    manager = can_manage(request.user)
    agencies = _agencies(period) if manager else []
    rows = []
    for row in board.rows:
        item = row.item
        edit_form = progress_form = None
        if failed and failed[2] == item.pk:
            if failed[0] == "update":
                edit_form = failed[1]
            else:
                progress_form = failed[1]
        if manager and edit_form is None:
            edit_form = ItemForm(agencies=agencies, new=False, auto_id=f"id_%s_{item.pk}", initial={
                "agency": item.agency_id, "target_points": item.target_points, "actions": item.actions,
                "deadline": item.deadline, "status": item.status, "version": item.version})
        reporter = improvement.can_report(request.user, item)
        if reporter and progress_form is None:
            progress_form = ProgressForm(auto_id=f"id_p_%s_{item.pk}", initial={"status": item.status, "version": item.version})
        rows.append({"row": row, "edit_form": edit_form, "progress_form": progress_form, "reporter": reporter,
                     "failed": bool(failed and failed[2] == item.pk)})
    create_form = None
    if manager:
        create_form = failed[1] if failed and failed[0] == "create" else ItemForm(
            losses=improvement.loss_choices(period), agencies=agencies)
    followup = followup_for(period, audience, today=board.today) if not agency_filter and not status_filter else None
    filter_agencies = sorted({r.item.agency for r in board.rows} | (
        {Agency.objects.get(pk=agency_filter)} if agency_filter and Agency.objects.filter(pk=agency_filter).exists() else set()),
        key=lambda a: (a.order, vi_sort_key(a.name), a.pk))
    return render(request, "reports/plan.html", {
        "period": period, "board": board, "rows": rows, "manager": manager, "create_form": create_form,
        "audience": audience, "followup": followup, "status_choices": PlanStatus.choices,
        "agency_filter": agency_filter, "status_filter": status_filter, "filter_agencies": filter_agencies,
        "plan_url": period_url("plan", period), "pdf_url": period_url("plan_pdf", period),
        "docx_url": period_url("plan_docx", period), "dashboard_url": period_url("dashboard", period),
        "not_decided_note": improvement.not_decided_note(),
    }, status=400 if failed else 200)


def _file_response(rendered):
    response = HttpResponse(rendered.content, content_type=rendered.content_type)
    response["Content-Disposition"] = rendered.content_disposition
    response["Cache-Control"] = "private, max-age=0"
    return response


@analysis_view("plan_pdf", need="own")
def plan_pdf(request, period, audience):
    """The plan as an annex, PDF (rendered now: a plan is a few pages)."""
    return _file_response(plan_annex.render_plan("pdf", period, audience))


@analysis_view("plan_docx", need="own")
def plan_docx(request, period, audience):
    """The plan as an annex, DOCX."""
    return _file_response(plan_annex.render_plan("docx", period, audience))


@analysis_view("plan", need="own")
def plan_evidence(request, period, audience, update_id: int):
    """A progress report's evidence file, for whoever reads its item; always a download."""
    update = get_object_or_404(ImprovementUpdate.objects.select_related("item"), pk=update_id, item__period=period)
    if not audience.admits(update.item.agency_id):
        raise PermissionDenied
    if not update.file:
        raise Http404(_("Báo cáo tiến độ này không kèm tệp."))
    try:
        handle = update.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("Tệp không còn trên máy chủ.")) from None
    return FileResponse(handle, as_attachment=True, filename=update.original_name,
                        content_type=update.content_type or "application/octet-stream")


urlpatterns = [
    path("<int:year>/ke-hoach/", plan, name="plan"),
    path("<int:year>/ke-hoach/pdf/", plan_pdf, name="plan_pdf"),
    path("<int:year>/ke-hoach/docx/", plan_docx, name="plan_docx"),
    path("<int:year>/ke-hoach/tep/<int:update_id>/", plan_evidence, name="plan_evidence"),
]
