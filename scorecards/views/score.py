"""The criterion page: guide, points, evidence, history and the workflow buttons.

One URL shows the page and takes its forms; each form names its `action`. The score is
found through Score.objects.for_user(user) (404 otherwise); what the user may do is asked
once (`policy.capabilities`); every write goes through a service that checks the right,
the window and the version again on locked rows. A refused step shows the page again with
what the user typed and why.
"""
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views import View

from scorecards import forms, policy
from scorecards.choices import AuditAction
from scorecards.formatting import fmt_points
from scorecards.models import Score
from scorecards.permissions import can_manage
from scorecards.services import evidence as evidence_service
from scorecards.services import queue, workflow
from scorecards.tables import deadline_of, describe_event

REVIEW_ACTIONS = (AuditAction.SCORE_RETURNED, AuditAction.SCORE_ACCEPTED)
# Steps after which the reviewer goes on to the next criterion of the list they came from.
ADVANCING_ACTIONS = ("return", "accept")


def _save(request, score, form):
    workflow.save_self_assessment(score.pk, actor=request.user, self_points=form.cleaned_data["self_points"],
                                  explanation=form.cleaned_data["explanation"], version=form.cleaned_data["version"])
    return _("Đã lưu điểm tự đánh giá tiêu chí %(code)s.") % {"code": score.criterion.code}


def _submit(request, score, form):
    if isinstance(form, forms.SelfAssessmentForm):
        # "Gửi" pressed with the points form: save what was typed and submit, in one step.
        workflow.save_and_submit(score.pk, actor=request.user, self_points=form.cleaned_data["self_points"],
                                 explanation=form.cleaned_data["explanation"], version=form.cleaned_data["version"])
    else:
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


# Actions whose form is the points form: a refusal shows it again with what was typed.
SELF_ASSESSMENT_FIELDS = ("self_points", "explanation")


class ScoreDetailView(LoginRequiredMixin, View):
    template_name = "scorecards/score_detail.html"

    def get_score(self):
        qs = Score.objects.for_user(self.request.user).select_related(
            "criterion", "period", "period__subject", "updated_by", "responsible_agency")
        return get_object_or_404(qs, pk=self.kwargs["pk"])

    def get(self, request, pk):
        return self.render(self.get_score())

    def post(self, request, pk):
        score = self.get_score()
        action = request.POST.get("action")
        if action not in ACTIONS:
            return HttpResponseBadRequest(_("Thao tác không hợp lệ."))
        form_class, handler = ACTIONS[action]
        typed = action == "submit" and any(name in request.POST for name in SELF_ASSESSMENT_FIELDS)
        if typed:
            form_class = forms.SelfAssessmentForm
        form = form_class(request.POST, request.FILES)
        status = 400
        if form.is_valid():
            origin = queue.origin_of(request)
            # The reviewer's next item, found before the step: a returned or accepted score
            # leaves a queue filtered on "Đã gửi", and the next one must not be skipped.
            after = queue.position_in(origin, request.user, score.pk) if action in ADVANCING_ACTIONS else None
            try:
                message = handler(request, score, form)
            except (ValidationError, PermissionDenied) as exc:
                # Said at the top of the page: the form of a step the user may no longer
                # take (the period moved on meanwhile) is not shown again.
                status = 403 if isinstance(exc, PermissionDenied) else 400
                for text in getattr(exc, "messages", None) or [str(exc)]:
                    messages.error(request, text)
            else:
                messages.success(request, message)
                if action in ADVANCING_ACTIONS:
                    url, note = queue.after_decision(origin, request.user, score.pk, after)
                    if note:
                        messages.info(request, note)
                    return redirect(url)
                return redirect(origin.score_url(score.pk))
        # Re-show the page with what the user typed and why it was refused: nothing is lost.
        return self.render(self.get_score(), bound={"save" if typed else action: form}, status=status)

    def render(self, score, bound=None, status=200):
        user = self.request.user
        bound = bound or {}
        origin = queue.origin_of(self.request)
        position = queue.position_in(origin, user, score.pk)
        caps = policy.capabilities(user, score)
        events = list(score.audit_events.select_related("actor"))
        v = {"version": score.version}
        ctx = {
            "score": score, "criterion": score.criterion, "period": score.period, "caps": caps,
            # The way back (filters kept) and the list's previous and next criterion.
            "origin": origin, "position": position,
            "previous_url": origin.score_url(position.previous_id) if position and position.previous_id else None,
            "next_url": origin.score_url(position.next_id) if position and position.next_id else None,
            "is_lead": caps.responsible, "is_home_affairs": can_manage(user),
            "can_edit": caps.self_assess, "edit_refusal": caps.self_assess_refusal,
            "can_explain": caps.explain,
            "show_appraisal": score.appraised_points is not None or score.appraised_points_round2 is not None,
            "lost_points": policy.explanation_due(score),
            "can_submit": caps.submit, "can_accept": caps.accept, "can_return": caps.return_,
            "can_appraise": caps.appraise,
            "deadline": deadline_of(score),
            "evidence": list(score.evidence.select_related("uploaded_by")),
            "events": [(e, describe_event(e)) for e in events],
            # Every comment Sở Nội vụ wrote on returns and acceptances, newest first.
            "comments": [e for e in events if e.action in REVIEW_ACTIONS and e.data.get("comment")],
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
