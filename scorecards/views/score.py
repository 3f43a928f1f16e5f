"""The criterion page: guide, points, evidence, history and the workflow buttons.

One URL shows the page and takes its forms; each form names its `action`. The score is
found through Score.objects.visible_to(user) (404 otherwise) and every write goes through
a service that checks the role, the window and the version again on locked rows.
"""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from scorecards import forms
from scorecards.formatting import fmt_points
from scorecards.models import Score, ScoreState
from scorecards.permissions import can_manage
from scorecards.services import evidence as evidence_service
from scorecards.services import workflow
from scorecards.tables import deadline_of, describe_event


def _save(request, score, form):
    workflow.save_self_assessment(score.pk, actor=request.user, self_points=form.cleaned_data["self_points"],
                                  explanation=form.cleaned_data["explanation"], version=form.cleaned_data["version"])
    return _("Đã lưu điểm tự đánh giá tiêu chí %(code)s.") % {"code": score.criterion.code}


def _submit(request, score, form):
    workflow.submit_score(score.pk, actor=request.user, version=form.cleaned_data["version"])
    return _("Đã gửi tiêu chí %(code)s cho Sở Nội vụ.") % {"code": score.criterion.code}


def _return(request, score, form):
    workflow.return_score(score.pk, actor=request.user, comment=form.cleaned_data["comment"], version=form.cleaned_data["version"])
    return _("Đã trả lại tiêu chí %(code)s cho đơn vị.") % {"code": score.criterion.code}


def _accept(request, score, form):
    workflow.accept_score(score.pk, actor=request.user, comment=form.cleaned_data["comment"], version=form.cleaned_data["version"])
    return _("Đã chấp nhận tiêu chí %(code)s.") % {"code": score.criterion.code}


def _appraise(request, score, form):
    workflow.appraise_score(score.pk, actor=request.user, round=form.cleaned_data["round"], points=form.cleaned_data["points"],
                            reason=form.cleaned_data["reason"], version=form.cleaned_data["version"])
    return _("Đã lưu điểm thẩm định tiêu chí %(code)s.") % {"code": score.criterion.code}


def _explain(request, score, form):
    workflow.explain_score(score.pk, actor=request.user, text=form.cleaned_data["text"], version=form.cleaned_data["version"])
    return _("Đã lưu giải trình tiêu chí %(code)s.") % {"code": score.criterion.code}


def _upload(supplementary):
    def handler(request, score, form):
        doc = evidence_service.attach_evidence(score.pk, form.cleaned_data["file"], actor=request.user,
                                               meta=form.meta(), supplementary=supplementary)
        return _("Đã tải lên “%(name)s”.") % {"name": doc.original_name}
    return handler


# action: (form class, handler)
ACTIONS = {
    "save": (forms.SelfAssessmentForm, _save),
    "submit": (forms.SubmitForm, _submit),
    "return": (forms.ReturnForm, _return),
    "accept": (forms.AcceptForm, _accept),
    "appraise": (forms.AppraisalForm, _appraise),
    "explain": (forms.ExplanationForm, _explain),
    "upload": (forms.EvidenceForm, _upload(False)),
    "upload_supplementary": (forms.EvidenceForm, _upload(True)),
}


def _points(value):
    return fmt_points(value) if value is not None else None


def _refusal(check):
    try:
        check()
    except (ValidationError, PermissionDenied) as exc:  # the page says why
        return " ".join(getattr(exc, "messages", None) or [str(exc)])
    return None


class ScoreDetailView(LoginRequiredMixin, View):
    template_name = "scorecards/score_detail.html"

    def get_score(self):
        qs = Score.objects.visible_to(self.request.user).select_related("criterion", "period", "period__subject", "updated_by")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, pk):
        return self.render(self.get_score())

    def post(self, request, pk):
        score = self.get_score()
        action = request.POST.get("action")
        if action not in ACTIONS:
            return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
        form_class, handler = ACTIONS[action]
        form = form_class(request.POST, request.FILES)
        if form.is_valid():
            try:
                message = handler(request, score, form)
            except ValidationError as exc:
                for text in exc.messages:
                    form.add_error(None, text)
            else:
                messages.success(request, message)
                return redirect("scorecards:score", pk=score.pk)
        # Re-show the page with what the user typed and why it was refused: nothing is lost.
        return self.render(self.get_score(), bound={action: form}, status=400)

    def render(self, score, bound=None, status=200):
        user = self.request.user
        bound = bound or {}
        score.lead_agency = workflow.lead_agency_of(score)
        is_lead = workflow.is_lead(user, score)
        edit_refusal = _refusal(lambda: workflow.ensure_agency_may_write(user, score, workflow.SELF_ASSESSMENT)) if is_lead else None
        explain_refusal = _refusal(lambda: workflow.ensure_agency_may_write(user, score, workflow.EXPLANATION)) if is_lead else None
        transitions = workflow.allowed_transitions(user, score)
        events = list(score.audit_events.select_related("actor"))
        v = {"version": score.version}
        ctx = {
            "score": score, "criterion": score.criterion, "period": score.period,
            "is_lead": is_lead, "is_home_affairs": can_manage(user),
            "can_edit": is_lead and edit_refusal is None, "edit_refusal": edit_refusal,
            "can_explain": is_lead and explain_refusal is None,
            "show_appraisal": score.appraised_points is not None or score.appraised_points_round2 is not None,
            "lost_points": workflow.lost_points(score),
            "can_submit": ScoreState.SUBMITTED in transitions,
            "can_accept": ScoreState.ACCEPTED in transitions,
            "can_return": ScoreState.RETURNED in transitions,
            "can_appraise": can_manage(user) and score.period.status in workflow.APPRAISAL_STATUSES,
            "deadline": deadline_of(score),
            "evidence": list(score.evidence.select_related("uploaded_by")),
            "events": [(e, describe_event(e)) for e in events],
            # Every comment Sở Nội vụ wrote on returns and acceptances, newest first.
            "comments": [e for e in events if e.action in ("score.returned", "score.accepted") and e.data.get("comment")],
            "form_save": bound.get("save") or forms.SelfAssessmentForm(initial={**v, "self_points": _points(score.self_points), "explanation": score.explanation}),
            "form_submit": bound.get("submit") or forms.SubmitForm(initial=v),
            "form_return": bound.get("return") or forms.ReturnForm(initial=v),
            "form_accept": bound.get("accept") or forms.AcceptForm(initial=v),
            "form_appraise": bound.get("appraise") or forms.AppraisalForm(initial={
                **v, "round": 2 if score.appraised_points is not None else 1,
                "points": _points(score.appraised_points_round2 if score.appraised_points is not None else None),
                "reason": score.appraisal_reason}),
            "form_explain": bound.get("explain") or forms.ExplanationForm(initial={**v, "text": score.appeal_explanation}),
            "form_upload": bound.get("upload") or forms.EvidenceForm(),
            "form_upload_supplementary": bound.get("upload_supplementary") or forms.EvidenceForm(),
        }
        return render(self.request, self.template_name, ctx, status=status)
