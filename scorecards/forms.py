"""Forms of the agency workspace and the review: they parse input, services decide."""
from datetime import time
from decimal import Decimal

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from scorecards.models import Agency

POINTS_FIELD = {"max_digits": 7, "decimal_places": 3, "min_value": Decimal(0), "localize": True}


END_OF_WORKING_DAY = time(17, 0)


class DeadlineField(forms.SplitDateTimeField):
    """A deadline typed as a date (10/04/2025) means 17:00 that day, the end of the working
    day, unless a time is given."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("require_all_fields", False)
        super().__init__(*args, **kwargs)
        self.fields[1].required = False

    def compress(self, data_list):
        if data_list and data_list[0] and not data_list[1]:
            data_list = [data_list[0], END_OF_WORKING_DAY]
        return super().compress(data_list)


class VersionedForm(forms.Form):
    """Carries the version the user loaded, for the optimistic check."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SelfAssessmentForm(VersionedForm):
    self_points = forms.DecimalField(label=_("Điểm tự đánh giá"), required=False, **POINTS_FIELD,
                                     error_messages={"max_decimal_places": _("Điểm có tối đa 3 chữ số thập phân."),
                                                     "invalid": _("Điểm phải là một số, ví dụ 0,75.")})
    explanation = forms.CharField(label=_("Giải trình cách tính điểm"), required=False,
                                  widget=forms.Textarea(attrs={"rows": 5}))


class ReturnForm(VersionedForm):
    comment = forms.CharField(label=_("Ý kiến (bắt buộc khi trả lại)"), widget=forms.Textarea(attrs={"rows": 3}),
                              error_messages={"required": _("Cần ghi ý kiến khi trả lại để đơn vị biết phải sửa gì.")})


class AcceptForm(VersionedForm):
    comment = forms.CharField(label=_("Ý kiến (không bắt buộc)"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SubmitForm(VersionedForm):
    pass


class AppraisalForm(VersionedForm):
    ROUNDS = ((1, _("Vòng 1 (Bộ Nội vụ thẩm định)")), (2, _("Vòng 2 (sau giải trình)")))

    round = forms.TypedChoiceField(label=_("Vòng thẩm định"), choices=ROUNDS, coerce=int)
    # Required: a blank box would erase the round's points (clear them in the scorecard grid).
    points = forms.DecimalField(label=_("Điểm thẩm định"), **POINTS_FIELD,
                                error_messages={"required": _("Cần nhập điểm thẩm định của vòng đã chọn.")})
    reason = forms.CharField(label=_("Nguyên nhân chưa đạt điểm tối đa"), required=False,
                             widget=forms.Textarea(attrs={"rows": 3}))


class ExplanationForm(VersionedForm):
    text = forms.CharField(label=_("Giải trình sau thẩm định"), widget=forms.Textarea(attrs={"rows": 5}),
                           error_messages={"required": _("Cần nhập nội dung giải trình.")})


class EvidenceForm(forms.Form):
    file = forms.FileField(label=_("Tệp (PDF, DOCX, XLSX, JPG, PNG; tối đa 20 MB)"),
                           error_messages={"required": _("Chưa chọn tệp."), "empty": _("Tệp rỗng (0 byte).")},
                           widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
    doc_number = forms.CharField(label=_("Số văn bản"), max_length=100, required=False)
    doc_date = forms.DateField(label=_("Ngày văn bản"), required=False,  # day first: config/formats
                               widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
                               error_messages={"invalid": _("Ngày không hợp lệ (dd/mm/yyyy).")})
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)

    def meta(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("doc_number", "doc_date", "issuer", "title")}


class ExceptionForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Agency.objects.none())
    until = forms.DateTimeField(label=_("Được sửa đến"),  # day first or datetime-local: config/formats
                                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"))
    reason = forms.CharField(label=_("Lý do"), max_length=500)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["agency"].queryset = agencies if agencies is not None else Agency.objects.filter(is_active=True)

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise forms.ValidationError(_("Thời hạn ngoại lệ phải sau thời điểm hiện tại."))
        return until
