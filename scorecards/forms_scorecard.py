"""The scorecard grid's row form: points typed the Vietnamese way ("0,688") or with a point.

Every rule a save would refuse is checked here too, for every row at once (the model's
Score.clean on the typed values, the version the editor loaded), so one answer marks every
bad cell; scorecards.services.scoring checks them again on the locked rows and stays the
authority.
"""
import copy
import re
from decimal import Decimal, InvalidOperation

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from scorecards.forms import DECIMAL_BOX
from scorecards.services.scoring import last_save


POINTS_TEXT = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")


def parse_points(raw) -> Decimal | None:
    """'0,688' -> Decimal('0.688'); '' -> None; raises ValueError for text, exponents,
    underscores and digits other than 0-9."""
    if raw is None:
        return None
    text = str(raw).strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    # Points never need a thousands separator, so a comma can only be the decimal mark.
    text = text.replace(",", ".")
    # ASCII digits and one mark only, as the grid's script reads them: Python's Decimal would
    # also take "1e3", "1_0" or Arabic-Indic digits, which the page had called invalid.
    if not POINTS_TEXT.fullmatch(text):
        raise ValueError(raw)
    try:
        value = Decimal(text)
    except InvalidOperation:
        raise ValueError(raw) from None
    return value + 0 if value.is_zero() else value  # "-0" is 0


class PointsField(forms.CharField):
    """A points input: range and decimal places are checked by Score.clean, which names
    the criterion and its maximum in the message."""

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", forms.TextInput(attrs={
            **DECIMAL_BOX, "size": 6, "class": "points", "spellcheck": "false"}))
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
        kwargs.setdefault("widget", forms.Textarea(attrs={"rows": 1, "cols": 24, "class": "note"}))
        super().__init__(**kwargs)

    def to_python(self, value):
        return super().to_python(value).replace("\r\n", "\n").replace("\r", "\n")

    def has_changed(self, initial, data):
        return self.to_python(data) != (initial or "").strip()


class ScoreRowForm(forms.Form):
    """One leaf's editable values in the scorecard grid.

    Each input carries what the grid's script needs (scorecard-grid.js): its column
    (`data-col`) and the stored value (`data-saved`) to tell a changed cell from a saved one.
    """

    POINT_FIELDS = ("self_points", "appraised_points", "appraised_points_round2")
    TEXT_FIELDS = ("explanation", "appraisal_reason")

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
        for name, field in self.fields.items():
            if name == "version":
                continue
            initial = self.get_initial_for_field(field, name)
            field.widget.attrs.update({
                "data-col": name,
                "data-saved": field.prepare_value(initial) if initial is not None else "",
                "aria-label": f"{score.criterion.code} – {field.label}",
            })

    def clean(self):
        """For a row that changes (the service checks only those): the version the editor
        loaded, then the model's rules on the typed values (maximum, sign, decimals), on a
        copy of the score."""
        cleaned = super().clean()
        if not any(name != "version" for name in self.changed_data):
            return cleaned
        version = cleaned.get("version")
        if version is not None and version != self.score.version:
            self.add_error(None, ValidationError(self.stale_message(), code="stale"))
            # The editor has now seen the stored values: the page carries the current version,
            # so a second save writes what they typed (still all or nothing, still checked).
            self.data = self.data.copy()
            self.data[self.add_prefix("version")] = self.score.version
            return cleaned
        changed = {name: cleaned[name] for name in self.changed_data if name != "version" and name in cleaned}
        candidate = copy.copy(self.score)  # the grid shows the stored values beside the typed ones
        for name, value in changed.items():
            setattr(candidate, name, value)
        try:
            candidate.clean()  # criterion.is_leaf comes from build_scorecard: no query
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name, errors in exc.error_dict.items():
                    self.add_error(name if name in self.fields else None, errors)
            else:
                self.add_error(None, exc)
        return cleaned

    def stale_message(self) -> str:
        """Who saved the row meanwhile, the values now stored in the cells the editor typed
        in, and that the typed values are kept (a second save writes them)."""
        stored = []
        for name in self.changed_data:
            if name == "version" or name not in self.fields:
                continue
            field = self.fields[name]
            value = getattr(self.score, name)
            shown = field.prepare_value(value) if value not in (None, "") else "–"
            stored.append(f"{field.label}: {str(shown)[:80]}")
        return _("Tiêu chí %(code)s vừa được %(who)s sửa lúc %(when)s. Đang lưu: %(stored)s. Giá trị bạn nhập "
                 "vẫn giữ trên bảng: lưu lần nữa để ghi giá trị của bạn, hoặc sửa lại theo bản đang lưu.") % {
            **last_save(self.score), "stored": "; ".join(stored) or "–"}

    def changed_values(self) -> dict:
        return {name: self.cleaned_data[name] for name in self.changed_data if name != "version"}

    def point_cells(self) -> list:
        """(column, bound field or None) for the three points columns, in grid order; None
        where the criterion takes no such points (survey criteria are not self-assessed)."""
        return [(name, self[name] if name in self.fields else None) for name in self.POINT_FIELDS]

    def invalid_point_cells(self) -> list:
        """The points inputs the server refused: their messages go in a line under the row
        (a points column is too narrow for a sentence that names criterion and maximum)."""
        return [bound for _name, bound in self.point_cells() if bound is not None and bound.errors]

    def text_cells(self) -> list:
        return [self[name] for name in self.TEXT_FIELDS if name in self.fields]

    def error_entries(self) -> list[tuple[object, str]]:
        """(bound field or None, message) for every error of the row, in column order."""
        entries = [(None, message) for message in self.non_field_errors()]
        for name in self.fields:
            if name == "version":
                continue
            entries += [(self[name], message) for message in self.errors.get(name, [])]
        entries += [(None, message) for message in self.errors.get("version", [])]  # not a number: a forged form
        return entries
