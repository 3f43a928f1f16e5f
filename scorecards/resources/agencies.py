"""Agencies (cơ quan, đơn vị) and provinces, keyed by their codes, with their lives.

An agency records when it started and ended and which agency took over its work
(Sở Kế hoạch và Đầu tư → Sở Tài chính from 1/3/2025); a province when it was valid and
which provinces it was formed from (Ninh Bình 2025 ← Ninh Bình, Hà Nam, Nam Định). The
agency or province named may be in the same file: codes are resolved against the file
and the database together, and the ones named are saved first.
"""
from django.core.exceptions import ValidationError
from django.core.validators import validate_slug
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l

from scorecards.choices import AuditAction
from scorecards.models import Agency, Province

from . import cells
from .base import Column, ScorecardResource
from .preview import RowError
from .widgets import BoolWidget, ChoiceWidget, CodeListWidget, CodeWidget, DateWidget, IntWidget, TextWidget, join_codes


class SlugCodeWidget(TextWidget):
    """A code: letters without accents, digits, "-" and "_"."""

    def __init__(self, required: bool = True):
        super().__init__(required=required)

    def clean(self, value, row=None, **kwargs):
        code = super().clean(value, row, **kwargs)
        if not code:
            return code
        try:
            validate_slug(code)
        except ValidationError:
            raise ValueError(_("mã “%(code)s” chỉ được gồm chữ không dấu, số, gạch ngang và gạch dưới.") % {"code": code}) from None
        return code


def _references(resource, result, attribute: str) -> dict[str, list[str]]:
    """{code: codes it names} as it will be after the import (database merged with the file)."""
    names = {code: cells.split_codes(getattr(obj, attribute, "")) for (code,), obj in resource.existing.items()}
    for row in result.rows:
        instance = getattr(row, "instance", None)
        if instance is not None:
            names[instance.code] = cells.split_codes(getattr(instance, attribute, ""))
    return names


def _reference_errors(resource, result, attribute: str, header: str, unknown: str, itself: str, loop: str) -> list[RowError]:
    """Codes named in `attribute` that are neither in the file nor in the database, a row
    that names itself, and chains that come back to where they started."""
    names = _references(resource, result, attribute)
    errors = []
    for row in result.rows:
        instance = getattr(row, "instance", None)
        if instance is None:
            continue
        line = resource.row_number(row.number)
        named = cells.split_codes(getattr(instance, attribute, ""))
        missing = [c for c in named if c not in names]
        if missing:
            errors.append(RowError(unknown % {"code": ", ".join(missing)}, line, header))
        elif instance.code in named:
            errors.append(RowError(itself % {"code": instance.code}, line, header))
        else:
            stack, seen = list(named), set()
            while stack:
                code = stack.pop()
                if code == instance.code:
                    errors.append(RowError(loop % {"code": instance.code}, line, header))
                    break
                if code not in seen:
                    seen.add(code)
                    stack.extend(names.get(code, []))
    return errors


def _dependency_order(pending, attribute: str):
    """The pending rows with every row named by another pending row before it (the file
    was checked for loops)."""
    by_code = {instance.code: (instance, m2m) for instance, m2m in pending}
    done, ordered = set(), []

    def visit(code, trail=()):
        if code in done or code not in by_code or code in trail:
            return
        for named in cells.split_codes(getattr(by_code[code][0], attribute, "")):
            visit(named, trail + (code,))
        done.add(code)
        ordered.append(by_code[code])

    for instance, _m2m in pending:
        visit(instance.code)
    return ordered


class AgencyResource(ScorecardResource):
    slug = "agencies"
    label = _l("Cơ quan, đơn vị")
    sheet_title = _l("Cơ quan")
    audit_action = AuditAction.AGENCIES_IMPORTED

    code = Column("code", _l("Mã đơn vị"), SlugCodeWidget(), key=True, aliases=("mã", "ma co quan"))
    name = Column("name", _l("Tên"), TextWidget(required=True), required=True, aliases=("tên đơn vị", "tên cơ quan"), width=45)
    short_name = Column("short_name", _l("Tên viết tắt"), TextWidget(), width=20)
    kind = Column("kind", _l("Loại"), ChoiceWidget(Agency.Kind.choices, default=Agency.Kind.DEPARTMENT), width=22)
    province = Column("province", _l("Mã tỉnh"), CodeWidget(Province, "code", message=_l("không có tỉnh mã “%(code)s”."),
                                                            required=False))
    is_active = Column("is_active", _l("Đang hoạt động"), BoolWidget(default=True))
    order = Column("order", _l("Thứ tự"), IntWidget(default=0))
    started_on = Column("started_on", _l("Hoạt động từ ngày"), DateWidget(), aliases=("ngày bắt đầu", "từ ngày"))
    ended_on = Column("ended_on", _l("Kết thúc hoạt động ngày"), DateWidget(),
                      aliases=("ngày kết thúc", "đến ngày", "kết thúc ngày"))
    successor = Column("successor_code", _l("Mã đơn vị tiếp nhận nhiệm vụ"), SlugCodeWidget(required=False),
                       aliases=("đơn vị tiếp nhận", "đơn vị tiếp nhận nhiệm vụ", "mã đơn vị tiếp nhận"), width=22,
                       guide=_l("Mã của đơn vị nhận lại nhiệm vụ khi đơn vị này kết thúc (có thể là đơn vị mới trong "
                                "cùng tệp); ghi kèm ngày kết thúc hoạt động. Để trống nếu không có."))

    class Meta(ScorecardResource.Meta):
        model = Agency
        fields = ("code", "name", "short_name", "kind", "province", "is_active", "order", "started_on", "ended_on",
                  "successor")
        export_order = fields

    def get_queryset(self):
        return Agency.objects.select_related("province", "successor").order_by("order", "code")

    def dehydrate_successor(self, obj):
        return obj.successor.code if obj.successor_id else ""

    def prepare_existing(self, instance):
        instance.successor_code = instance.successor.code if instance.successor_id else ""

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.successor_code = ""
        super().after_init_instance(instance, new, row, **kwargs)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if instance.successor_code and not instance.ended_on and not {"ended_on", "successor_code"} & set(errors):
            errors["ended_on"] = [_("ghi ngày kết thúc hoạt động khi có đơn vị tiếp nhận nhiệm vụ.")]
        # The successor is the file's code, resolved when written (it may be a new agency of
        # the same file): the model's rules about it are checked above and in check_file.
        instance.successor = None
        super().validate_instance(instance, errors, validate_unique)

    def check_file(self, result):
        return _reference_errors(
            self, result, "successor_code", self.fields["successor"].column_name,
            unknown=_("không có đơn vị mã “%(code)s” trong tệp hay trong danh sách đơn vị."),
            itself=_("đơn vị “%(code)s” không thể tiếp nhận nhiệm vụ của chính nó."),
            loop=_("chuỗi đơn vị tiếp nhận nhiệm vụ quay lại “%(code)s”."))

    def write(self, pending):
        from scorecards.services.records import save_record

        saved = {code: obj for (code,), obj in self.existing.items()}
        for instance, m2m in _dependency_order(pending, "successor_code"):
            instance.successor = saved[instance.successor_code] if instance.successor_code else None
            save_record(instance, actor=self.actor, m2m=m2m)
            saved[instance.code] = instance


class ProvinceResource(ScorecardResource):
    slug = "provinces"
    label = _l("Tỉnh, thành phố")
    sheet_title = _l("Tỉnh")
    audit_action = AuditAction.PROVINCES_IMPORTED

    code = Column("code", _l("Mã tỉnh"), SlugCodeWidget(), key=True, aliases=("mã",))
    name = Column("name", _l("Tên tỉnh"), TextWidget(required=True), required=True, aliases=("tên",), width=30)
    valid_from = Column("valid_from", _l("Hiệu lực từ ngày"), DateWidget(), aliases=("từ ngày",))
    valid_to = Column("valid_to", _l("Hiệu lực đến ngày"), DateWidget(), aliases=("đến ngày",))
    predecessors = Column("predecessor_codes", _l("Mã các tỉnh trước sáp nhập"), CodeListWidget(),
                          aliases=("hình thành từ các tỉnh", "tỉnh trước sáp nhập", "mã tỉnh cũ"), width=36,
                          guide=_l("Với tỉnh hình thành do sáp nhập: mã các tỉnh cũ (có thể ở trong cùng tệp), cách nhau "
                                   "bởi dấu chấm phẩy, ví dụ ninh-binh-cu; ha-nam; nam-dinh. Để trống nếu không có."))

    class Meta(ScorecardResource.Meta):
        model = Province
        fields = ("code", "name", "valid_from", "valid_to", "predecessors")
        export_order = fields

    def get_queryset(self):
        return Province.objects.prefetch_related("predecessors").order_by("code")

    def dehydrate_predecessors(self, obj):
        return join_codes(p.code for p in obj.predecessors.all())

    def prepare_existing(self, instance):
        instance.predecessor_codes = join_codes(p.code for p in instance.predecessors.all())

    def after_init_instance(self, instance, new, row, **kwargs):
        if new:
            instance.predecessor_codes = ""
        super().after_init_instance(instance, new, row, **kwargs)

    def check_file(self, result):
        return _reference_errors(
            self, result, "predecessor_codes", self.fields["predecessors"].column_name,
            unknown=_("không có tỉnh mã “%(code)s” trong tệp hay trong danh sách tỉnh."),
            itself=_("tỉnh “%(code)s” không thể hình thành từ chính nó."),
            loop=_("các tỉnh trước sáp nhập quay lại “%(code)s”."))

    def write(self, pending):
        from scorecards.services.records import save_record

        saved = {code: obj for (code,), obj in self.existing.items()}
        present = self.has_column("predecessors")
        for instance, m2m in _dependency_order(pending, "predecessor_codes"):
            if present:
                m2m = {**m2m, "predecessors": [saved[c] for c in cells.split_codes(instance.predecessor_codes)]}
            save_record(instance, actor=self.actor, m2m=m2m)
            saved[instance.code] = instance
