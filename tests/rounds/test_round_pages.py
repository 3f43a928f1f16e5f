"""The round-level pages (/dot-danh-gia/): who opens which, what a unit may see, the
figures on the board, heat map, ranking and a subject's page, and flat query counts."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django.utils import timezone

from scorecards.choices import CouncilRole, PeriodStatus
from scorecards.models import AgencyException, Criterion, EvaluationPeriod, Round, Score
from scorecards.services import rounds as round_service
from scorecards.services.round_board import heat_step
from tests.rounds.conftest import build_round_framework, make_round

PERSONAS = ("anonymous", "officer", "leader", "chair", "appraiser", "dept_user", "commune_user", "outsider")
WHOLE_ROUND = {"anonymous": "login", "officer": 200, "leader": 200, "chair": 200, "appraiser": 200, "dept_user": 403,
               "commune_user": 403, "outsider": 403}
ACTION = {"anonymous": "login", "officer": 302, "leader": 403, "chair": 403, "appraiser": 403, "dept_user": 403,
          "commune_user": 403, "outsider": 403}
# name: (method, {persona: expected status}); "login" is a redirect to the login page.
WALK = {
    "list": ("get", {**WHOLE_ROUND, "dept_user": 200, "commune_user": 200}),
    "board": ("get", WHOLE_ROUND),
    "heatmap": ("get", WHOLE_ROUND),
    "ranking": ("get", WHOLE_ROUND),
    # Sở A's page: Sở Nội vụ, leaders and Sở A's own staff.
    "subject": ("get", {"anonymous": "login", "officer": 200, "leader": 200, "chair": 403, "appraiser": 403,
                        "dept_user": 200, "commune_user": 403, "outsider": 403}),
    "step": ("post", ACTION),
    "populate": ("post", ACTION),
    "add_subject": ("post", ACTION),
    "remove_subject": ("post", ACTION),
}
OTHER_UNITS = ("Sở B", "Sở C", "Xã B")


def rounds_route_names():
    namespace = get_resolver().namespace_dict["rounds"][1]
    return {p.name for p in namespace.url_patterns if getattr(p, "name", None)}


def test_the_walk_covers_every_route():
    assert rounds_route_names() == set(WALK)


def _url(name, round_, dept_period):
    group = round_.test_groups["so"]
    args = {
        "list": [], "board": [round_.pk], "heatmap": [round_.pk], "ranking": [round_.pk], "step": [round_.pk],
        "populate": [round_.pk, group.pk], "add_subject": [round_.pk, group.pk],
        "remove_subject": [round_.pk, round_.periods.get(subject__name="Sở C").pk],
        "subject": [dept_period.subject_id],
    }[name]
    return reverse(f"rounds:{name}", args=args)


def _post_data(name, round_):
    if name == "step":
        return {"status": PeriodStatus.APPRAISAL, "from_status": round_.status}
    if name == "add_subject":
        candidate = round_service.candidates(round_.test_groups["so"])[0]
        return {"agency": candidate.pk}
    if name == "remove_subject":
        return {"reason": "Đơn vị giải thể"}
    return {}


@pytest.mark.parametrize("persona", PERSONAS)
@pytest.mark.parametrize("name", sorted(WALK))
def test_every_round_page_as_every_persona(client, request, small_round, dept_period, chair, appraiser, dept_user,
                                           commune_user, persona, name):
    method, expected = WALK[name]
    if persona != "anonymous":
        client.force_login(request.getfixturevalue(persona))
    url = _url(name, small_round, dept_period)
    periods_before = small_round.periods.count()
    response = getattr(client, method)(url, _post_data(name, small_round) if method == "post" else None)
    want = expected[persona]
    if want == "login":
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    else:
        assert response.status_code == want, response.content.decode()[:500]
    small_round.refresh_from_db()
    if not (persona == "officer" and method == "post"):
        # Nobody but Sở Nội vụ changes anything from these pages.
        assert small_round.status == PeriodStatus.SELF_ASSESSMENT and small_round.periods.count() == periods_before
    if persona in ("dept_user", "commune_user") and response.status_code == 200:
        html = response.content.decode()
        assert not any(f">{name_}<" in html or f"{name_} " in html for name_ in OTHER_UNITS), "a unit saw another unit"


def test_a_unit_lists_only_its_rounds_with_its_own_scorecard(client, small_round, dept_user, dept_period, officer):
    other = make_round(officer, year=2024, name="Đợt khác (không có Sở A)", departments=("Sở Khác",), communes=())
    client.force_login(dept_user)
    response = client.get(reverse("rounds:list"))
    html = response.content.decode()
    assert [r.pk for r in response.context["rounds"]] == [small_round.pk]
    assert other.name not in html
    assert f"/dot-danh-gia/phieu/{dept_period.pk}/" in html
    assert reverse("rounds:board", args=[small_round.pk]) not in html  # no whole-round link for a unit
    for name in ("Sở B", "Sở C", "Xã A", "Xã B"):
        assert name not in html


def test_the_council_lists_its_round_with_the_whole_round_links(client, small_round, chair):
    client.force_login(chair)
    html = client.get(reverse("rounds:list")).content.decode()
    assert reverse("rounds:board", args=[small_round.pk]) in html
    assert reverse("rounds:ranking", args=[small_round.pk]) in html


def test_a_unit_reads_only_its_own_subject_page(client, small_round, dept_user, commune_period):
    client.force_login(dept_user)
    assert client.get(reverse("rounds:subject", args=[commune_period.subject_id])).status_code == 403
    other = small_round.periods.get(subject__name="Sở B")
    assert client.get(reverse("rounds:subject", args=[other.subject_id])).status_code == 403


def test_the_menu_link_follows_who_may_see_rounds(client, small_round, dept_user, outsider, leader):
    link = reverse("rounds:list")
    for user, shown in ((dept_user, True), (leader, True), (outsider, False)):
        client.force_login(user)
        html = client.get(reverse("scorecards:workspace")).content.decode()
        assert (f'href="{link}"' in html) is shown, user


def test_a_missing_round_is_404(client, officer):
    client.force_login(officer)
    assert client.get(reverse("rounds:board", args=[999999])).status_code == 404


# ---- the board's figures -----------------------------------------------------------------------------


def _period(round_, name):
    return round_.periods.select_related("subject").get(subject__name=name)


def _self_points(period, value, *, codes=None, limit=None):
    """Give evidence leaves (optionally the ones whose code starts with one of `codes`) self-assessed points."""
    qs = Score.objects.filter(period=period, criterion__scoring_source="evidence").order_by("criterion__sort_key")
    if codes:
        qs = qs.filter(criterion__code__regex=r"^(" + "|".join(c.replace(".", r"\.") for c in codes) + r")")
    ids = list(qs.values_list("pk", flat=True))[:limit]
    Score.objects.filter(pk__in=ids).update(self_points=Decimal(value))


@pytest.fixture
def board_round(small_round):
    """Sở A complete and locked; Sở B half done, past the deadline, one flagged criterion
    explained and one not; Sở C half done with a running exception."""
    a, b, c = (_period(small_round, n) for n in ("Sở A", "Sở B", "Sở C"))
    _self_points(a, "1")
    _self_points(b, "1", limit=4)
    _self_points(c, "1", limit=4)
    past = timezone.now() - timedelta(hours=2)
    Round.objects.filter(pk=small_round.pk).update(self_assessment_deadline=past)
    EvaluationPeriod.objects.filter(round=small_round).update(self_assessment_deadline=past)
    EvaluationPeriod.objects.filter(pk=a.pk).update(self_locked_at=timezone.now() - timedelta(days=1))
    flagged = list(Score.objects.filter(period=b).order_by("criterion__sort_key")[:2])
    Score.objects.filter(pk=flagged[0].pk).update(explanation_requested=True)
    Score.objects.filter(pk=flagged[1].pk).update(explanation_requested=True, appeal_explanation="Đã bổ sung")
    AgencyException.objects.create(period=c, agency=c.subject, until=timezone.now() + timedelta(days=2), reason="Ốm")
    small_round.refresh_from_db()
    return small_round


def test_the_board_counts_progress_per_subject(client, officer, board_round):
    client.force_login(officer)
    response = client.get(reverse("rounds:board", args=[board_round.pk]))
    board = response.context["board"]
    rows = {r.subject.name: r for g in board.groups for r in g.rows}
    a, b, c = rows["Sở A"], rows["Sở B"], rows["Sở C"]
    assert (a.locked, a.late, a.missing) == (True, False, 0)
    assert (b.locked, b.late, b.missing) == (False, True, 4)
    assert (c.locked, c.late, c.missing, c.exception_until is not None) == (False, False, 4, True)
    assert (b.explanations_requested, b.explanations_pending) == (2, 1)
    assert rows["Xã A"].late and rows["Xã A"].missing == 8
    # Before appraisal the totals are the self-assessed ones: 8 of 8 evidence leaves = 100.
    assert board.basis == "self" and a.result.total == Decimal("100.000") and a.result.rank == 1
    assert a.result.grade == "Tốt" and b.result.grade == "Yếu"
    html = response.content.decode()
    assert "Quá hạn, chưa chốt" in html and "Chưa thẩm định: tổng điểm" in html
    assert 'id="total-late" class="overdue">3<' in html  # Sở B, Xã A, Xã B


def test_the_board_offers_the_steps_and_subjects_to_home_affairs_only(client, officer, leader, chair, small_round):
    url = reverse("rounds:board", args=[small_round.pk])
    client.force_login(officer)
    html = client.get(url).content.decode()
    assert "Chuyển sang “Thẩm định”" in html and "Trở lại “Dự thảo”" in html
    assert "Tạo phiếu cho cả nhóm" in html and "Bỏ khỏi đợt" in html
    for reader in (leader, chair):
        client.force_login(reader)
        html = client.get(url).content.decode()
        assert "Chuyển sang" not in html and "Tạo phiếu cho cả nhóm" not in html and "Bỏ khỏi đợt" not in html
        assert "Sở B" in html  # the whole round


def test_the_board_names_what_publication_needs(client, officer, small_round):
    round_service.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    client.force_login(officer)
    response = client.get(reverse("rounds:board", args=[small_round.pk]))
    html = response.content.decode()
    assert "Chưa ghi số quyết định công bố." in html and "Chưa ghi người ký quyết định." in html
    assert response.context["board"].basis == "final"


def test_an_illustrative_round_says_so_on_every_page(client, officer, small_round):
    Round.objects.filter(pk=small_round.pk).update(is_illustrative=True)
    client.force_login(officer)
    for name in ("board", "heatmap", "ranking"):
        html = client.get(reverse(f"rounds:{name}", args=[small_round.pk])).content.decode()
        assert "Số liệu minh họa" in html, name


# ---- heat map and ranking ----------------------------------------------------------------------------


def test_the_heat_map_colours_by_band_and_marks_not_applicable(client, officer, small_round):
    a, b = _period(small_round, "Sở A"), _period(small_round, "Sở B")
    _self_points(a, "1", codes=["1."])
    _self_points(b, "1", codes=["1.1"])
    field_2 = Criterion.objects.get(framework=a.framework, code="2")
    round_service.set_not_applicable(a.pk, field_2.pk, True, actor=officer)
    client.force_login(officer)
    response = client.get(reverse("rounds:heatmap", args=[small_round.pk]))
    so = next(g for g in response.context["groups"] if g.group.code == "so")
    rows = {r.subject.name: r for r in so.rows}
    cells_a = {c.code: c for c in rows["Sở A"].cells}
    cells_b = {c.code: c for c in rows["Sở B"].cells}
    assert cells_a["1"].percent == Decimal("100.000") and cells_a["1"].step == 0
    assert cells_a["2"].not_applicable and cells_a["2"].step is None
    assert cells_b["1"].percent == Decimal("50.000") and cells_b["1"].step == 4  # "Yếu"
    # The survey field without survey points yet counts nothing but is not "KAD".
    assert cells_a["3"].percent is None and not cells_a["3"].not_applicable
    html = response.content.decode()
    assert 'class="cell heat-na"' in html and ">KAD<" in html and ">100,0<" in html and ">50,0<" in html
    assert 'class="cell heat-none"' in html


def test_heat_steps_follow_the_bands():
    class Band:
        def __init__(self, m):
            self.min_points = Decimal(m)

    bands = [Band(90), Band(80), Band(65), Band(0)]
    assert [heat_step(Decimal(p), bands) for p in (95, 85, 70, 10)] == [0, 1, 3, 4]
    assert heat_step(None, bands) is None
    assert heat_step(Decimal(55), []) == 3  # default steps without bands


def test_the_ranking_shares_ranks_on_ties_and_compares_with_last_year(client, officer, small_round):
    a, b, c = (_period(small_round, n) for n in ("Sở A", "Sở B", "Sở C"))
    _self_points(a, "1")
    _self_points(b, "1")
    _self_points(c, "1", limit=6)
    last_year = make_round(officer, year=2024, name="Chỉ số CCHC năm 2024 (thử)", departments=(), communes=(),
                           status=PeriodStatus.DRAFT)
    old = round_service.add_subjects(last_year.test_groups["so"].pk, [a.subject, b.subject], actor=officer)
    old_a = next(p for p in old if p.subject_id == a.subject_id)
    _self_points(old_a, "0.5")
    _self_points(next(p for p in old if p.subject_id == b.subject_id), "0.25")
    client.force_login(officer)
    response = client.get(reverse("rounds:ranking", args=[small_round.pk]))
    so = next(g for g in response.context["groups"] if g.group.code == "so")
    ranks = {r.subject.name: r for r in so.results}
    assert (ranks["Sở A"].rank, ranks["Sở B"].rank, ranks["Sở C"].rank) == (1, 1, 3)
    # 2 units ranked in 2024, 3 in 2025: the ranks are shown with their bases, no move in places.
    assert ranks["Sở A"].change == Decimal("50.000") and ranks["Sở A"].rank_change is None
    assert ranks["Sở A"].previous.rank_label == "1/2" and ranks["Sở B"].previous.rank_label == "2/2"
    assert ranks["Sở B"].change == Decimal("75.000") and ranks["Sở B"].rank_change is None
    assert ranks["Sở C"].change is None
    html = response.content.decode()
    assert "+50" in html and "năm trước 2/2" in html and "↑" not in html and "So sánh với kết quả năm 2024" in html


def test_the_ranking_filters_one_group(client, leader, small_round):
    client.force_login(leader)
    response = client.get(reverse("rounds:ranking", args=[small_round.pk]) + "?group=xa")
    assert [g.group.code for g in response.context["groups"]] == ["xa"]
    html = response.content.decode()
    assert "Xã A" in html and "Sở A" not in html
    response = client.get(reverse("rounds:ranking", args=[small_round.pk]) + "?group=khong-co")
    assert response.status_code == 200 and "Không có nhóm “khong-co”" in response.content.decode()


def test_the_ranking_shows_bonus_and_penalty_outside_the_100(client, officer, small_round):
    from scorecards.models import Adjustment

    a = _period(small_round, "Sở A")
    _self_points(a, "1")
    Adjustment.objects.create(period=a, kind="bonus", content="Sáng kiến", points=Decimal("2"))
    Adjustment.objects.create(period=a, kind="penalty", content="Chậm báo cáo", points=Decimal("1.5"))
    client.force_login(officer)
    response = client.get(reverse("rounds:ranking", args=[small_round.pk]) + "?group=so")
    r = next(r for r in response.context["groups"][0].results if r.subject.name == "Sở A")
    assert (r.rescaled, r.bonus, r.penalty, r.total) == (Decimal("100.000"), Decimal(2), Decimal("1.5"), Decimal("100.500"))
    html = response.content.decode()
    assert "+2<" in html and "−1,5<" in html and "100,5<" in html


# ---- a subject across years --------------------------------------------------------------------------


@pytest.fixture
def two_years(officer):
    """A 2024 round (closed, appraised) of "Sở cũ", whose work "Sở mới" took over, and a 2025
    round of "Sở mới" in self-assessment, on one framework."""
    fw = build_round_framework("hist-2024", year=2024)
    old_round = make_round(officer, year=2024, name="Đợt 2024 (lịch sử)", departments=("Sở cũ",), communes=(),
                           framework=fw)
    new_round = make_round(officer, year=2025, name="Đợt 2025 (lịch sử)", departments=("Sở mới",), communes=(),
                           framework=fw)
    old = old_round.periods.select_related("subject").get()
    new = new_round.periods.select_related("subject").get()
    old.subject.ended_on, old.subject.successor = date(2025, 2, 28), new.subject
    old.subject.save()
    Score.objects.filter(period=old, criterion__code__startswith="1.").update(appraised_points=Decimal("0.5"))
    Round.objects.filter(pk=old_round.pk).update(status=PeriodStatus.CLOSED)
    EvaluationPeriod.objects.filter(round=old_round).update(status=PeriodStatus.CLOSED)
    _self_points(new, "1", codes=["1."])
    return old, new


def test_a_subjects_page_follows_its_predecessor_and_compares_fields(client, officer, two_years):
    old, new = two_years
    client.force_login(officer)
    response = client.get(reverse("rounds:subject", args=[new.subject_id]))
    entries = response.context["entries"]
    assert [e.period.pk for e in entries] == [new.pk, old.pk]  # newest first
    field_1 = entries[0].fields[0]
    assert (field_1.code, field_1.points, field_1.previous_points, field_1.change) == ("1", Decimal(4), Decimal(2), Decimal(2))
    assert entries[0].change == Decimal("25.000")  # 4 of 8 points (self) − 2 of 8 (appraised)
    html = response.content.decode()
    assert "Của Sở cũ" in html and "+2<" in html and "Năm 2024" in html


def test_a_year_compares_with_the_units_own_scorecard_before_a_predecessors(officer):
    from scorecards.services.round_board import subject_history

    fw = build_round_framework("hist-own", year=2024)
    r24 = make_round(officer, year=2024, name="Đợt 2024 (hai đơn vị)", departments=("Sở mới 2", "Sở cũ 2"), communes=(),
                     framework=fw)
    old, own_before = (r24.periods.select_related("subject").get(subject__name=n) for n in ("Sở cũ 2", "Sở mới 2"))
    r25 = make_round(officer, year=2025, name="Đợt 2025 (hai đơn vị)", departments=(), communes=(), framework=fw,
                     status=PeriodStatus.DRAFT)
    round_service.add_subjects(r25.test_groups["so"].pk, [own_before.subject], actor=officer)
    old.subject.ended_on, old.subject.successor = date(2025, 2, 28), own_before.subject
    old.subject.save()
    entries = subject_history(own_before.subject)
    # The predecessor's 2024 scorecard comes last among 2024's (made after): still not the one compared.
    assert [e.period.pk for e in entries[:2]] == [own_before.pk, old.pk]
    assert entries[-1].previous.period.pk == own_before.pk


def test_a_unit_sees_its_rank_only_once_published(client, two_years):
    from django.contrib.auth.models import Group

    from scorecards import permissions
    from tests.factories import UserFactory

    old, new = two_years
    staff = UserFactory(username="can-bo-so-moi", agency=new.subject)
    staff.groups.add(Group.objects.get(name=permissions.AGENCY_STAFF))
    client.force_login(staff)
    response = client.get(reverse("rounds:subject", args=[new.subject_id]))
    shown = {e.period.year: e.shown for e in response.context["entries"]}
    assert shown == {2025: False, 2024: True}
    html = response.content.decode()
    assert "Kết quả chưa công bố" in html
    # Its own scorecard is linked, the predecessor's is not.
    assert f"/dot-danh-gia/phieu/{new.pk}/" in html and f"/dot-danh-gia/phieu/{old.pk}/" not in html
    client.force_login(staff)
    assert client.get(reverse("rounds:subject", args=[old.subject_id])).status_code == 403


# ---- query counts ------------------------------------------------------------------------------------


def _count(client, url):
    client.get(url)  # warm the session
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx), response


@pytest.mark.parametrize("page", ["board", "heatmap", "ranking"])
@pytest.mark.parametrize("persona", ["officer", "chair"])
def test_round_pages_cost_the_same_with_many_more_subjects(client, request, officer, small_round, chair, page, persona,
                                                           django_assert_num_queries):
    client.force_login(request.getfixturevalue(persona))
    small, response = _count(client, reverse(f"rounds:{page}", args=[small_round.pk]))
    large_round = make_round(officer, name="Đợt lớn (thử)", departments=tuple(f"Sở số {i}" for i in range(40)),
                             communes=tuple(f"Xã số {i}" for i in range(30)))
    large_round.council.create(name="Chủ tịch", role=CouncilRole.CHAIR, user=chair)
    for p in large_round.periods.all()[:20]:
        _self_points(p, "0.5")
    large, response = _count(client, reverse(f"rounds:{page}", args=[large_round.pk]))
    assert "Sở số 39" in response.content.decode() and "Xã số 29" in response.content.decode()
    assert large == small
    with django_assert_num_queries(small):
        client.get(reverse(f"rounds:{page}", args=[large_round.pk]))
