"""A SIPAS questionnaire version (bộ câu hỏi SIPAS) as one sheet: a row per indicator.

Each row carries its section (code, name, order) and group (code, name, order), the
indicator's number and text, and "Số năm trước": the number of its counterpart in the
questionnaire's previous version (blank: a new indicator). A fresh install loads the 39
indicators, 9 groups and 2 sections from one file; a new year's version is its copy,
edited.

Rows are imported into the questionnaire chosen on the form (the command's
--questionnaire). Sections and groups are found by code in that questionnaire, created
when new and updated when the file says otherwise: their name and order are repeated on
each row, a blank cell keeps what is stored, and two rows that say different things of
the same section or group are an error. Nothing is deleted. A questionnaire used by a
published or closed period is final: a file that would change it is refused.
"""
from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import FROZEN_STATUSES, AuditAction
from scorecards.models import EvaluationPeriod, SipasGroup, SipasIndicator, SipasSection

from . import cells
from .base import Column, FileErrors, ScorecardResource
from .preview import RowError
from .widgets import IntWidget, TextWidget

# (attribute on the row, model, model field) of the section's and group's values a row carries.
SECTION_VALUES = (("section_name", "name"), ("section_order", "order"))
GROUP_VALUES = (("group_section", "section"), ("group_name", "name"), ("group_order", "order"))


class QuestionnaireResource(ScorecardResource):
    slug = "questionnaire"
    label = _l("Bộ câu hỏi SIPAS")
    sheet_title = _l("Bộ câu hỏi SIPAS")
    scope_kind = "questionnaire"
    audit_action = AuditAction.QUESTIONNAIRE_IMPORTED
    check_constraints = False  # no check constraints on these models; keys are checked per file

    section_code = Column("section_code", _l("Mã phần"), TextWidget(required=True), required=True, aliases=("phần",),
                          width=10, guide=_l("Mã của phần, ví dụ I hoặc II (tối đa 10 ký tự)."))
    section_name = Column("section_name", _l("Tên phần"), TextWidget(), width=40,
                          guide=_l("Bắt buộc với phần mới (ít nhất ở một dòng của phần); để trống: giữ tên đã có."))
    section_order = Column("section_order", _l("Thứ tự phần"), IntWidget(), width=10,
                           guide=_l("Số nguyên; để trống: giữ thứ tự đã có (phần mới xếp sau các phần đã có)."))
    group_code = Column("group_code", _l("Mã nhóm"), TextWidget(required=True), required=True, aliases=("nhóm",),
                        width=10, guide=_l("Mã của nhóm tiêu chí, ví dụ A (tối đa 10 ký tự)."))
    group_name = Column("group_name", _l("Tên nhóm"), TextWidget(), width=50,
                        guide=_l("Bắt buộc với nhóm mới (ít nhất ở một dòng của nhóm); để trống: giữ tên đã có."))
    group_order = Column("group_order", _l("Thứ tự nhóm"), IntWidget(), width=10,
                         guide=_l("Số nguyên; để trống: giữ thứ tự đã có (nhóm mới xếp sau các nhóm đã có)."))
    number = Column("number", _l("Số thứ tự tiêu chí"), IntWidget(required=True), key=True,
                    aliases=("stt", "số thứ tự", "số tiêu chí"), width=12,
                    guide=_l("Số thứ tự của tiêu chí trong bộ câu hỏi (1, 2, …), mỗi số một dòng."))
    text = Column("text", _l("Nội dung"), TextWidget(required=True), required=True,
                  aliases=("nội dung tiêu chí", "câu hỏi"), width=70)
    previous_number = Column("previous_number", _l("Số năm trước"), IntWidget(),
                             aliases=("số tương ứng năm trước", "tương ứng năm trước", "stt năm trước"), width=12,
                             guide=_l("Số thứ tự của tiêu chí tương ứng trong bộ câu hỏi năm trước; để trống với tiêu chí "
                                      "mới hoặc khi bộ câu hỏi không có phiên bản năm trước."))
    previous_text = Column("previous__text", _l("Nội dung năm trước"), TextWidget(), readonly=True, width=50)

    class Meta(ScorecardResource.Meta):
        model = SipasIndicator
        fields = ("section_code", "section_name", "section_order", "group_code", "group_name", "group_order", "number",
                  "text", "previous_number", "previous_text")
        export_order = fields

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.sections: dict[str, SipasSection] = {}
        self.groups: dict[str, SipasGroup] = {}
        self.previous_indicators: dict[int, SipasIndicator] = {}
        self.previous_questionnaire = None
        self.wanted_sections: dict[str, dict] = {}
        self.wanted_groups: dict[str, dict] = {}

    # ---- reading -----------------------------------------------------------------
    def get_queryset(self):
        return (SipasIndicator.objects.filter(questionnaire=self.scope).select_related("group__section", "previous")
                .order_by("number", "pk"))

    def natural_key(self, instance):
        return (str(instance.number),)

    def row_key(self, row):
        text = cells.clean_text(row.get(self.fields["number"].column_name))
        try:
            return (str(cells.parse_int(text)),) if text else ("",)
        except cells.CellError:
            return (text,)

    def dehydrate_section_code(self, obj):
        return obj.group.section.code

    def dehydrate_section_name(self, obj):
        return obj.group.section.name

    def dehydrate_section_order(self, obj):
        return obj.group.section.order

    def dehydrate_group_code(self, obj):
        return obj.group.code

    def dehydrate_group_name(self, obj):
        return obj.group.name

    def dehydrate_group_order(self, obj):
        return obj.group.order

    def dehydrate_previous_number(self, obj):
        return obj.previous.number if obj.previous_id else None

    def before_import(self, dataset, **kwargs):
        if self.scope is None:
            raise FileErrors([RowError(_("Chọn bộ câu hỏi SIPAS để nhập vào."))])
        self.sections = {s.code: s for s in SipasSection.objects.filter(questionnaire=self.scope)}
        for section in self.sections.values():
            section.questionnaire = self.scope  # SipasIndicator.clean reads it: no query per row
        self.groups = {g.code: g for g in SipasGroup.objects.filter(questionnaire=self.scope)}
        for group in self.groups.values():
            group.section = next(s for s in self.sections.values() if s.pk == group.section_id)
        self.previous_questionnaire = self.scope.previous if self.scope.previous_id else None
        if self.previous_questionnaire is not None:
            self.previous_indicators = {i.number: i for i in
                                        SipasIndicator.objects.filter(questionnaire=self.previous_questionnaire)}
        super().before_import(dataset, **kwargs)

    def prepare_existing(self, instance):
        group = self.groups.get(instance.group.code, instance.group)
        instance.group = group
        instance.section_code, instance.section_name, instance.section_order = (
            group.section.code, group.section.name, group.section.order)
        instance.group_code, instance.group_name, instance.group_order = group.code, group.name, group.order
        instance.previous_number = instance.previous.number if instance.previous_id else None

    def new_instance(self, row):
        return SipasIndicator()

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.section_code = instance.section_name = instance.group_code = instance.group_name = ""
            instance.section_order = instance.group_order = instance.previous_number = None
        super().after_init_instance(instance, new, row, **kwargs)

    def import_instance(self, instance, row, **kwargs):
        """The file's values; a blank name or order stands for the stored section's or group's
        (so the row is unchanged when only those are blank). What was typed is kept apart:
        check_file compares rows by what they say, not by what was filled in."""
        try:
            super().import_instance(instance, row, **kwargs)
        finally:
            instance.typed = {name: getattr(instance, name, None) if self.has_column(self._field_of(name)) else None
                              for name in ("section_name", "section_order", "group_name", "group_order")}
            section = self.sections.get(instance.section_code)
            if section is not None:
                instance.section_name = instance.section_name or section.name
                instance.section_order = section.order if instance.section_order is None else instance.section_order
            group = self.groups.get(instance.group_code)
            if group is not None:
                instance.group_name = instance.group_name or group.name
                instance.group_order = group.order if instance.group_order is None else instance.group_order

    def _field_of(self, attribute: str) -> str:
        return next(name for name, column in self.fields.items() if column.attribute == attribute)

    # ---- checking ----------------------------------------------------------------
    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Each row on its own: lengths, numbers, the previous version's indicator. (The
        model's clean() needs the group, resolved when written; its rule is checked here.)"""
        errors = dict(import_validation_errors or {})

        def limit(attribute, model, field):
            value = getattr(instance, attribute, "") or ""
            size = model._meta.get_field(field).max_length
            if attribute not in errors and len(value) > size:
                errors[attribute] = [_("dài %(n)s ký tự, tối đa %(max)s.") % {"n": len(value), "max": size}]

        limit("section_code", SipasSection, "code")
        limit("section_name", SipasSection, "name")
        limit("group_code", SipasGroup, "code")
        limit("group_name", SipasGroup, "name")
        for attribute in ("section_order", "group_order"):
            value = getattr(instance, attribute, None)
            if attribute not in errors and value is not None and value < 0:
                errors[attribute] = [_("thứ tự không được âm.")]
        if "number" not in errors and instance.number is not None and instance.number < 1:
            errors["number"] = [_("số thứ tự phải từ 1 trở lên.")]
        number = instance.previous_number
        if "previous_number" not in errors and number is not None:
            if self.previous_questionnaire is None:
                errors["previous_number"] = [_("bộ câu hỏi “%(q)s” chưa có phiên bản năm trước: để trống cột “%(column)s” "
                                               "hoặc chọn phiên bản năm trước cho bộ câu hỏi.") % {
                    "q": self.scope.name, "column": self.fields["previous_number"].column_name}]
            elif number not in self.previous_indicators:
                errors["previous_number"] = [_("không có tiêu chí số %(number)s trong bộ câu hỏi năm trước “%(q)s”.") % {
                    "number": number, "q": self.previous_questionnaire.name}]
        try:
            instance.clean_fields(exclude=list(errors) + ["group", "previous", "questionnaire"])
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    def check_file(self, result):
        """What the rows say of each section and group agrees, and new ones are named."""
        rows = [(self.row_number(r.number), r.instance) for r in result.rows if getattr(r, "instance", None) is not None]
        errors: list[RowError] = []
        self.wanted_sections = self._wanted(rows, "section_code", self.sections, {
            "name": "section_name", "order": "section_order"}, errors, _("phần"))
        for _line, instance in rows:
            instance.typed["group_section"] = instance.section_code
        self.wanted_groups = self._wanted(rows, "group_code", self.groups, {
            "section": "group_section", "name": "group_name", "order": "group_order"}, errors, _("nhóm"))
        return errors

    def _wanted(self, rows, code_attr, stored, values, errors, what) -> dict[str, dict]:
        """{code: {field: value}} for each section (or group) the file names: what its rows
        say, else what is stored; an error where two rows disagree or a new one has no name."""
        wanted: dict[str, dict] = {}
        said: dict[tuple[str, str], tuple[object, int]] = {}
        first_line: dict[str, int] = {}
        reported: set[tuple] = set()
        for line, instance in rows:
            code = getattr(instance, code_attr)
            first_line.setdefault(code, line)
            entry = wanted.setdefault(code, {})
            for field, attribute in values.items():
                value = instance.typed.get(attribute)
                if value in (None, ""):
                    continue
                earlier = said.setdefault((code, field), (value, line))
                if earlier[0] == value:
                    entry[field] = value
                elif (code, field, value) not in reported:
                    reported.add((code, field, value))  # once per value said otherwise, not once per row
                    column = self.fields[self._field_of("section_code" if attribute == "group_section" else attribute)]
                    errors.append(RowError(_("%(what)s “%(code)s”: dòng %(row)s ghi “%(other)s”, dòng này ghi “%(value)s”; "
                                             "các dòng của cùng %(what)s phải ghi giống nhau.") % {
                        "what": what, "code": code, "row": earlier[1], "other": earlier[0], "value": value},
                        line, column.label))
        for code, entry in wanted.items():
            current = stored.get(code)
            if current is None and not entry.get("name"):
                column = self.fields[self._field_of(values["name"])]
                errors.append(RowError(_("%(what)s “%(code)s” là %(what)s mới: ghi tên ở ít nhất một dòng.") % {
                    "what": what, "code": code}, first_line[code], column.label))
        return wanted

    def scope_refusal(self):
        """A questionnaire surveyed in a published or closed period is final."""
        from scorecards.services.records import frozen_refusal

        period = (EvaluationPeriod.objects.filter(sipas_questionnaire=self.scope, status__in=FROZEN_STATUSES)
                  .order_by("-year").first())
        if period is None:
            return frozen_refusal(self.scope)
        return _("Bộ câu hỏi “%(q)s” được dùng cho kỳ đánh giá năm %(year)s đã công bố hoặc đã đóng: không sửa được. "
                 "Tạo phiên bản mới cho năm sau (sao chép bộ câu hỏi) rồi nhập vào phiên bản đó.") % {
            "q": self.scope.name, "year": period.year} + " " + period.frozen_message()

    def audit_data(self):
        return {"questionnaire": self.scope.code}

    # ---- writing -----------------------------------------------------------------
    def write(self, pending):
        from scorecards.services.records import save_record

        sections = dict(self.sections)
        next_order = max((s.order for s in sections.values()), default=-1) + 1
        for code, entry in self.wanted_sections.items():
            section = sections.get(code)
            if section is None:
                section = SipasSection(questionnaire=self.scope, code=code, order=next_order)
                next_order += 1
            changed = section.pk is None
            for field in ("name", "order"):
                if field in entry and getattr(section, field) != entry[field]:
                    setattr(section, field, entry[field])
                    changed = True
            if changed:
                save_record(section, actor=self.actor)
            sections[code] = section

        groups = dict(self.groups)
        next_order = max((g.order for g in groups.values()), default=-1) + 1
        for code, entry in self.wanted_groups.items():
            group = groups.get(code)
            if group is None:
                group = SipasGroup(code=code, order=next_order)
                next_order += 1
            changed = group.pk is None
            section = sections[entry["section"]] if entry.get("section") else group.section
            if group.section_id != section.pk:
                group.section = section
                changed = True
            for field in ("name", "order"):
                if field in entry and getattr(group, field) != entry[field]:
                    setattr(group, field, entry[field])
                    changed = True
            if changed:
                save_record(group, actor=self.actor)
            groups[code] = group

        for instance, m2m in pending:
            instance.group = groups[instance.group_code]
            number = instance.previous_number
            instance.previous = self.previous_indicators[number] if number is not None else None
            save_record(instance, actor=self.actor, m2m=m2m)
