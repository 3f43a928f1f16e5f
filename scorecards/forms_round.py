"""Forms of a subject's scorecard in a province's own round: they parse input, services decide.

The grid (one form for every leaf, like a data-entry screen) is a set of row forms, one
per editable score, prefixed by the score's id; their inputs carry `form="sc-grid"` so the
table can also hold the small per-row forms of Sở Nội vụ (not applicable) without nesting
forms. Each row carries the version the user loaded; services.scoring refuses a stale one.
"""
from django import forms
from django.utils.translation import gettext_lazy as _

from scorecards.choices import AdjustmentKind
from scorecards.forms_scorecard import PointsField, TextField
from scorecards.services.scoring import ScoreChange

GRID_FORM_ID = "sc-grid"


class GridRowForm(forms.Form):
    """One leaf's editable values in the grid; subclasses name the fields (score attributes)."""

    # No min_value: a forged or stale version is the service's "changed by someone" refusal.
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, score, **kwargs):
        self.score = score
        kwargs.setdefault("prefix", f"s{score.pk}")
        initial = {name: getattr(score, name) for name in self.base_fields if name != "version"}
        kwargs.setdefault("initial", {**initial, "version": score.version})
        super().__init__(*args, **kwargs)
        for name, f in self.fields.items():
            f.widget.attrs["form"] = GRID_FORM_ID
            if name != "version":
                f.widget.attrs["aria-label"] = f"{score.criterion.code} – {f.label}"

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}


def _text(label, rows=2):
    return TextField(label=label, widget=forms.Textarea(attrs={"rows": rows, "cols": 28}))


class SelfRowForm(GridRowForm):
    self_points = PointsField(label=_("Điểm tự đánh giá"))
    explanation = _text(_("Giải trình cách tính điểm"))


class ExplainRowForm(GridRowForm):
    appeal_explanation = _text(_("Giải trình sau thẩm định"), rows=3)


class AppraisalRowForm(GridRowForm):
    appraised_points = PointsField(label=_("Điểm thẩm định vòng 1"))
    appraised_points_round2 = PointsField(label=_("Điểm thẩm định vòng 2"))
    appraisal_reason = _text(_("Ý kiến thẩm định"))
    explanation_requested = forms.BooleanField(label=_("Yêu cầu giải trình"), required=False)


class AppraisalRound1RowForm(AppraisalRowForm):
    """Before the explanation round: round 1 only (policy.round2_open)."""

    appraised_points_round2 = None


class Grid:
    """The row forms of the editable rows (`row.refusal is None`) of a page, bound to `data`."""

    def __init__(self, form_class, rows, data=None):
        self.forms = {}
        self.shown = 0
        for row in rows:
            if row.score is not None and row.refusal is None:
                # A row the user's page did not hold (no version posted: it became editable
                # meanwhile) is left untouched rather than read as cleared.
                posted = data is not None and f"s{row.score.pk}-version" in data
                row.form = form_class(data if posted else None, score=row.score)
                self.shown += 1
                if data is None or posted:
                    self.forms[row.score.pk] = row.form

    def __bool__(self):
        return bool(self.shown)

    def is_valid(self) -> bool:
        return all(f.is_valid() for f in self.forms.values())

    def errors(self) -> list[str]:
        out = []
        for f in self.forms.values():
            for errors in f.errors.values():
                for error in errors:
                    out.append(_("Tiêu chí %(code)s: %(error)s") % {"code": f.score.criterion.code, "error": error})
        return out

    def changes(self) -> list[ScoreChange]:
        return [ScoreChange(pk, f.changed_values(), version=f.cleaned_data["version"])
                for pk, f in self.forms.items() if f.changed_values()]


class LockForm(forms.Form):
    """"Chốt điểm tự chấm": the signed report (the service refuses a lock without one)."""

    report = forms.FileField(label=_("Báo cáo tự đánh giá đã ký (PDF, DOCX, JPG, PNG; tối đa 20 MB)"), required=False,
                             error_messages={"empty": _("Tệp rỗng (0 byte).")},
                             widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.jpg,.jpeg,.png"}))


class WithdrawForm(forms.Form):
    reason = forms.CharField(label=_("Lý do"), max_length=500, required=False)


class NotApplicableForm(forms.Form):
    criterion = forms.IntegerField(widget=forms.HiddenInput)
    value = forms.TypedChoiceField(choices=(("1", "1"), ("0", "0")), coerce=lambda v: v == "1", widget=forms.HiddenInput)


class AdjustmentForm(forms.Form):
    """A bonus claim (unit), a bonus's appraisal or a penalty (council), or both (Sở Nội vụ).

    Only the fields of the user's part (services.adjustments) are kept; the service checks
    the part, the window and the version again."""

    ROLE_FIELDS = {
        "unit": ("content", "claimed_points", "explanation", "evidence"),
        "appraiser": ("kind", "content", "points", "appraisal_reason", "evidence"),
        "manager": ("kind", "content", "claimed_points", "points", "explanation", "appraisal_reason", "evidence"),
    }

    kind = forms.ChoiceField(label=_("Loại"), choices=AdjustmentKind.choices)
    content = forms.CharField(label=_("Nội dung"), max_length=500,
                              error_messages={"required": _("Cần ghi nội dung điểm thưởng, điểm trừ.")})
    claimed_points = PointsField(label=_("Điểm đơn vị đề nghị"))
    points = PointsField(label=_("Điểm được tính"))
    explanation = _text(_("Giải trình của đơn vị"), rows=3)
    appraisal_reason = _text(_("Ý kiến thẩm định"), rows=3)
    evidence = forms.FileField(label=_("Tài liệu kiểm chứng (PDF, DOCX, XLSX, JPG, PNG)"), required=False,
                               error_messages={"empty": _("Tệp rỗng (0 byte).")},
                               widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.docx,.xlsx,.jpg,.jpeg,.png"}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, role: str, adjustment=None, **kwargs):
        self.role = role
        self.adjustment = adjustment
        kwargs.setdefault("prefix", f"adj{adjustment.pk}" if adjustment else "adjnew")
        if adjustment is not None:
            kwargs.setdefault("initial", {name: getattr(adjustment, name) for name in
                                          ("kind", "content", "claimed_points", "points", "explanation", "appraisal_reason")}
                              | {"version": adjustment.version})
        elif role == "appraiser":
            kwargs.setdefault("initial", {"kind": AdjustmentKind.PENALTY})
        super().__init__(*args, **kwargs)
        keep = set(self.ROLE_FIELDS[role]) | {"version"}
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]

    def values(self) -> dict:
        """{field: value} for services.adjustments.save_adjustment (the file goes apart)."""
        values = {name: self.cleaned_data[name] for name in self.fields if name not in ("evidence", "version")}
        if self.role == "unit":
            values["kind"] = AdjustmentKind.BONUS
        return values
