"""Forms of the agency workspace and the review: they parse input, services decide."""
from datetime import date, datetime, time
from decimal import Decimal

from django import forms
from django.forms.utils import from_current_timezone
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from scorecards.db import vi_ordering
from scorecards.models import Agency

# Every points box: a text box that takes "0,75" as well as "0.75" (a number box would
# refuse the comma in some browsers), opening the decimal keypad on phones.
DECIMAL_BOX = {"inputmode": "decimal", "autocomplete": "off"}
POINTS_FIELD = {"max_digits": 7, "decimal_places": 3, "min_value": Decimal(0), "localize": True,
                "widget": forms.TextInput(attrs={**DECIMAL_BOX, "size": 8})}
POINTS_ERRORS = {"min_value": _("Điểm không được âm."),
                 "max_decimal_places": _("Điểm có tối đa 3 chữ số thập phân."),
                 "invalid": _("Điểm phải là một số, ví dụ 0,75.")}


END_OF_WORKING_DAY = time(17, 0)


# Dates are typed day first in both languages (config/formats): 10/04/2025, 10/4/2025,
# 10-04-2025, 10.04.2025, or ISO 2025-04-10. Refusals say so, with an example.
DATE_ERRORS = {"invalid": _("Ngày không hợp lệ: ghi ngày trước, tháng sau (dd/mm/yyyy), ví dụ 10/04/2025.")}
DATETIME_ERRORS = {"invalid": _("Thời điểm không hợp lệ: ghi ngày trước, tháng sau, giờ nếu cần "
                                "(dd/mm/yyyy hoặc dd/mm/yyyy hh:mm), ví dụ 10/04/2025 14:30.")}
TIME_ERRORS = {"invalid": _("Giờ không hợp lệ: ghi giờ:phút, ví dụ 14:30.")}
DATE_PLACEHOLDER = "dd/mm/yyyy"
DEADLINE_HELP = _("Chỉ ghi ngày thì hạn là 17:00 ngày đó.")


def date_only(text: str) -> date | None:
    """The day `text` names when it is a date without a time (any DATE_INPUT_FORMATS of the
    active language), else None."""
    for fmt in formats.get_format("DATE_INPUT_FORMATS"):
        try:
            return datetime.strptime(text, fmt).date()
        except (ValueError, TypeError):
            continue
    return None


class DayFirstDateField(forms.DateField):
    """A date typed day first, shown dd/mm/yyyy in a text box (a browser's date picker shows
    the browser's own order, month first in an English browser)."""

    widget = forms.DateInput(attrs={"placeholder": DATE_PLACEHOLDER, "autocomplete": "off", "size": 12})
    default_error_messages = DATE_ERRORS


class DeadlineField(forms.SplitDateTimeField):
    """A deadline in two boxes, date and time (the admin's): a date without a time
    (10/04/2025) means 17:00 that day, the end of the working day."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("require_all_fields", False)
        kwargs.setdefault("help_text", DEADLINE_HELP)
        super().__init__(*args, **kwargs)
        self.fields[0].error_messages.update(DATE_ERRORS)
        self.fields[1].error_messages.update(TIME_ERRORS)
        self.fields[1].required = False

    def compress(self, data_list):
        if data_list and data_list[0] and not data_list[1]:
            data_list = [data_list[0], END_OF_WORKING_DAY]
        return super().compress(data_list)


class DeadlineInputField(forms.DateTimeField):
    """A deadline in one box: "10/04/2025" means 17:00 that day; "10/04/2025 14:30",
    "10/4/2025 8:05", "14:30 10/04/2025" or an ISO value as written."""

    widget = forms.DateTimeInput(attrs={"placeholder": "dd/mm/yyyy hh:mm", "autocomplete": "off", "size": 18})
    default_error_messages = DATETIME_ERRORS

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("help_text", DEADLINE_HELP)
        super().__init__(*args, **kwargs)
        self.widget.attrs.setdefault("title", self.help_text)  # pages that show only the box

    def to_python(self, value):
        if isinstance(value, str) and (day := date_only(value.strip())):
            return from_current_timezone(datetime.combine(day, END_OF_WORKING_DAY))
        return super().to_python(value)


class VersionedForm(forms.Form):
    """Carries the version the user loaded, for the optimistic check."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class SelfAssessmentForm(VersionedForm):
    self_points = forms.DecimalField(label=_("Điểm tự đánh giá"), required=False, **POINTS_FIELD,
                                     error_messages=POINTS_ERRORS)
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
                                error_messages={**POINTS_ERRORS, "required": _("Cần nhập điểm thẩm định của vòng đã chọn.")})
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
    doc_date = DayFirstDateField(label=_("Ngày văn bản"), required=False)
    issuer = forms.CharField(label=_("Cơ quan ban hành"), max_length=255, required=False)
    title = forms.CharField(label=_("Trích yếu"), max_length=500, required=False)

    def meta(self) -> dict:
        return {k: self.cleaned_data[k] for k in ("doc_number", "doc_date", "issuer", "title")}


class ExceptionForm(forms.Form):
    agency = forms.ModelChoiceField(label=_("Đơn vị"), queryset=Agency.objects.none(), empty_label=_("— Chọn đơn vị —"))
    until = DeadlineInputField(label=_("Được sửa đến"))
    reason = forms.CharField(label=_("Lý do"), max_length=500)

    def __init__(self, *args, agencies=None, **kwargs):
        super().__init__(*args, **kwargs)
        agencies = agencies if agencies is not None else Agency.objects.filter(is_active=True)
        self.fields["agency"].queryset = agencies.order_by(*vi_ordering("order", "name"))

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until <= timezone.now():
            raise forms.ValidationError(_("Thời hạn ngoại lệ phải sau thời điểm hiện tại."))
        return until
