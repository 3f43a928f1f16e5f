"""The scorecard grid's row form: points typed the Vietnamese way ("0,688") or with a point."""
from decimal import Decimal, InvalidOperation

from django import forms
from django.utils.translation import gettext_lazy as _


def parse_points(raw) -> Decimal | None:
    """'0,688' -> Decimal('0.688'); '' -> None; raises ValueError for text."""
    if raw is None:
        return None
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    # Points never need a thousands separator, so a comma can only be the decimal mark.
    text = text.replace(",", ".")
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    if not value.is_finite():
        raise ValueError(raw)
    return value


class PointsField(forms.CharField):
    """A points input: range and decimal places are checked by Score.clean, which names
    the criterion and its maximum in the message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={"inputmode": "decimal", "size": 6, "class": "points"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        try:
            return parse_points(value)
        except ValueError:
            raise forms.ValidationError(_("“%(value)s” không phải là số điểm."), code="invalid", params={"value": value}) from None

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != (Decimal(initial) if initial not in (None, "") else None)
        except forms.ValidationError:
            return True

    def prepare_value(self, value):
        if isinstance(value, Decimal):
            return format(value.normalize(), "f").replace(".", ",") if value != value.to_integral() else str(int(value))
        return value


class TextField(forms.CharField):
    """Multi-line text; browsers send CRLF, the database keeps LF (no false "changed")."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 1, "cols": 24}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")

    def has_changed(self, initial, data):
        return self.to_python(data) != (initial or "").strip()


class ScoreRowForm(forms.Form):
    """One leaf's editable values in the scorecard grid."""

    self_points = PointsField(label=_("Điểm tự đánh giá"))
    appraised_points = PointsField(label=_("Điểm thẩm định"))
    appraised_points_round2 = PointsField(label=_("Điểm thẩm định vòng 2"))
    explanation = TextField(label=_("Giải trình"))
    appraisal_reason = TextField(label=_("Nguyên nhân"))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, score, **kwargs):
        self.score = score
        kwargs.setdefault("prefix", f"s{score.pk}")
        kwargs.setdefault("initial", {
            "self_points": score.self_points, "appraised_points": score.appraised_points,
            "appraised_points_round2": score.appraised_points_round2, "explanation": score.explanation,
            "appraisal_reason": score.appraisal_reason, "version": score.version,
        })
        super().__init__(*args, **kwargs)
        if not score.criterion.is_self_assessed:
            # Survey-scored criteria are not self-assessed: no input at all.
            del self.fields["self_points"]
            del self.fields["explanation"]

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}
