"""A new year's versions (scorecards.services.versions): a framework or SIPAS questionnaire
copied whole and audited, each node naming its source; the rules on counterparts (in the
model, checked by the one door); last year's assignments carried over through the mapping
to the agencies that took over the work, never overwriting; the officer's warning."""
import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scorecards.choices import AuditAction, Baseline, Lineage
from scorecards.models import (
    Agency, Assignment, AuditEvent, Criterion, Framework, Score, SipasGroup, SipasIndicator, SipasQuestionnaire,
    SipasSection,
)
from scorecards.permissions import can_manage
from scorecards.services import records
from scorecards.services.lineage import framework_mapping
from scorecards.services.versions import copy_assignments, copy_framework, copy_questionnaire, mapping_warning
from tests.factories import AgencyFactory, build_framework, build_period


def framework(code="v-2024", year_from=2022, **size):
    fw = build_framework(code=code, **size)
    Framework.objects.filter(pk=fw.pk).update(year_from=year_from)
    fw.refresh_from_db()
    return fw


def node(fw, code):
    return Criterion.objects.select_related("framework", "parent").get(framework=fw, code=code)


def snapshot(fw):
    return {c.code: (c.parent.code if c.parent else None, c.name, c.max_points, c.scoring_source, c.guide,
                     c.is_placeholder, c.order, c.level, c.sort_key, c.search_text)
            for c in Criterion.objects.filter(framework=fw).select_related("parent")}


# ---- copying a framework --------------------------------------------------------------

def test_a_copied_framework_has_every_node_as_the_same_node_of_its_source(officer):
    old = framework(fields=3, criteria_per_field=2, leaves_per_criterion=2)
    Criterion.objects.filter(framework=old, code="2.1.2").update(guide="Đếm văn bản", scoring_source="monitoring",
                                                                 is_placeholder=True, order=99)
    new = copy_framework(old, code="v-2025", name="Bộ chỉ số 2025", year_from=2025, actor=officer, legal_basis="QĐ 1/QĐ-BNV")

    assert snapshot(new) == snapshot(old)
    assert (new.previous, new.year_from, new.year_to, new.total_points, new.legal_basis) == (
        old, 2025, None, old.total_points, "QĐ 1/QĐ-BNV")
    old.refresh_from_db()
    assert old.year_to == 2024
    for c in Criterion.objects.filter(framework=new).prefetch_related("predecessors__framework"):
        assert c.lineage == Lineage.SAME
        assert [(p.framework, p.code) for p in c.predecessors.all()] == [(old, c.code)]
    mapping = framework_mapping(new, old)
    assert mapping.problems == [] and mapping.dropped == []
    assert all(mapping.counterpart(c).comparable for c in new.criteria.all())
    event = AuditEvent.objects.get(action=AuditAction.FRAMEWORK_COPIED)
    assert event.actor == officer and event.data["object_id"] == new.pk
    assert (event.data["source"], event.data["criteria"], event.data["source_year_to"]) == ("v-2024", 3 + 6 + 12, [None, 2024])


def test_copying_a_framework_costs_the_same_queries_whatever_its_size(officer):
    can_manage(officer)  # the officer's groups, read once and kept on the user

    def queries(code, **size):
        old = framework(code=f"{code}-2024", **size)
        with CaptureQueriesContext(connection) as ctx:
            copy_framework(old, code=f"{code}-2025", name=code, year_from=2025, actor=officer)
        return len(ctx)

    # (Up to 76 nodes a level: SQLite takes 999 parameters a statement, so Django splits
    # larger bulk inserts there; PostgreSQL does not.)
    assert queries("small", fields=2, criteria_per_field=1, leaves_per_criterion=2) == \
        queries("big", fields=4, criteria_per_field=4, leaves_per_criterion=4)


@pytest.mark.parametrize("persona", ["tuphap", "leader", "outsider", "sysadmin"])
def test_only_home_affairs_copies_a_framework(request, demo, persona):
    old = framework()
    with pytest.raises(PermissionDenied):
        copy_framework(old, code="v-2025", name="x", year_from=2025, actor=request.getfixturevalue(persona))
    old.refresh_from_db()
    assert old.year_to is None and not Framework.objects.filter(code="v-2025").exists()
    assert not AuditEvent.objects.filter(action=AuditAction.FRAMEWORK_COPIED).exists()


def test_a_copy_that_would_overlap_its_source_is_refused_and_changes_nothing(officer):
    old = framework()
    with pytest.raises(ValidationError) as err:
        copy_framework(old, code="v-2022", name="x", year_from=2022, actor=officer)
    assert "Phiên bản mới phải áp dụng từ sau năm 2022" in str(err.value)

    build_period(old, year=2025, subject=AgencyFactory(code="tinh-v", kind=Agency.Kind.PROVINCE))
    with pytest.raises(ValidationError) as err:
        copy_framework(old, code="v-2025", name="x", year_from=2025, actor=officer)
    assert "đang được dùng cho kỳ đánh giá năm 2025: phiên bản mới phải áp dụng từ năm 2026 trở đi" in str(err.value)

    with pytest.raises(ValidationError) as err:  # a code already taken: the source is not closed either
        copy_framework(old, code=old.code, name="x", year_from=2026, actor=officer)
    assert "code" in err.value.error_dict
    old.refresh_from_db()
    assert old.year_to is None and Framework.objects.filter(previous=old).count() == 0


def test_a_framework_is_copied_once_a_year_later(officer):
    old = framework()
    copy_framework(old, code="v-2025", name="x", year_from=2025, actor=officer)
    with pytest.raises(ValidationError) as err:
        copy_framework(old, code="v-2025b", name="x", year_from=2026, actor=officer)
    assert "đã có phiên bản năm sau" in str(err.value) and "v-2025" in str(err.value)


def test_the_framework_of_a_published_year_is_copied_and_stays_as_it_was(officer):
    old = framework()
    build_period(old, year=2024, subject=AgencyFactory(code="tinh-v", kind=Agency.Kind.PROVINCE), status="published")
    before = snapshot(old)
    new = copy_framework(old, code="v-2025", name="x", year_from=2025, actor=officer)
    assert snapshot(old) == before and new.criteria.count() == len(before)
    old.refresh_from_db()
    assert old.year_to == 2024 and old.covers(2024)
    # Still final: its nodes cannot be edited through the one door.
    leaf = node(old, "1.1.1")
    leaf.name = "Sửa"
    with pytest.raises(ValidationError, match="đã công bố"):
        records.save_record(leaf, actor=officer)


# ---- copying a questionnaire ----------------------------------------------------------

def questionnaire(code="q-2024", sections=2, groups_per_section=2, indicators_per_group=3, year_from=2020):
    q = SipasQuestionnaire.objects.create(code=code, name=f"Bộ câu hỏi {code}", year_from=year_from)
    number = 0
    for s in range(sections):
        section = SipasSection.objects.create(questionnaire=q, code="I" * (s + 1), name=f"Phần {s}", order=s)
        for g in range(groups_per_section):
            group = SipasGroup.objects.create(section=section, code=f"{chr(65 + s)}{g}", name=f"Nhóm {s}.{g}", order=g)
            for _i in range(indicators_per_group):
                number += 1
                SipasIndicator.objects.create(group=group, number=number, text=f"Câu {number}")
    return q


def q_snapshot(q):
    return sorted((i.group.section.code, i.group.section.name, i.group.section.order, i.group.code, i.group.name,
                   i.group.order, i.number, i.text) for i in SipasIndicator.objects.filter(questionnaire=q)
                  .select_related("group__section"))


def test_a_copied_questionnaire_has_every_indicator_naming_its_source(officer):
    old = questionnaire()
    new = copy_questionnaire(old, code="q-2025", name="Bộ câu hỏi 2025", year_from=2025, actor=officer)
    assert q_snapshot(new) == q_snapshot(old)
    assert (new.previous, new.year_from) == (old, 2025)
    assert SipasGroup.objects.filter(questionnaire=new).count() == 4
    assert set(SipasGroup.objects.filter(questionnaire=new).values_list("section__questionnaire", flat=True)) == {new.pk}
    for indicator in SipasIndicator.objects.filter(questionnaire=new).select_related("previous", "group"):
        assert indicator.previous.questionnaire_id == old.pk and indicator.previous.number == indicator.number
        assert indicator.group.questionnaire_id == new.pk
    old.refresh_from_db()
    assert old.year_to == 2024
    event = AuditEvent.objects.get(action=AuditAction.QUESTIONNAIRE_COPIED)
    assert event.actor == officer and (event.data["sections"], event.data["groups"], event.data["indicators"]) == (2, 4, 12)


def test_copying_a_questionnaire_costs_the_same_queries_whatever_its_size(officer):
    can_manage(officer)

    def queries(code, **size):
        old = questionnaire(code=f"{code}-2024", **size)
        with CaptureQueriesContext(connection) as ctx:
            copy_questionnaire(old, code=f"{code}-2025", name=code, year_from=2025, actor=officer)
        return len(ctx)

    assert queries("qs", sections=1, groups_per_section=1, indicators_per_group=1) == \
        queries("qb", sections=2, groups_per_section=5, indicators_per_group=8)


def test_only_home_affairs_copies_a_questionnaire(leader):
    old = questionnaire()
    with pytest.raises(PermissionDenied):
        copy_questionnaire(old, code="q-2025", name="x", year_from=2025, actor=leader)
    assert not SipasQuestionnaire.objects.filter(code="q-2025").exists()


# ---- a questionnaire used by a published year is final ----------------------------------

def test_a_questionnaire_used_by_a_published_period_is_read_only_with_all_its_rows(officer):
    q = questionnaire()
    free = questionnaire(code="q-free")
    period = build_period(framework(), year=2024, subject=AgencyFactory(code="tinh-v", kind=Agency.Kind.PROVINCE),
                          status="published")
    period.sipas_questionnaire = q
    period.save()
    section, group = q.sections.first(), q.groups.first()
    indicator = q.indicators.first()
    for row in (q, section, group, indicator):  # no SIPAS value needed: the questionnaire is the period's
        assert records.frozen_refusal(row) == period.frozen_message(), row
    for row in (free, free.sections.first(), free.groups.first(), free.indicators.first()):
        assert records.frozen_refusal(row) is None, row
    with pytest.raises(ValidationError, match="đã công bố"):
        records.save_record(SipasIndicator(group=group, number=99, text="Câu mới"), actor=officer)
    assert not SipasIndicator.objects.filter(number=99).exists()
    assert records.frozen_refusal(SipasQuestionnaire(code="new", name="Mới")) is None


# ---- counterparts: the model's rules, checked by the one door ---------------------------

@pytest.fixture
def versions_pair(officer):
    old = framework()
    new = copy_framework(old, code="v-2025", name="Bộ chỉ số 2025", year_from=2025, actor=officer)
    return old, new


def refused(obj, officer, **m2m):
    with pytest.raises(ValidationError) as err:
        records.save_record(obj, actor=officer, m2m=m2m or None)
    return " ".join(err.value.messages)


def test_a_counterpart_from_another_framework_is_refused(officer, versions_pair):
    old, new = versions_pair
    other = framework(code="khac")
    c = node(new, "1.1.1")
    text = refused(c, officer, predecessors=[node(other, "1.1.1")])
    assert text == f"Tiêu chí 1.1.1 thuộc bộ chỉ số “{other.name}”, không phải phiên bản năm trước “{old.name}” của bộ chỉ số này."
    assert list(node(new, "1.1.1").predecessors.all()) == [node(old, "1.1.1")]
    assert "không phải phiên bản năm trước" in refused(c, officer, predecessors=[node(new, "1.1.2")])


@pytest.mark.parametrize("lineage,codes,expected", [
    (Lineage.SAME, ["1.1.1", "1.1.2"], "“Giữ nguyên” cần đúng một tiêu chí tương ứng năm trước (đang chọn 2)."),
    (Lineage.RENAMED, [], "“Đổi tên hoặc đổi mã” cần đúng một tiêu chí tương ứng năm trước (đang chọn 0)."),
    (Lineage.SPLIT, [], "“Tách từ một nội dung cũ” cần đúng một tiêu chí tương ứng năm trước (đang chọn 0)."),
    (Lineage.MERGED, ["1.1.1"], "“Gộp từ nhiều nội dung cũ” cần ít nhất hai tiêu chí tương ứng năm trước (đang chọn 1)."),
    (Lineage.NEW, ["1.1.1"], "Tiêu chí mới không có tiêu chí tương ứng năm trước: bỏ chọn 1.1.1 hoặc chọn cách tương "
                             "ứng khác."),
    ("", ["1.1.1"], "Chọn “so với năm trước” (giữ nguyên, đổi tên, chuyển, tách, gộp) cho tiêu chí tương ứng đã chọn."),
])
def test_the_kind_of_counterpart_must_match_how_many_are_named(officer, versions_pair, lineage, codes, expected):
    old, new = versions_pair
    c = node(new, "1.1.1")
    c.lineage = lineage
    assert refused(c, officer, predecessors=[node(old, code) for code in codes]) == expected
    c.refresh_from_db()
    assert c.lineage == Lineage.SAME and [p.code for p in c.predecessors.all()] == ["1.1.1"]


def test_a_lineage_changed_alone_is_checked_against_the_stored_counterparts(officer, versions_pair):
    _old, new = versions_pair
    c = node(new, "1.1.1")
    c.lineage = Lineage.MERGED
    assert "cần ít nhất hai" in refused(c, officer)


def test_a_counterpart_named_one_to_one_belongs_to_one_node(officer, versions_pair):
    old, new = versions_pair
    c = node(new, "1.1.2")
    text = refused(c, officer, predecessors=[node(old, "1.1.1")])
    assert text.startswith("Tiêu chí 1.1.1 của năm trước đã là tương ứng của tiêu chí 1.1.1 (“Giữ nguyên”)")
    # A node split in two: the first part says "split", then the second can name it too.
    first = node(new, "1.1.1")
    first.lineage = Lineage.SPLIT
    records.save_record(first, actor=officer)
    c.lineage = Lineage.SPLIT
    records.save_record(c, actor=officer, m2m={"predecessors": [node(old, "1.1.1")]})
    assert set(node(old, "1.1.1").successors.values_list("code", flat=True)) == {"1.1.1", "1.1.2"}


def test_a_framework_without_a_previous_version_names_no_counterpart(officer):
    fw = framework()
    c = node(fw, "1.1.1")
    c.lineage = Lineage.NEW
    assert refused(c, officer) == f"Bộ chỉ số “{fw.name}” chưa khai báo phiên bản năm trước: để trống “so với năm trước”."


def test_a_renamed_node_is_saved_and_audited(officer, versions_pair):
    old, new = versions_pair
    c = node(new, "1.1.2")
    c.code, c.lineage = "1.1.9", Lineage.RENAMED
    records.save_record(c, actor=officer, m2m={"predecessors": [node(old, "1.1.2")]})
    event = AuditEvent.objects.filter(action=AuditAction.RECORD_CHANGED, data__object_id=c.pk).get()
    assert event.data["changes"]["code"] == ["1.1.2", "1.1.9"] and event.data["changes"]["lineage"] == ["same", "renamed"]
    assert framework_mapping(new, old).counterpart(c).previous_codes == ["1.1.2"]


def test_the_previous_version_cannot_change_under_declared_counterparts(officer, versions_pair):
    _old, new = versions_pair
    new.previous = framework(code="khac", year_from=2020)
    with pytest.raises(ValidationError) as err:
        records.save_record(new, actor=officer)
    assert "đang khai báo tương ứng với tiêu chí của" in str(err.value)


# ---- assignments carried over ------------------------------------------------------------

def make_agencies():
    tc = AgencyFactory(code="t-tai-chinh", name="Sở Tài chính (thử)")
    khcn = AgencyFactory(code="t-khcn", name="Sở Khoa học và Công nghệ (thử)")
    tp = AgencyFactory(code="t-tu-phap", name="Sở Tư pháp (thử)")
    ended = datetime.date(2025, 2, 28)
    khdt = AgencyFactory(code="t-khdt", name="Sở Kế hoạch và Đầu tư (thử)", ended_on=ended, successor=tc)
    tttt = AgencyFactory(code="t-tttt", name="Sở Thông tin và Truyền thông (thử)", ended_on=ended, successor=khcn)
    gone = AgencyFactory(code="t-giai-the", name="Ban giải thể (thử)", ended_on=datetime.date(2024, 12, 31))
    return {"tc": tc, "khcn": khcn, "tp": tp, "khdt": khdt, "tttt": tttt, "gone": gone}


@pytest.fixture
def agencies(db):
    return make_agencies()


def assign(period, fw, code, lead, *supporting):
    a = Assignment.objects.create(period=period, criterion=node(fw, code), lead_agency=lead)
    a.supporting_agencies.set(supporting)
    return a


@pytest.fixture
def two_years(officer, agencies):
    return build_two_years(officer, agencies)


def build_two_years(officer, agencies):
    """2024 on the old version; 2025 on a copy where 1.2.2 became 1.2.9, 2.1.1 merged
    2.1.1 and 2.1.2, 2.2.1 was split from 2.2.1, 1.1.3 is new; one 2025 leaf assigned already."""
    a = agencies
    subject = AgencyFactory(code="tinh-v", name="UBND tỉnh V", kind=Agency.Kind.PROVINCE)
    old = framework(fields=2, criteria_per_field=2, leaves_per_criterion=2)
    p24 = build_period(old, year=2024, subject=subject, status="published")
    assign(p24, old, "1.1.1", a["khdt"], a["tp"])
    assign(p24, old, "1.1.2", a["tttt"])
    assign(p24, old, "1.2.1", a["tp"], a["khdt"])
    assign(p24, old, "1.2.2", a["tp"])
    assign(p24, old, "2.1.1", a["tc"], a["tttt"])
    assign(p24, old, "2.1.2", a["khdt"], a["gone"])
    assign(p24, old, "2.2.1", a["tp"])
    assign(p24, old, "2.2.2", a["gone"])
    new = copy_framework(old, code="v-2025", name="Bộ chỉ số 2025", year_from=2025, actor=officer)
    c = node(new, "1.2.2")
    c.code, c.lineage = "1.2.9", Lineage.RENAMED
    records.save_record(c, actor=officer)
    records.delete_record(node(new, "2.1.2"), actor=officer)
    c = node(new, "2.1.1")
    c.max_points, c.lineage = Decimal(2), Lineage.MERGED
    records.save_record(c, actor=officer, m2m={"predecessors": [node(old, "2.1.1"), node(old, "2.1.2")]})
    c = node(new, "2.2.1")
    c.lineage = Lineage.SPLIT
    records.save_record(c, actor=officer)
    records.save_record(Criterion(framework=new, parent=node(new, "1.1"), code="1.1.3", name="Mới", max_points=0,
                                  lineage=Lineage.NEW), actor=officer)
    p25 = build_period(new, year=2025, subject=subject)
    assign(p25, new, "1.2.1", a["khcn"])
    return p24, p25


def lead_and_supporting(period, code):
    a = Assignment.objects.select_related("lead_agency").get(period=period, criterion__code=code)
    return a.lead_agency.code, sorted(a.supporting_agencies.values_list("code", flat=True))


def test_assignments_go_to_the_agencies_that_took_over_the_work(officer, two_years, agencies):
    p24, p25 = two_years
    result = copy_assignments(p24, p25, actor=officer)

    assert lead_and_supporting(p25, "1.1.1") == ("t-tai-chinh", ["t-tu-phap"])  # Sở KH&ĐT → Sở Tài chính
    assert lead_and_supporting(p25, "1.1.2") == ("t-khcn", [])  # Sở TT&TT → Sở KH&CN
    assert lead_and_supporting(p25, "1.2.1") == ("t-khcn", [])  # assigned already: kept
    assert lead_and_supporting(p25, "1.2.9") == ("t-tu-phap", [])  # renamed: compared one to one
    # Merged: the first node's lead leads; the second's (KH&ĐT → Tài chính, already lead) and the
    # helpers that still work (TT&TT → KH&CN; the dissolved board is left out) support.
    assert lead_and_supporting(p25, "2.1.1") == ("t-tai-chinh", ["t-khcn"])
    for code in ("1.1.3", "2.2.1", "2.2.2"):
        assert not Assignment.objects.filter(period=p25, criterion__code=code).exists(), code
    assert [(old.code, new.code) for old, new in result.moved] == [("t-khdt", "t-tai-chinh"), ("t-tttt", "t-khcn")]
    assert [c.code for c in result.kept] == ["1.2.1"]
    reasons = dict((c.code, why) for c, why in result.unassigned)
    assert set(reasons) == {"1.1.3", "2.2.1", "2.2.2"}
    assert "mới" in reasons["1.1.3"] and "tách từ 2.2.1" in reasons["2.2.1"]
    assert reasons["2.2.2"] == "Ban giải thể (thử) đã kết thúc hoạt động, chưa ghi đơn vị tiếp nhận"
    # The scores answer to the new leads.
    assert Score.objects.get(period=p25, criterion__code="1.1.1").responsible_agency == agencies["tc"]
    assert Score.objects.get(period=p25, criterion__code="1.2.1").responsible_agency == agencies["khcn"]
    event = AuditEvent.objects.get(action=AuditAction.ASSIGNMENTS_COPIED)
    assert (event.actor, event.period, event.data["from_year"]) == (officer, p25, 2024)
    assert event.data["moved"] == [["t-khdt", "t-tai-chinh"], ["t-tttt", "t-khcn"]]
    assert event.data["assigned"]["2.1.1"] == ["t-tai-chinh", ["t-khcn"]]
    text = " ".join(result.summary())
    assert "Sở Kế hoạch và Đầu tư (thử) → Sở Tài chính (thử)" in text
    assert "Kỳ 2025: đã phân công 4 tiêu chí theo phân công năm 2024." in text
    assert "1 tiêu chí đã có phân công, giữ nguyên." in text


def test_copying_assignments_twice_changes_nothing_the_second_time(officer, two_years):
    p24, p25 = two_years
    copy_assignments(p24, p25, actor=officer)
    before = sorted(Assignment.objects.filter(period=p25).values_list("criterion__code", "lead_agency__code"))
    result = copy_assignments(p24, p25, actor=officer)
    assert result.assigned == [] and len(result.kept) == 5
    assert sorted(Assignment.objects.filter(period=p25).values_list("criterion__code", "lead_agency__code")) == before


def test_assignments_are_not_copied_into_a_published_period(officer, two_years):
    p24, p25 = two_years
    p25.status = "published"
    p25.save()
    with pytest.raises(ValidationError) as err:
        copy_assignments(p24, p25, actor=officer)
    assert err.value.messages == [p25.frozen_message()]
    assert Assignment.objects.filter(period=p25).count() == 1
    assert not AuditEvent.objects.filter(action=AuditAction.ASSIGNMENTS_COPIED).exists()


@pytest.mark.parametrize("persona", ["tuphap", "leader"])
def test_only_home_affairs_copies_assignments(request, two_years, persona):
    p24, p25 = two_years
    with pytest.raises(PermissionDenied):
        copy_assignments(p24, p25, actor=request.getfixturevalue(persona))
    assert Assignment.objects.filter(period=p25).count() == 1


def test_copying_assignments_costs_the_same_queries_whatever_the_framework_size(officer, agencies):
    can_manage(officer)

    def queries(code, **size):
        fw = framework(code=code, **size)
        subject = AgencyFactory(code=f"tinh-{code}", kind=Agency.Kind.PROVINCE)
        p24 = build_period(fw, year=2024, subject=subject, status="published")
        leads = [agencies["khdt"], agencies["tp"], agencies["tttt"]]
        for i, leaf in enumerate(fw.criteria.leaves().order_by("sort_key")):
            Assignment.objects.create(period=p24, criterion=leaf, lead_agency=leads[i % 3]).supporting_agencies.set(
                [agencies["tc"]])
        p25 = build_period(fw, year=2025, subject=subject)
        with CaptureQueriesContext(connection) as ctx:
            result = copy_assignments(p24, p25, actor=officer)
        assert len(result.assigned) == fw.criteria.leaves().count()
        return len(ctx)

    assert queries("nho", fields=2, criteria_per_field=1, leaves_per_criterion=3) == \
        queries("lon", fields=6, criteria_per_field=4, leaves_per_criterion=4)


# ---- the officer's warning -----------------------------------------------------------------

def test_no_warning_when_both_years_use_one_framework_or_every_node_compares(officer):
    subject = AgencyFactory(code="tinh-v", kind=Agency.Kind.PROVINCE)
    old = framework()
    build_period(old, year=2024, subject=subject, status="published")
    same = build_period(old, year=2025, subject=subject)
    assert mapping_warning(same) is None
    new = copy_framework(old, code="v-2026", name="x", year_from=2026, actor=officer)
    assert mapping_warning(build_period(new, year=2026, subject=subject)) is None


def test_the_warning_names_what_will_not_be_compared(officer, two_years):
    _p24, p25 = two_years
    records.save_record(Criterion(framework=p25.framework, parent=node(p25.framework, "1.2"), code="1.2.7",
                                  name="Chưa khai báo", max_points=0), actor=officer)
    warning = mapping_warning(p25)
    assert warning.previous_year == 2024 and warning.previous == _p24.framework
    # New, undeclared and split nodes; the renamed and merged ones compare, and so do their
    # parents (no leaf moved between parents).
    assert warning.codes == ["1.1.3", "1.2.7", "2.2.1"]
    assert warning.problems == [
        f"1 nội dung của bộ chỉ số “{p25.framework}” chưa khai báo tương ứng năm trước (1.2.7): báo cáo sẽ không so "
        "sánh các nội dung này."]
    p25.baseline = Baseline.NONE
    assert mapping_warning(p25) is None


def test_a_framework_with_no_link_to_last_year_compares_nothing(officer):
    subject = AgencyFactory(code="tinh-v", kind=Agency.Kind.PROVINCE)
    build_period(framework(code="a-2024"), year=2024, subject=subject, status="published")
    unlinked = framework(code="b-2025", year_from=2025)
    warning = mapping_warning(build_period(unlinked, year=2025, subject=subject))
    assert warning.count == unlinked.criteria.count()
    assert "không khai báo phiên bản trước" in warning.problems[0]


# ---- check_framework ---------------------------------------------------------------------------

def test_check_framework_reports_mapping_problems_and_fails_on_a_foreign_counterpart(officer, two_years, capsys):
    _p24, p25 = two_years
    records.save_record(Criterion(framework=p25.framework, parent=node(p25.framework, "1.2"), code="1.2.7",
                                  name="Chưa khai báo", max_points=0), actor=officer)
    call_command("check_framework")
    out = capsys.readouterr().out
    assert ("TƯƠNG ỨNG NĂM TRƯỚC: v-2025 so với v-2024: 1 nội dung của bộ chỉ số “Bộ chỉ số 2025” chưa khai báo tương "
            "ứng năm trước (1.2.7)") in out
    # A counterpart outside the previous version (written around the one door) fails the check.
    other = framework(code="khac")
    node(p25.framework, "1.1.1").predecessors.add(node(other, "1.1.1"))
    with pytest.raises(CommandError):
        call_command("check_framework")
    out = capsys.readouterr().out
    assert (f"LỖI: v-2025, tiêu chí 1.1.1: Tiêu chí 1.1.1 thuộc bộ chỉ số “{other.name}”, không phải phiên bản năm trước "
            f"“{_p24.framework.name}” của bộ chỉ số này.") in out


def test_a_leaf_added_after_the_period_was_set_up_gets_its_score_row(officer, two_years):
    p24, p25 = two_years
    records.save_record(Criterion(framework=p25.framework, parent=node(p25.framework, "1.2"), code="1.2.7",
                                  name="Thêm sau", max_points=0, lineage=Lineage.NEW), actor=officer)
    assert not Score.objects.filter(period=p25, criterion__code="1.2.7").exists()
    result = copy_assignments(p24, p25, actor=officer)
    assert Score.objects.filter(period=p25, criterion__code="1.2.7").exists()
    assert "1.2.7" in [c.code for c, _why in result.unassigned]
