"""Every page, as each persona, with DEBUG off: no English, no Django default wording, no
ISO dates in what the user reads, error pages in Vietnamese; names in Vietnamese order.

The walk lists every named route of the site (and every admin list, form and history page
of every registered model, with real ids of the demo): a new route that is neither walked
nor named in SKIPPED fails test_the_walk_covers_every_route, so no page escapes.

Pages that other workstreams of issue 13 rewrote (the scorecard grid, the review queue and
criterion page, the Excel import and export, a score's admin pages) are walked in their own
cases, so that a failure names the page's owner.
"""
import re
from html.parser import HTMLParser

import pytest
from django.contrib import admin
from django.urls import NoReverseMatch, URLPattern, URLResolver, get_resolver, reverse

from scorecards.models import Agency, EvaluationPeriod, Round, Score, User

# Django's, the admin's and the packages' wording, in English or in poor Vietnamese.
STOCK = [
    "---------", "Show counts", "Hide counts", "Welcome", "CHÀO MỪNG BẠN", "Chào mừng bạn", "∅", "Not Found",
    "Forbidden", "Đảm bảo giá trị này", "None", "View site", "Log out", "Change password", "True", "False",
    "Toggle navigation", "Sidebar", "Filter navigation items", "Model name", "Add link", "Change or view list link",
    "Skip to main content", "Breadcrumbs", "View history", "Changed by", "Change reason", "Date/time", "entries",
    "Django", "Save", "Delete", "Search", "Filter", "Home", "History", "Action", "Go", "Submit", "Select", "Yes", "No",
    "Unknown", "Today", "Close", "previous", "next", "Import", "Export", "Format", "Resource", "Bản ghi nhớ",
    "Các mô models", "Thêm vào", "Trang web admin", "Đi đến", "Bởi ", "Hoạt động:", "Object", "Comment", "Created",
    "Changed", "Page not found", "Server Error", "Bad Request", "results", "selected", "cơ sở dữ liệu cài đặt",
]
STOCK_RE = re.compile("|".join(r"(?<![\wÀ-ỹ])" + re.escape(s) + r"(?![\wÀ-ỹ])" for s in STOCK))
# A date as the machine writes it (2025-04-10): people read 10/04/2025.
ISO_DATE = re.compile(r"\b(?:19|20)\d\d-[01]\d-[0-3]\d\b")
# A space before a full stop at the end of a sentence ("lớn hơn hoặc bằng với 0 .").
STRAY_SPACE = re.compile(r"[\wÀ-ỹ)] \.(?:\s|$)")


class VisibleText(HTMLParser):
    """The text a user reads: text nodes (not scripts, styles or hidden elements), the title,
    placeholders, tooltips, labels for screen readers and the values of buttons. (Not the
    alt text of the admin's icons: Django writes True / False there, for screen readers.)"""

    SKIP = {"script", "style", "template", "noscript"}
    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}

    def __init__(self):
        super().__init__()
        self.parts, self.stack = [], []  # stack: (tag, hides what it holds)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        hidden = (tag in self.SKIP or "hidden" in attrs or "hidden" in (attrs.get("class") or "").split()
                  or (tag == "input" and attrs.get("type") == "hidden"))
        if not self.hidden and not hidden:
            for name in ("placeholder", "title", "aria-label"):
                if attrs.get(name):
                    self.parts.append(attrs[name])
            if tag == "input" and attrs.get("type") in ("submit", "button", "reset") and attrs.get("value"):
                self.parts.append(attrs["value"])
        if tag not in self.VOID:
            self.stack.append((tag, hidden))

    def handle_endtag(self, tag):
        # HTML leaves some elements open (<p>, <li>): close up to the element this ends.
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i][0] == tag:
                del self.stack[i:]
                return

    @property
    def hidden(self):
        return any(hides for _, hides in self.stack)

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.parts.append(data.strip())


def visible_text(html: str) -> str:
    parser = VisibleText()
    parser.feed(html)
    return "\n".join(parser.parts)


def problems(html: str) -> list[str]:
    text = visible_text(html)
    found = [f"«{m.group(0)}» in …{text[max(0, m.start() - 40):m.end() + 40]!r}…" for m in STOCK_RE.finditer(text)]
    found += [f"ISO date {m.group(0)}" for m in ISO_DATE.finditer(text)]
    found += [f"stray space before a full stop: {text[max(0, m.start() - 40):m.end()]!r}" for m in STRAY_SPACE.finditer(text)]
    return found


def test_the_check_finds_stock_wording_in_what_users_read():
    html = ('<title>Not Found</title><p>Show counts<li>Chọn ngày 2025-04-10</p><div class="hidden"><p>None</div>'
            '<script>var x = "Welcome";</script><input type="submit" value="Save"><p>lớn hơn hoặc bằng với 0 .</p>'
            '<select><option value="">---------</option></select><p>Vẫn đọc được sau thẻ mở</p>')
    found = " ".join(problems(html))
    for text in ("«Not Found»", "«Show counts»", "ISO date 2025-04-10", "«Save»", "«---------»", "stray space"):
        assert text in found, text
    assert "None" not in found and "Welcome" not in found  # hidden, and a script
    assert "Vẫn đọc được sau thẻ mở" in visible_text(html)


# --- what to walk ------------------------------------------------------------------------

PERSONAS = {"officer": "sonoivu", "agency": "sotuphap", "leader": "lanhdao", "sysadmin": "quantri",
            "council": "thamdinh", "anonymous": None}

# Routes not walked: files (not pages), and steps that only take a POST (they answer 405).
SKIPPED = {
    "healthz", "set_language", "logout", "password_reset_confirm",  # the last: tests/accounts (needs a mailed token)
    "scorecards:evidence_download", "scorecards:evidence_delete", "scorecards:grant_exception", "scorecards:period_step",
    "rounds:step", "rounds:populate", "rounds:add_subject", "rounds:remove_subject",
    "round_scorecard:self_report", "round_scorecard:adjustment_evidence",
    "reports:pdf", "reports:docx", "reports:publish", "reports:winback_xlsx", "reports:overclaim_xlsx",
    "reports:plan_pdf", "reports:plan_docx", "reports:plan_evidence",
    "round_reports:annex", "round_reports:analysis_pdf", "round_reports:scorecard",
}
# Site pages that other workstreams of issue 13 own (walked in their own group).
OWNED_ELSEWHERE = {
    "review": ("scorecards:queue", "scorecards:score"),
}


def site_routes() -> list[tuple[str, list[str]]]:
    """(namespace:name, its URL arguments) for every named route outside the admin."""
    def walk(patterns, namespace=None):
        for p in patterns:
            if isinstance(p, URLResolver):
                if p.namespace != "admin":
                    yield from walk(p.url_patterns, p.namespace or namespace)
            elif isinstance(p, URLPattern) and p.name:
                yield (f"{namespace}:{p.name}" if namespace else p.name), list(p.pattern.converters)
    return list(walk(get_resolver().url_patterns))


# Route arguments the walk fills in with demo ids (the `ids` fixture).
ARGUMENTS = {"year", "pk", "period_id", "round_id", "agency_id"}


def test_the_walk_covers_every_route():
    walked = [(name, args) for name, args in site_routes() if name not in SKIPPED]
    assert len(walked) > 20
    assert [(name, args) for name, args in walked if not set(args) <= ARGUMENTS] == [], \
        "a new route: add its arguments to the `ids` fixture, or name it in SKIPPED"


@pytest.fixture
def ids(demo):
    """Real ids of the demo, per route argument: Sở Tư pháp's criterion 2.3.2 in the open
    2026 period, the published 2025 round with Sở Tư pháp's scorecard in it."""
    open_period = EvaluationPeriod.objects.for_year(2026).get()
    round_2025 = Round.objects.get(year=2025)
    tuphap = Agency.objects.get(code="so-tu-phap")
    return {
        "year": 2024,
        "pk": Score.objects.get(period=open_period, criterion__code="2.3.2").pk,
        "period_id": {"scorecards": open_period.pk,
                      "round_scorecard": round_2025.periods.get(subject=tuphap).pk},
        "round_id": round_2025.pk,
        "agency_id": tuphap.pk,
    }


def site_urls(ids, group: str) -> list[str]:
    owned = {name for names in OWNED_ELSEWHERE.values() for name in names}
    chosen = []
    for name, args in site_routes():
        if name in SKIPPED:
            continue
        mine = name not in owned
        if (group == "site" and not mine) or (group != "site" and name not in OWNED_ELSEWHERE.get(group, ())):
            continue
        namespace = name.split(":")[0]
        values = [ids[a][namespace] if isinstance(ids[a], dict) else ids[a] for a in args]
        chosen.append(reverse(name, args=values))
    return chosen


def admin_urls(group: str) -> list[str]:
    """Lists, add forms, change forms and histories of every registered model (the first row
    by id), the admin's own pages; the grid, the Excel pages and a score's pages in their groups."""
    if group == "grid":
        return [reverse("admin:scorecards_evaluationperiod_scorecard", args=[p.pk])
                for p in EvaluationPeriod.objects.filter(year__in=[2024, 2026], round=None)]
    if group == "transfer":
        return [*(url for model in admin.site._registry for url in transfer_pages(model)),
                reverse("admin:scorecards_round_import_kind", args=[Round.objects.get(year=2025).pk, "don-vi"])]
    if group == "scores":
        score = Score.objects.order_by("pk").first()
        return [reverse("admin:scorecards_score_change", args=[score.pk]),
                reverse("admin:scorecards_score_history", args=[score.pk]),
                reverse("admin:scorecards_score_simple_history",
                        args=[score.pk, score.history.order_by("history_id").first().history_id])]
    urls = [reverse("admin:index"), reverse("admin:password_change"), "/admin/khong-co-trang-nay/",
            reverse("admin:scorecards_agency_changelist") + "?order__gt=abc&e=1",  # a filter the list cannot apply
            *(reverse("admin:app_list", args=[app]) for app in ("scorecards", "reports", "axes", "auth")),
            reverse("admin:scorecards_nationalresult_ranked_count")]
    for model, model_admin in admin.site._registry.items():
        urls += model_pages(model, model_admin)
    return urls


def model_pages(model, model_admin) -> list[str]:
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = [reverse(f"{info}_changelist")]
    if model is Score:
        return urls  # its other pages: the "scores" group
    urls.append(reverse(f"{info}_add"))
    first = model._default_manager.order_by("pk").first()
    if first is not None:
        urls += [reverse(f"{info}_change", args=[first.pk]), reverse(f"{info}_history", args=[first.pk])]
        if hasattr(model_admin, "copy_url"):  # a framework's or questionnaire's copy into next year
            urls.append(model_admin.copy_url(first))
    return urls


def transfer_pages(model) -> list[str]:
    info = f"admin:{model._meta.app_label}_{model._meta.model_name}"
    urls = []
    for suffix in ("import", "export"):
        try:
            urls.append(reverse(f"{info}_{suffix}"))
        except NoReverseMatch:
            pass
    return urls


# The pages in groups: the site, the admin, and the pages other workstreams of issue 13
# rewrote (the grid, the review queue and criterion page, the Excel pages, a score's admin
# page and history), so that a failure names the page's owner in the test's id.
GROUPS = ("site", "admin", "grid", "review", "transfer", "scores")


def walk_cases():
    for persona in PERSONAS:
        for group in GROUPS:
            yield pytest.param(persona, group, id=f"{persona}-{group}")


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False
    return settings


@pytest.mark.parametrize(("persona", "group"), list(walk_cases()))
def test_every_page_reads_vietnamese(client, ids, no_debug, persona, group):
    username = PERSONAS[persona]
    if username:
        client.force_login(User.objects.get(username=username))
    urls = site_urls(ids, group) if group in ("site", "review") else admin_urls(group)
    assert urls, group
    found, seen = {}, 0
    for url in urls:
        response = client.get(url)
        if response.status_code in (301, 302):
            # To the login page (walked once below), or to a page walked under its own route.
            continue
        assert response.status_code in (200, 403, 404, 405), (url, response.status_code)
        if response.status_code == 405 or not response["Content-Type"].startswith("text/html"):
            continue
        seen += 1
        html = response.content.decode()
        if response.status_code in (403, 404):
            assert 'class="topbar"' in html and "Về trang chủ" in html, f"{url}: the error page lacks the layout"
        if hits := problems(html):
            found[url] = hits
    if username is None and group == "site":
        for url in ("/accounts/login/", "/accounts/password_reset/", "/admin/login/?next=/admin/"):
            response = client.get(url, follow=True)
            assert response.status_code == 200
            if hits := problems(response.content.decode()):
                found[url] = hits
    assert found == {}, "\n".join(f"{url}:\n  " + "\n  ".join(hits) for url, hits in found.items())
    assert seen or username is None or group != "site"


# --- Vietnamese order ----------------------------------------------------------------------

NAMES = ["VP UBND tỉnh", "Ủy ban MTTQ", "Đài Phát thanh", "Âu Lạc", "Ban Dân tộc"]
VIETNAMESE_ORDER = ["Âu Lạc", "Ban Dân tộc", "Đài Phát thanh", "Ủy ban MTTQ", "VP UBND tỉnh"]


@pytest.fixture
def agencies_to_sort(demo):
    """Five agencies whose names begin with Â, B, Đ, Ủ and V (code-point order puts Â, Đ and
    Ủ after V), each leading one criterion of the open 2026 period."""
    open_period = EvaluationPeriod.objects.for_year(2026).get()
    scores = list(Score.objects.filter(period=open_period, criterion__scoring_source="evidence")
                  .order_by("criterion__sort_key")[:len(NAMES)])
    made = []
    for i, (name, score) in enumerate(zip(NAMES, scores, strict=True)):
        agency = Agency.objects.create(code=f"sap-xep-{i}", name=name, short_name="", kind=Agency.Kind.DEPARTMENT,
                                       order=990)
        Score.objects.filter(pk=score.pk).update(responsible_agency=agency)
        made.append(agency)
    return open_period, made


def test_the_admin_agency_list_sorts_vietnamese(client, officer, agencies_to_sort, no_debug):
    client.force_login(officer)
    url = reverse("admin:scorecards_agency_changelist")
    default = [a.name for a in client.get(url).context["cl"].result_list if a.order == 990]
    assert default == VIETNAMESE_ORDER
    # A click on the name column (list_display[0]), both ways.
    by_name = [a.name for a in client.get(url, {"o": "1", "q": "", "all": ""}).context["cl"].queryset if a.order == 990]
    assert by_name == VIETNAMESE_ORDER
    descending = [a.name for a in client.get(url, {"o": "-1"}).context["cl"].queryset if a.order == 990]
    assert descending == VIETNAMESE_ORDER[::-1]


def test_the_admin_searches_without_diacritics(client, officer, agencies_to_sort, no_debug):
    client.force_login(officer)
    url = reverse("admin:scorecards_agency_changelist")
    for query, expected in [("dai phat", "Đài Phát thanh"), ("uy ban mttq", "Ủy ban MTTQ"), ("au lac", "Âu Lạc"),
                            ("ĐÀI", "Đài Phát thanh")]:
        names = [a.name for a in client.get(url, {"q": query}).context["cl"].result_list]
        assert names == [expected], query


def test_the_workspace_sorts_lead_agencies_vietnamese(client, officer, agencies_to_sort, no_debug):
    client.force_login(officer)
    period, made = agencies_to_sort
    ours = {a.pk for a in made}
    response = client.get(reverse("scorecards:workspace"), {"period": period.pk, "sort": "agency"})
    labels = [row.lead_agency_label for row in response.context["table"].data if row.responsible_agency_id in ours]
    assert labels == VIETNAMESE_ORDER


def test_the_progress_board_sorts_agencies_vietnamese(client, officer, agencies_to_sort, no_debug):
    client.force_login(officer)
    period, made = agencies_to_sort
    rows = client.get(reverse("scorecards:board", args=[period.pk])).context["rows"]
    assert [r.agency.name for r in rows if r.agency in made] == VIETNAMESE_ORDER


def test_the_exception_form_lists_agencies_vietnamese(client, officer, agencies_to_sort, no_debug):
    client.force_login(officer)
    period, _ = agencies_to_sort
    html = client.get(reverse("scorecards:board", args=[period.pk])).content.decode()
    options = re.findall(r"<option value=\"\d+\">([^<]+)</option>", html)
    assert [o for o in options if o in NAMES] == VIETNAMESE_ORDER
    assert "— Chọn đơn vị —" in html and "---------" not in html


def test_the_log_lists_agencies_vietnamese(client, officer, agencies_to_sort, no_debug):
    client.force_login(officer)
    _period, made = agencies_to_sort
    form = client.get(reverse("scorecards:log")).context["filter"].form
    names = [a.name for a in form.fields["agency"].queryset if a.pk in {m.pk for m in made}]
    assert names == VIETNAMESE_ORDER


def test_the_admin_index_and_menu_are_in_vietnamese_order(client, officer, no_debug):
    from scorecards.db import vi_sort_key

    client.force_login(officer)
    apps = client.get(reverse("admin:index")).context["app_list"]
    for app in apps:
        names = [str(m["name"]) for m in app["models"]]
        assert names == sorted(names, key=vi_sort_key), names
    models = [str(m["name"]) for app in apps for m in app["models"]]
    assert sorted(models) != sorted(models, key=vi_sort_key)  # the demo has names code points misplace


@pytest.mark.parametrize("bad", ["abc", "97/change"])
def test_a_history_page_with_a_bad_id_is_a_404(client, officer, no_debug, bad):
    client.force_login(officer)
    response = client.get(f"/admin/scorecards/score/{bad}/history/")
    assert response.status_code == 404 and "Không có bản ghi với mã" in response.content.decode()


def test_an_audit_event_is_named_in_local_time_with_its_label(officer, demo):
    from django.utils import timezone

    from scorecards.models import AuditEvent

    event = AuditEvent.objects.exclude(action="").first()
    local = timezone.localtime(event.created_at).strftime("%d/%m/%Y %H:%M")
    assert str(event) == f"{local} {event.get_action_display()}" and event.action not in str(event)


def test_the_criterion_list_shows_points_as_the_app_writes_them(client, officer, no_debug):
    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_criterion_changelist"), {"q": "1.3"}).content.decode()
    assert "1,000" not in html and "9,500" not in html


def test_the_log_dates_are_typed_day_first(client, officer, no_debug):
    client.force_login(officer)
    html = client.get(reverse("scorecards:log"), {"after": "10/04/2025"}).content.decode()
    assert 'type="date"' not in html and 'value="10/04/2025"' in html and 'placeholder="dd/mm/yyyy"' in html
