"""FilterSets of the workspace list and the audit log (django-filter)."""
import django_filters
from django import forms
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from scorecards.choices import OPEN_STATUSES, SCORE_EDITABLE_STATES, AuditAction
from scorecards.db import vi_ordering
from scorecards.models import Agency, AuditEvent, Criterion, EvaluationPeriod, PeriodStatus, Score, ScoreState, User
from scorecards.permissions import can_manage, sees_everything
from scorecards.text import code_sort_key, fold


def needs_action_q(user) -> Q:
    """Scores waiting for this user: Sở Nội vụ reviews submissions; an agency writes its
    drafts and returned scores, and explanations of criteria that lost points."""
    if can_manage(user):
        return Q(state=ScoreState.SUBMITTED)
    if not user.agency_id:
        return Q(pk__in=[])
    leads = Q(responsible_agency_id=user.agency_id)
    writing = Q(period__status=PeriodStatus.SELF_ASSESSMENT, state__in=SCORE_EDITABLE_STATES)
    explaining = Q(period__status=PeriodStatus.EXPLANATION, appraised_points__lt=F("criterion__max_points"),
                   appeal_explanation="")
    return leads & (writing | explaining)


def field_choices() -> list[tuple[str, str]]:
    """The fields (top criteria) of the frameworks of open periods, in code order."""
    fields = Criterion.objects.filter(parent__isnull=True, framework__periods__status__in=OPEN_STATUSES)
    codes = sorted({(c.code, c.name) for c in fields.only("code", "name")}, key=lambda cn: code_sort_key(cn[0]))
    return [(code, f"{code}. {name}") for code, name in codes]


class WorkspaceFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Tìm (không cần dấu)"), method="filter_q",
                                  widget=forms.TextInput(attrs={"placeholder": _("mã hoặc tên tiêu chí"), "type": "search"}))
    period = django_filters.ModelChoiceFilter(label=_("Kỳ đánh giá"), queryset=EvaluationPeriod.objects.none(),
                                              empty_label=_("Tất cả kỳ đang mở"))
    field = django_filters.ChoiceFilter(label=_("Lĩnh vực"), method="filter_field", empty_label=_("Tất cả lĩnh vực"))
    state = django_filters.ChoiceFilter(label=_("Trạng thái"), choices=ScoreState.choices, empty_label=_("Mọi trạng thái"))
    agency = django_filters.ModelChoiceFilter(label=_("Đơn vị chủ trì"), queryset=Agency.objects.none(), method="filter_agency",
                                              empty_label=_("Mọi đơn vị"))
    needs_action = django_filters.BooleanFilter(label=_("Cần tôi xử lý"), method="filter_needs_action",
                                                widget=forms.CheckboxInput)

    class Meta:
        model = Score
        fields = []

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.filters["period"].queryset = (EvaluationPeriod.objects.outside_rounds().filter(status__in=OPEN_STATUSES)
                                           .select_related("subject"))
        # A callable: read when the form is shown or a field is picked, not for every filtering
        # (the criterion page rebuilds its list's filters to find the previous and next).
        self.filters["field"].extra["choices"] = field_choices
        if user is not None and sees_everything(user):
            self.filters["agency"].queryset = Agency.objects.filter(
                lead_assignments__period__status__in=OPEN_STATUSES).distinct().order_by(*vi_ordering("order", "name"))
        else:
            # Agency staff see their own agency's list only: the filter would say nothing.
            del self.filters["agency"]

    def filter_q(self, queryset, name, value):
        return queryset.filter(criterion__search_text__contains=fold(value)) if value else queryset

    def filter_field(self, queryset, name, value):
        return queryset.filter(criterion__sort_key__startswith=code_sort_key(value) + ".") if value else queryset

    def filter_agency(self, queryset, name, value):
        return queryset.filter(responsible_agency=value) if value else queryset

    def filter_needs_action(self, queryset, name, value):
        return queryset.filter(needs_action_q(self.user)) if value else queryset



# A day typed day first, as everywhere in the app (config/formats): a browser's date picker
# shows the browser's own order (mm/dd/yyyy in an English browser).
DAY_FIRST = {"placeholder": "dd/mm/yyyy", "autocomplete": "off", "size": 10}


class AuditFilter(django_filters.FilterSet):
    action = django_filters.ChoiceFilter(label=_("Hành động"), choices=AuditAction.choices, empty_label=_("Mọi hành động"))
    period = django_filters.ModelChoiceFilter(label=_("Kỳ đánh giá"), queryset=EvaluationPeriod.objects.select_related("subject"),
                                              empty_label=_("Mọi kỳ đánh giá"))
    agency = django_filters.ModelChoiceFilter(label=_("Đơn vị"), queryset=Agency.objects.filter(kind__in=[
        Agency.Kind.DEPARTMENT, Agency.Kind.DISTRICT, Agency.Kind.OFFICE, Agency.Kind.COMMUNE, Agency.Kind.CENTRAL,
        Agency.Kind.SERVICE_UNIT]).order_by(*vi_ordering("order", "name")), empty_label=_("Mọi đơn vị"))
    actor = django_filters.ModelChoiceFilter(label=_("Người thực hiện"), queryset=User.objects.order_by("username"),
                                             empty_label=_("Mọi người"))
    code = django_filters.CharFilter(label=_("Mã tiêu chí"), field_name="score__criterion__code")
    after = django_filters.DateFilter(label=_("Từ ngày"), field_name="created_at", lookup_expr="date__gte",
                                      widget=forms.DateInput(format="%d/%m/%Y", attrs=DAY_FIRST))
    before = django_filters.DateFilter(label=_("Đến ngày"), field_name="created_at", lookup_expr="date__lte",
                                       widget=forms.DateInput(format="%d/%m/%Y", attrs=DAY_FIRST))

    class Meta:
        model = AuditEvent
        fields = ["action", "period", "agency", "actor", "code", "after", "before"]
