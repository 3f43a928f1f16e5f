"""The lists a criterion page is opened from, and how a reader moves through them.

Two lists of scores share one FilterSet and one Table: the workspace (/tieu-chi/: an
agency's assigned criteria, every agency's for Sở Nội vụ and leaders) and Sở Nội vụ's
review queue (/duyet/: what agencies submitted, oldest first, the other states one tab
away). This module holds their rules, so the list page, the criterion page and the home
pages agree:

- which scores each list holds (`list_queryset`, the queue's order: first come, first
  reviewed) and its defaults (the queue shows "Đã gửi" until the reader picks a state);
- the counts per state for the reader's filters other than the state (one grouped query);
- where a criterion page was opened from (`?from=`, checked to be one of our own list
  pages before it is used), the way back with the filters kept, and the previous and next
  score of that filtered, sorted list (one query for the ordered ids, however long);
- how many scores wait for the reader (the queue for Sở Nội vụ; returned scores to fix
  and the latest review decisions for an agency).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from django.db.models import Count, F, IntegerField, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.http import QueryDict
from django.urls import Resolver404, resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from scorecards.choices import OPEN_STATUSES, AuditAction, ScoreState
from scorecards.models import AuditEvent, EvidenceDocument, Score, ScoringSource
from scorecards.permissions import can_manage, is_agency_staff, sees_everything

# The state tabs of a list, in the order a reviewer works: what waits first.
STATE_TABS = (ScoreState.SUBMITTED, ScoreState.RETURNED, ScoreState.ACCEPTED, ScoreState.DRAFT)
# The query parameter naming the list a criterion page was opened from.
FROM_PARAM = "from"
# Parameters of a list that are not filters: a state tab keeps the sort, starts on page 1.
NOT_FILTERS = ("sort", "page", "per_page")
# How many recent review decisions an agency's workspace lists.
RECENT_DECISIONS = 5


def annotate_list(queryset):
    """What the list's columns need, in the one query of the page.

    The responsible agency is on the score row (a join); the evidence count is a subquery
    (not a join), so that it neither multiplies rows nor costs a query per row.
    """
    evidence = (EvidenceDocument.objects.filter(score_id=OuterRef("pk")).order_by()
                .values("score_id").annotate(n=Count("pk")).values("n"))
    return queryset.select_related("criterion", "period", "updated_by", "responsible_agency").annotate(
        lead_agency_label=Coalesce(NullIf("responsible_agency__short_name", Value("")), "responsible_agency__name"),
        evidence_count=Coalesce(Subquery(evidence, output_field=IntegerField()), Value(0)),
    )


def visible_scores(user):
    """Self-assessed criteria of open periods the user may see (Score.objects.for_user)."""
    return (Score.objects.for_user(user)
            .filter(period__status__in=OPEN_STATUSES, criterion__scoring_source__in=ScoringSource.self_assessed()))


def list_queryset(user):
    """The rows of a list page, with what its columns show."""
    return annotate_list(visible_scores(user))


def queue_queryset(user):
    """The review queue: first submitted, first reviewed; never submitted last (on every database)."""
    return list_queryset(user).order_by(F("submitted_at").asc(nulls_last=True), "pk")


@dataclass(frozen=True)
class ScoreList:
    """A list page of scores: its URL, rows, filters, table and defaults."""

    url_name: str
    base: Callable
    # Filter values used while the reader has not chosen one (the parameter is absent).
    defaults: dict
    # The table's initial ordering: None keeps the Table's Meta.order_by, () the queryset's.
    table_order: tuple | None
    allowed: Callable
    label_for: Callable

    @property
    def path(self) -> str:
        return reverse(self.url_name)

    def params(self, data) -> QueryDict:
        """The reader's parameters with the list's defaults for those absent."""
        params = data.copy() if isinstance(data, QueryDict) else QueryDict(mutable=True)
        params._mutable = True
        for name, value in self.defaults.items():
            if name not in params:
                params[name] = value
        params.pop(FROM_PARAM, None)
        return params

    def filterset(self, user, data):
        from scorecards.filters import WorkspaceFilter

        return WorkspaceFilter(self.params(data), queryset=self.base(user), user=user)

    def table(self, queryset, data=None):
        """The list's Table over `queryset`, sorted as the page sorts it (the `sort` parameter)."""
        from scorecards.tables import ScoreTable

        kwargs = {} if self.table_order is None else {"order_by": self.table_order}
        table = ScoreTable(queryset, **kwargs)
        sort = data.getlist("sort") if data is not None else []
        if sort:  # as django_tables2.RequestConfig does on the list page
            table.order_by = sort
        return table

    def ordered(self, user, data):
        """The list's rows in the page's order, or None when the filters are invalid
        (the page then shows no rows either: django-filter's strict mode)."""
        filterset = self.filterset(user, data)
        if not filterset.is_valid():
            return None
        return self.table(filterset.qs, data).data.data


def _workspace_label(user):
    return _("Tiêu chí của các đơn vị") if sees_everything(user) else _("Tiêu chí được giao")


WORKSPACE = ScoreList("scorecards:workspace", base=list_queryset, defaults={}, table_order=None,
                      allowed=lambda user: True, label_for=_workspace_label)
REVIEW_QUEUE = ScoreList("scorecards:queue", base=queue_queryset, defaults={"state": ScoreState.SUBMITTED},
                         table_order=(), allowed=can_manage, label_for=lambda user: _("Hồ sơ chờ duyệt"))
SCORE_LISTS = {lst.url_name: lst for lst in (WORKSPACE, REVIEW_QUEUE)}
# Other pages that link to a criterion: the way back names them, without previous and next.
OTHER_ORIGINS = {"scorecards:log": (_("Nhật ký"), sees_everything), "scorecards:board": (_("Tiến độ"), sees_everything)}


# --- counts ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class StateTab:
    state: str  # "" for every state
    label: str
    count: int
    url: str
    current: bool


def counts_by_state(filterset) -> dict[str, int]:
    """Rows of a bound, valid filterset per state, with every filter applied but the state's.

    One grouped query. The filters are the filterset's own (its filter methods and cleaned
    values), so a tab's count is what the list shows when the tab is picked.
    """
    queryset = filterset.queryset
    for name, value in filterset.form.cleaned_data.items():
        if name != "state":
            queryset = filterset.filters[name].filter(queryset, value)
    rows = queryset.order_by().values("state").annotate(n=Count("pk")).values_list("state", "n")
    counts = dict.fromkeys(STATE_TABS, 0)
    counts.update(rows)
    return counts


def state_tabs(filterset, path: str, data) -> list[StateTab]:
    """The state tabs of a list page: each state's count for the current filters, and "Tất cả".

    Each link keeps the other filters and the sort, and starts again on page 1.
    """
    if not filterset.is_valid():
        return []
    counts = counts_by_state(filterset)
    current = filterset.form.cleaned_data.get("state") or ""
    labels = dict(ScoreState.choices)

    def url(state):
        params = data.copy()
        for name in ("page", "state"):
            params.pop(name, None)
        params["state"] = state
        return f"{path}?{params.urlencode()}"

    tabs = [StateTab(state, labels[state], counts[state], url(state), current == state) for state in STATE_TABS]
    tabs.append(StateTab("", _("Mọi trạng thái"), sum(counts.values()), url(""), current == ""))
    return tabs


def waiting_for_review(user) -> int:
    """Scores submitted and waiting for Sở Nội vụ (0 for anyone else): the queue's first tab.

    Counted once per request's user object (the menu and the home page both ask).
    """
    if not can_manage(user):
        return 0
    if not hasattr(user, "_waiting_for_review"):
        user._waiting_for_review = visible_scores(user).filter(state=ScoreState.SUBMITTED).count()
    return user._waiting_for_review


@dataclass(frozen=True)
class AgencyNews:
    """What Sở Nội vụ decided on an agency's criteria: returned ones to fix, the latest decisions."""

    returned: int
    returned_url: str
    decisions: list


def agency_news(user) -> AgencyNews | None:
    """For agency staff: how many of the criteria their agency leads were returned and wait
    for a fix, and the latest returns and acceptances (two queries)."""
    if not is_agency_staff(user):
        return None
    mine = Q(responsible_agency_id=user.agency_id, period__status__in=OPEN_STATUSES,
             criterion__scoring_source__in=ScoringSource.self_assessed())
    returned = Score.objects.filter(mine, state=ScoreState.RETURNED).count()
    decisions = list(
        AuditEvent.objects.filter(action__in=[AuditAction.SCORE_RETURNED, AuditAction.SCORE_ACCEPTED],
                                  score__in=Score.objects.filter(mine).values("pk"))
        .select_related("score__criterion", "score__period").order_by("-created_at", "-pk")[:RECENT_DECISIONS])
    url = f"{WORKSPACE.path}?state={ScoreState.RETURNED}"
    return AgencyNews(returned=returned, returned_url=url, decisions=decisions)


# --- where a criterion page was opened from ---------------------------------------------------

@dataclass(frozen=True)
class Origin:
    """The page a criterion page was opened from: the way back and the list to move through."""

    url: str  # path and query string, ours
    label: str
    score_list: ScoreList | None  # None: a page without previous and next (log, board)
    data: QueryDict
    explicit: bool  # named by ?from= (links carry it on); else the reader's default list

    def score_url(self, pk: int) -> str:
        """A criterion of this list, opened so that it knows the way back."""
        url = reverse("scorecards:score", args=[pk])
        return f"{url}?{FROM_PARAM}={quote(self.url, safe='/')}" if self.explicit else url


def link_from(path: str, pk: int) -> str:
    """The criterion page of score `pk` opened from the page at `path` (path and query)."""
    return f"{reverse('scorecards:score', args=[pk])}?{FROM_PARAM}={quote(path, safe='/')}"


def list_label(score_list: ScoreList, user, data) -> str:
    """The list's name, with the state tab when it is not the list's own (“Hồ sơ chờ duyệt · Bị trả lại”)."""
    label = str(score_list.label_for(user))
    state = score_list.params(data).get("state", "")
    if state == score_list.defaults.get("state", ""):
        return label
    if state in ScoreState.values:
        return f"{label} · {ScoreState(state).label}"
    return f"{label} · {_('Mọi trạng thái')}"


def default_origin(user) -> Origin:
    """Without ?from=: Sở Nội vụ's queue as it opens; everyone else's workspace."""
    score_list = REVIEW_QUEUE if can_manage(user) else WORKSPACE
    return Origin(url=score_list.path, label=str(score_list.label_for(user)), score_list=score_list,
                  data=QueryDict(), explicit=False)


def origin_of(request) -> Origin:
    """The origin named by the request's ?from=, when it is one of our list pages the user
    may open; else the user's default list. A foreign host, a scheme or another path is ignored."""
    user = request.user
    value = request.GET.get(FROM_PARAM, "")
    if not value or not url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()},
                                                         require_https=request.is_secure()):
        return default_origin(user)
    parts = urlsplit(value)
    if parts.scheme or parts.netloc or not parts.path.startswith("/"):
        return default_origin(user)
    try:
        match = resolve(parts.path)
    except Resolver404:
        return default_origin(user)
    url = parts.path + (f"?{parts.query}" if parts.query else "")
    data = QueryDict(parts.query)
    score_list = SCORE_LISTS.get(match.view_name)
    if score_list is not None and parts.path == score_list.path:
        if not score_list.allowed(user):
            return default_origin(user)
        return Origin(url=url, label=list_label(score_list, user, data), score_list=score_list, data=data, explicit=True)
    if match.view_name in OTHER_ORIGINS:
        label, allowed = OTHER_ORIGINS[match.view_name]
        if allowed(user):
            return Origin(url=url, label=str(label), score_list=None, data=data, explicit=True)
    return default_origin(user)


@dataclass(frozen=True)
class Position:
    """Where a score stands in its origin's filtered, sorted list."""

    index: int  # 1-based
    total: int
    previous_id: int | None
    next_id: int | None


def position_in(origin: Origin, user, pk: int) -> Position | None:
    """The score's place in the origin's list (one query for the ordered ids, plus the checks
    of a filter that names a row, such as a period); None when it is not in the list."""
    if origin.score_list is None:
        return None
    rows = origin.score_list.ordered(user, origin.data)
    if rows is None:
        return None
    ids = list(rows.values_list("pk", flat=True))
    try:
        i = ids.index(pk)
    except ValueError:
        return None
    return Position(index=i + 1, total=len(ids), previous_id=ids[i - 1] if i > 0 else None,
                    next_id=ids[i + 1] if i + 1 < len(ids) else None)


def after_decision(origin: Origin, user, pk: int, before: Position | None) -> tuple[str, str | None]:
    """Where a reviewer goes after returning or accepting score `pk`, and what to tell them.

    `before` is the score's position read before the step (a decided score leaves a list
    filtered on "Đã gửi"). The next item of the list; at its end, on a list of waiting
    items, the first one still waiting; else back to the list, saying whether rows remain.
    A page that is not a list (log, board) keeps the reviewer on the criterion.
    Returns (url, message or None).
    """
    if origin.score_list is None:
        return origin.score_url(pk), None
    if before is not None and before.next_id is not None:
        return origin.score_url(before.next_id), None
    rows = origin.score_list.ordered(user, origin.data)
    remaining = [] if rows is None else [i for i in rows.values_list("pk", flat=True) if i != pk]
    waiting = origin.score_list.params(origin.data).get("state") == ScoreState.SUBMITTED
    if remaining and waiting:
        return origin.score_url(remaining[0]), _("Đã đến cuối danh sách; mở lại tiêu chí đầu tiên còn chờ duyệt.")
    if remaining:
        return origin.url, ngettext(
            "Đã đến cuối danh sách “%(list)s”; danh sách còn %(n)d tiêu chí.",
            "Đã đến cuối danh sách “%(list)s”; danh sách còn %(n)d tiêu chí.", len(remaining)) % {
            "list": origin.label, "n": len(remaining)}
    return origin.url, _("Đã xử lý hết danh sách “%(list)s”.") % {"list": origin.label}
