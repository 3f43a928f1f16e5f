"""Tables of the workspace, the review queue and the audit log (django-tables2).

Each column reads only what the view's queryset already selected or annotated, so a
page costs the same number of queries whatever its length.
"""
import django_tables2 as tables
from django.core.paginator import Paginator
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from scorecards.choices import SCORE_EDITABLE_STATES
from scorecards.db import vi_collate
from scorecards.formatting import fmt_points
from scorecards.models import AuditEvent, PeriodStatus, Score
from scorecards.services.queue import link_from

DATETIME = "%H:%M %d/%m/%Y"


def state_badge(score) -> str:
    return format_html('<span class="badge state-{}">{}</span>', score.state, score.get_state_display())


def deadline_of(score):
    """The deadline that matters for the score now: explanation round or self-assessment."""
    period = score.period
    if period.status == PeriodStatus.EXPLANATION:
        return period.explanation_deadline
    return period.self_assessment_deadline


def cell(label, css: str = "") -> dict:
    """Column attrs: a CSS class, and the label repeated on each cell for the phone layout
    (table.cards-sm shows each row as a card, labels before values)."""
    return {"td": {"data-label": label, "class": css}, "th": {"class": css}}


class PointsColumn(tables.Column):
    def __init__(self, verbose_name, *args, **kwargs):
        kwargs.setdefault("attrs", cell(verbose_name, "num"))
        super().__init__(verbose_name, *args, **kwargs)

    def render(self, value):
        return fmt_points(value)


def criterion_page(table, score_id: int) -> str:
    """The criterion page, told which list it was opened from (filters and sort kept), so that
    it leads back there and to the list's previous and next criterion."""
    request = getattr(table, "request", None)
    if request is None:
        return reverse("scorecards:score", args=[score_id])
    return link_from(request.get_full_path(), score_id)


def score_link(record, table) -> str:
    return criterion_page(table, record.pk)


def appraisal_cell_class(**kwargs) -> str:
    """ "blank-sm" (hidden on a phone card) while the score has no appraisal. django-tables2
    passes the record only with a cell value, and the value it passes is the shown one ("—")."""
    record = kwargs.get("record")
    return "num" if record is not None and record.final_points is not None else "num blank-sm"


def vi_order(queryset, field: str, descending: bool):
    """`queryset` by `field` in Vietnamese order, ties by primary key, either way."""
    key = vi_collate(field)
    return queryset.order_by(key.desc() if descending else key.asc(), "-pk" if descending else "pk")


PER_PAGE_MOST = 200


class PageSizeTable(tables.Table):
    """A table whose ?per_page= is kept between 1 and PER_PAGE_MOST rows: a negative or
    zero size used to be a 500 (django-tables2 passes it to the paginator as typed)."""

    def paginate(self, paginator_class=Paginator, per_page=None, page=1, *args, **kwargs):
        if per_page is not None:
            per_page = min(max(int(per_page), 1), PER_PAGE_MOST)
        return super().paginate(paginator_class, per_page, page, *args, **kwargs)


class ScoreTable(PageSizeTable):
    """Criteria assigned to an agency (or, for Sở Nội vụ, to every agency) in open periods."""

    # Every ordering ends with the primary key: rows that tie keep one order, so the
    # criterion page's previous and next (services.queue) follow the list exactly.
    year = tables.Column(_("Năm"), accessor="period__year", order_by=("period__year", "criterion__sort_key", "pk"),
                         attrs=cell(_("Năm"), "year"))
    code = tables.Column(_("Mã"), accessor="criterion__code", order_by=("criterion__sort_key", "period__year", "pk"),
                         linkify=score_link, attrs=cell("", "code"))
    name = tables.Column(_("Tiêu chí"), accessor="criterion__name", linkify=score_link, attrs=cell("", "name"))
    agency = tables.Column(_("Đơn vị chủ trì"), accessor="lead_agency_label", attrs=cell(_("Chủ trì")))
    max_points = PointsColumn(_("Tối đa"), accessor="criterion__max_points", order_by=("criterion__max_points", "pk"))
    self_points = PointsColumn(_("Tự chấm"), order_by=("self_points", "pk"))
    # On a phone card the appraisal shows only once there is one; the state has its own label
    # ("Thẩm định: Bị trả lại" read as if the appraisal had returned the criterion).
    final_points = PointsColumn(_("Thẩm định"), orderable=False, attrs={
        "td": {"data-label": _("Điểm thẩm định"), "class": appraisal_cell_class},
        "th": {"class": "num"}})
    state = tables.Column(_("Trạng thái"), order_by=("state", "pk"), attrs=cell(_("Trạng thái")))
    evidence_count = tables.Column(_("TLKC"), order_by=("evidence_count", "pk"), attrs=cell(_("TLKC"), "num"))
    deadline = tables.Column(_("Hạn"), empty_values=(), orderable=False, attrs=cell(_("Hạn")))
    updated_at = tables.DateTimeColumn(verbose_name=_("Cập nhật"), format="H:i d/m/Y", order_by=("updated_at", "pk"),
                                       attrs=cell(_("Cập nhật"), "hide-sm"))

    class Meta:
        model = Score
        fields = ()
        sequence = ("year", "code", "name", "agency", "max_points", "self_points", "final_points", "state", "evidence_count",
                    "deadline", "updated_at")
        order_by = ("code",)
        attrs = {"class": "table scores cards-sm"}
        empty_text = _("Không có tiêu chí nào.")
        row_attrs = {"data-state": lambda record: record.state}

    def render_state(self, record):
        return state_badge(record)

    def order_agency(self, queryset, is_descending):
        """Vietnamese order of the lead agency's label (Đ after D, Ủ with U), on every database."""
        return vi_order(queryset, "lead_agency_label", is_descending), True

    def order_name(self, queryset, is_descending):
        return vi_order(queryset, "criterion__name", is_descending), True

    def render_deadline(self, record):
        deadline = deadline_of(record)
        if deadline is None:
            return "—"
        text = timezone.localtime(deadline).strftime(DATETIME)
        if deadline < timezone.now() and record.state in SCORE_EDITABLE_STATES:
            return format_html('<span class="overdue">{}</span>', text)
        return text


class AuditTable(PageSizeTable):
    """The filterable log of workflow steps and changes, for Sở Nội vụ."""

    created_at = tables.DateTimeColumn(verbose_name=_("Thời điểm"), format="H:i d/m/Y", attrs=cell("", "nowrap"))
    action = tables.Column(_("Hành động"), attrs=cell(""))
    actor = tables.Column(_("Người thực hiện"), empty_values=(), order_by=("actor__username",), attrs=cell(""))
    agency = tables.Column(_("Đơn vị"), accessor="agency__label", order_by=("agency__name",), attrs=cell(_("Đơn vị")))
    code = tables.Column(_("Tiêu chí"), accessor="score__criterion__code", order_by=("score__criterion__sort_key",),
                         attrs=cell(_("Tiêu chí")),
                         linkify=lambda record, table: event_score_link(record, table))
    details = tables.Column(_("Nội dung"), empty_values=(), orderable=False, attrs=cell("", "details"))

    class Meta:
        model = AuditEvent
        fields = ()
        sequence = ("created_at", "action", "actor", "agency", "code", "details")
        order_by = ("-created_at",)
        attrs = {"class": "table log cards-sm"}
        empty_text = _("Chưa có sự kiện nào.")

    def render_action(self, record):
        return record.get_action_display()

    def render_actor(self, record):
        return record.actor_label

    def render_details(self, record):
        return describe_event(record)


def event_score_link(event, table) -> str | None:
    return criterion_page(table, event.score_id) if event.score_id else None


def describe_event(event) -> str:
    """Old → new values and the comment of an event, as short HTML."""
    data = event.data or {}
    if data.get("model"):
        return _describe_record(data)
    parts = []
    for field, (old, new) in (data.get("changes") or {}).items():
        label = FIELD_LABELS.get(field, field)
        parts.append((label, _show(old), _show(new)))
    html = format_html_join("", '<div><b>{}</b>: {} → {}</div>', parts)
    if data.get("state"):
        old, new = data["state"]
        html += format_html("<div>{} → {}</div>", STATE_LABELS.get(old, old), STATE_LABELS.get(new, new))
    if data.get("name"):
        html += format_html("<div>{}: {}</div>", _("Tệp"), data["name"])
    if data.get("file"):
        html += format_html("<div>{}: {}</div>", pgettext("audit", "Nhập từ tệp") if data.get("source") == "import" or "new" in data else _("Tệp"),
                            data["file"])
    if "new" in data and "changed" in data:
        html += format_html("<div>{}</div>", _("%(new)s dòng mới, %(changed)s dòng thay đổi") % {
            "new": data["new"], "changed": data["changed"]})
    if data.get("comment"):
        html += format_html('<div class="comment">{}: {}</div>', _("Ý kiến"), data["comment"])
    if data.get("reason"):
        html += format_html("<div>{}: {}</div>", _("Lý do"), data["reason"])
    return html


def _describe_record(data) -> str:
    """A record.* event: which row, and each field by its label, old → new (raw values)."""
    from django.apps import apps

    try:
        model = apps.get_model(data["model"])
    except (LookupError, ValueError):
        model = None

    def label(name):
        try:
            return str(model._meta.get_field(name).verbose_name) if model else name
        except Exception:
            return name

    def raw(value):
        if value in (None, "", []):
            return "—"
        text = ", ".join(map(str, value)) if isinstance(value, list) else str(value)
        return text if len(text) <= 120 else text[:117] + "…"

    html = format_html("<div><b>{}</b> {}</div>", model._meta.verbose_name.capitalize() if model else data["model"],
                       data.get("object", ""))
    for name, (old, new) in (data.get("changes") or {}).items():
        html += format_html("<div>{}: {} → {}</div>", label(name), raw(old), raw(new))
    return html


def _show(value):
    if value is None or value == "":
        return "—"  # not "∅": a reader of the history should not need set notation
    text = str(value)
    try:
        from decimal import Decimal

        return fmt_points(Decimal(text))
    except Exception:
        return text if len(text) <= 120 else text[:117] + "…"


FIELD_LABELS = {name: Score._meta.get_field(name).verbose_name for name in (
    "self_points", "explanation", "appraised_points", "appraised_points_round2", "appraisal_reason", "appeal_explanation")}
STATE_LABELS = dict(Score._meta.get_field("state").choices)
