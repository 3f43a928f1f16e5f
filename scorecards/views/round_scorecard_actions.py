"""The forms of a round scorecard page, one handler per `action`.

Each handler parses its form and calls the one service that writes: services.scoring
(grid of self-assessed or appraised points), services.workflow (explanations),
services.selflock (lock, withdraw, reopen), services.rounds (not applicable),
services.adjustments (bonus and penalty). A refused grid shows the page again with what
the user typed and why (400); other refusals are said at the top of the page. Someone who
could never hold the right gets 403.
"""
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from scorecards import policy
from scorecards.choices import Right
from scorecards.forms_round import AdjustmentForm, Grid, LockForm, NotApplicableForm, WithdrawForm
from scorecards.services import adjustments as adjustment_service
from scorecards.services import round_scorecard as page_service
from scorecards.services import rounds as round_service
from scorecards.services import selflock, workflow
from scorecards.services.scoring import apply_score_changes
from scorecards.views.round_scorecard import grid_form


def _messages(exc) -> list[str]:
    return list(getattr(exc, "messages", None) or [str(exc)])


def _back(period):
    return redirect("round_scorecard:detail", period_id=period.pk)


def _save_self(period, changes, actor):
    return len(apply_score_changes(period, changes, actor=actor, right=Right.SELF_ASSESS).changed)


def _save_appraisal(period, changes, actor):
    return len(apply_score_changes(period, changes, actor=actor, right=Right.APPRAISE,
                                   audit_extra={"page": "round_scorecard"}).changed)


@transaction.atomic
def _save_explanations(period, changes, actor):
    """Each explanation through workflow.explain_score; all or nothing, every refusal named."""
    errors = []
    for change in changes:
        try:
            workflow.explain_score(change.score_id, actor=actor, text=change.values["appeal_explanation"],
                                   version=change.version)
        except ValidationError as exc:
            errors.extend(exc.messages)
    if errors:
        raise ValidationError(errors)
    return len(changes)


GRID_SAVERS = {"self": _save_self, "explain": _save_explanations, "appraise": _save_appraisal}
GRID_HOLDERS = {
    "self": lambda user, period, rights: rights.unit,
    "explain": lambda user, period, rights: rights.unit,
    "appraise": lambda user, period, rights: policy.can_appraise(user, period),
}
GRID_REFUSALS = {
    "self": lambda rights: rights.self_refusal,
    "explain": lambda rights: rights.explain_refusal,
    "appraise": lambda rights: rights.appraise_refusal,
}


def _grid(mode):
    def handler(view, request, period):
        page, rights = view.prepare(period)
        if rights.mode != mode:
            if not GRID_HOLDERS[mode](request.user, period, rights):
                raise PermissionDenied(_("Bạn không có quyền sửa phiếu đánh giá này."))
            messages.error(request, GRID_REFUSALS[mode](rights) or _("Phiếu đánh giá không sửa được lúc này."))
            return _back(period)
        grid = Grid(grid_form(mode, period), page.leaves, request.POST)
        if not grid.is_valid():
            for text in grid.errors():
                messages.error(request, text)
            return view.render(period, page=page, rights=rights, grid=grid, status=400)
        changes = grid.changes()
        if not changes:
            messages.info(request, _("Không có thay đổi nào để lưu."))
            return _back(period)
        try:
            n = GRID_SAVERS[mode](period, changes, request.user)
        except (ValidationError, PermissionDenied) as exc:
            for text in _messages(exc):
                messages.error(request, text)
            status = 403 if isinstance(exc, PermissionDenied) else 400
            return view.render(period, page=page, rights=rights, grid=grid, status=status)
        messages.success(request, ngettext("Đã lưu %(n)d tiêu chí.", "Đã lưu %(n)d tiêu chí.", n) % {"n": n})
        return _back(period)
    return handler


def _lock(view, request, period):
    form = LockForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
        return _back(period)
    try:
        selflock.lock_self_assessment(period.pk, form.cleaned_data["report"], actor=request.user)
    except ValidationError as exc:
        for text in _messages(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("Đã chốt điểm tự đánh giá của %(s)s.") % {"s": period.subject})
    return _back(period)


def _withdraw(view, request, period):
    form = WithdrawForm(request.POST)
    reason = form.cleaned_data["reason"] if form.is_valid() else ""
    try:
        selflock.withdraw_self_assessment(period.pk, actor=request.user, reason=reason)
    except ValidationError as exc:
        for text in _messages(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("Đã rút lại chốt điểm: đơn vị sửa được điểm tự đánh giá."))
    return _back(period)


def _not_applicable(view, request, period):
    form = NotApplicableForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Thao tác không hợp lệ."))
        return _back(period)
    value = form.cleaned_data["value"]
    try:
        n = round_service.set_not_applicable(period.pk, form.cleaned_data["criterion"], value, actor=request.user)
    except ValidationError as exc:
        for text in _messages(exc):
            messages.error(request, text)
    else:
        if value:
            messages.success(request, _("Đã đánh dấu %(n)d tiêu chí không áp dụng với %(s)s.") % {"n": n, "s": period.subject})
        else:
            messages.success(request, _("Đã áp dụng lại %(n)d tiêu chí với %(s)s.") % {"n": n, "s": period.subject})
    return _back(period)


def _adjustment_role(request, period):
    """The user's part in the bonus and penalty section; 403 for someone who has none."""
    role, refusal = page_service.adjustment_role(request.user, period)
    if role is None and refusal is None:
        raise PermissionDenied(_("Bạn không có quyền ghi điểm thưởng, điểm trừ của đơn vị này."))
    return role, refusal



def _id(value) -> int:
    """A posted row id as an int; anything else is 0 (no such row: 404, never a 500)."""
    return int(value) if str(value or "").isdigit() else 0

def _save_adjustment(view, request, period):
    role, refusal = _adjustment_role(request, period)
    if role is None:
        messages.error(request, refusal)
        return _back(period)
    adjustment = None
    if request.POST.get("adjustment"):
        adjustment = get_object_or_404(period.adjustments, pk=_id(request.POST["adjustment"]))
    form = AdjustmentForm(request.POST, request.FILES, role=role, adjustment=adjustment)
    if form.is_valid():
        try:
            adjustment_service.save_adjustment(
                period.pk, form.values(), actor=request.user, adjustment_id=adjustment.pk if adjustment else None,
                version=form.cleaned_data.get("version") if adjustment else None, evidence=form.cleaned_data.get("evidence"))
        except (ValidationError, PermissionDenied) as exc:
            for text in _messages(exc):
                messages.error(request, text)
        else:
            messages.success(request, _("Đã lưu “%(c)s”.") % {"c": form.cleaned_data.get("content") or adjustment.content})
            return _back(period)
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, text)
    return view.render(period, adjustment_forms={adjustment.pk if adjustment else "new": form}, status=400)


def _delete_adjustment(view, request, period):
    adjustment = get_object_or_404(period.adjustments, pk=_id(request.POST.get("adjustment")))
    try:
        adjustment_service.delete_adjustment(adjustment.pk, actor=request.user)
    except ValidationError as exc:
        for text in _messages(exc):
            messages.error(request, text)
    else:
        messages.success(request, _("Đã xoá “%(c)s”.") % {"c": adjustment.content})
    return _back(period)


ACTIONS = {
    "save_self": _grid("self"),
    "save_explain": _grid("explain"),
    "save_appraise": _grid("appraise"),
    "lock": _lock,
    "withdraw": _withdraw,
    "not_applicable": _not_applicable,
    "save_adjustment": _save_adjustment,
    "delete_adjustment": _delete_adjustment,
}
