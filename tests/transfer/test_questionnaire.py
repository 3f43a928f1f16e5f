"""A SIPAS questionnaire arrives as one spreadsheet (a row per indicator, with its section
and group): a fresh install loads the 39 indicators in one go, a new year's version names
each indicator's counterpart of the year before, and a questionnaire a published year was
surveyed with never changes."""
import pytest

from scorecards.choices import AuditAction
from scorecards.models import AuditEvent, SipasGroup, SipasIndicator, SipasQuestionnaire, SipasSection
from scorecards.resources import services
from scorecards.services.demo import load_data

from .conftest import csv_bytes, xlsx

HEADER = ["Mã phần", "Tên phần", "Thứ tự phần", "Mã nhóm", "Tên nhóm", "Thứ tự nhóm", "Số thứ tự tiêu chí", "Nội dung",
          "Số năm trước"]


def demo_rows(previous: bool = False) -> list[list]:
    """The demo's 39-indicator questionnaire (the Ministry's 2017 one) as the import sheet."""
    data = load_data()["sipas"]
    sections = {s["code"]: s for s in data["sections"]}
    groups = {g["code"]: g for g in data["groups"]}
    rows = [list(HEADER)]
    for indicator in data["indicators"]:
        group = groups[indicator["group"]]
        section = sections[group["section"]]
        rows.append([section["code"], section["name"], section["order"], group["code"], group["name"], group["order"],
                     indicator["number"], indicator["text"], indicator["number"] if previous else ""])
    return rows


def make(rows, fmt="xlsx"):
    return xlsx(rows, title="Bộ câu hỏi SIPAS") if fmt == "xlsx" else csv_bytes(rows)


def run(data, questionnaire, officer, dry_run=False, name="bo-cau-hoi.xlsx"):
    return services.run_import("questionnaire", data, name, scope=questionnaire, actor=officer, dry_run=dry_run)


@pytest.fixture
def fresh(db):
    """An empty questionnaire version, as on a fresh install."""
    return SipasQuestionnaire.objects.create(code="sipas-moi", name="Bộ câu hỏi SIPAS mới", year_from=2030)


@pytest.fixture
def used_2024(period_2024):
    """The questionnaire the published 2024 period was surveyed with."""
    return period_2024.sipas_questionnaire


@pytest.fixture
def next_version(used_2024):
    """Next year's version, mapped to the 2024 one."""
    return SipasQuestionnaire.objects.create(code="sipas-2030", name="Bộ câu hỏi SIPAS 2030", year_from=2030,
                                             previous=used_2024)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_a_fresh_install_loads_the_39_indicators_from_one_spreadsheet(fmt, fresh, officer):
    data = load_data()["sipas"]
    preview = run(make(demo_rows(), fmt), fresh, officer, name=f"sipas.{fmt}")
    assert preview.applied and len(preview.new) == 39, [str(e) for e in preview.errors]
    assert SipasSection.objects.filter(questionnaire=fresh).count() == len(data["sections"]) == 2
    assert SipasGroup.objects.filter(questionnaire=fresh).count() == len(data["groups"]) == 9
    indicators = {i.number: i for i in SipasIndicator.objects.filter(questionnaire=fresh).select_related("group__section")}
    assert sorted(indicators) == list(range(1, 40))
    first = data["indicators"][0]
    group = next(g for g in data["groups"] if g["code"] == first["group"])
    assert indicators[1].text == first["text"]
    assert (indicators[1].group.code, indicators[1].group.name, indicators[1].group.section.code) == (
        group["code"], group["name"], group["section"])
    assert all(i.previous_id is None for i in indicators.values())
    summary = AuditEvent.objects.filter(action=AuditAction.QUESTIONNAIRE_IMPORTED).latest("pk")
    assert (summary.actor, summary.data["questionnaire"], summary.data["new"], summary.data["file"]) == (
        officer, "sipas-moi", 39, f"sipas.{fmt}")
    # Each section, group and indicator went through the one door (a record.created event each).
    created = AuditEvent.objects.filter(action=AuditAction.RECORD_CREATED, data__model__startswith="scorecards.sipas")
    assert created.count() == 2 + 9 + 39


def test_the_template_says_how_to_fill_the_sheet_in():
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(services.template("questionnaire", "xlsx")))
    assert [c.value for c in wb["Bộ câu hỏi SIPAS"][1]] == HEADER + ["Nội dung năm trước"]
    guide = {row[0]: row for row in wb["Hướng dẫn"].iter_rows(min_row=2, values_only=True) if row and row[0]}
    assert guide["Mã phần"][1] == "Có" and guide["Số năm trước"][1] != "Có"
    assert "năm trước" in guide["Số năm trước"][2]
    csv_text = services.template("questionnaire", "csv").decode("utf-8-sig")
    assert csv_text.splitlines()[0].split(";")[:3] == HEADER[:3]


def test_a_new_version_maps_to_last_year_and_a_40th_indicator_leaves_2024_alone(next_version, used_2024, officer,
                                                                                 period_2024):
    before = list(SipasIndicator.objects.filter(questionnaire=used_2024).order_by("number").values_list("pk", "number", "text"))
    rows = demo_rows(previous=True) + [["II", "", "", "K", "", "", 40, "Công chức hướng dẫn trên Cổng dịch vụ công", ""]]
    preview = run(make(rows), next_version, officer)
    assert preview.applied and len(preview.new) == 40, [str(e) for e in preview.errors]
    new = {i.number: i for i in SipasIndicator.objects.filter(questionnaire=next_version).select_related("previous")}
    assert new[5].previous.questionnaire_id == used_2024.pk and new[5].previous.number == 5
    assert new[40].previous is None and new[40].group.code == "K"
    # The published year's questionnaire is untouched: still 39 indicators, same rows.
    assert list(SipasIndicator.objects.filter(questionnaire=used_2024).order_by("number")
                .values_list("pk", "number", "text")) == before
    assert period_2024.sipas_questionnaire.indicators.count() == 39


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_an_exported_questionnaire_reimports_unchanged(fmt, next_version, officer, db_state):
    run(make(demo_rows(previous=True)), next_version, officer)
    data = services.export("questionnaire", fmt, scope=next_version)
    before = db_state()
    preview = run(data, next_version, officer, name=f"export.{fmt}")
    assert preview.ok and not preview.new and not preview.changed and len(preview.unchanged) == 39
    assert db_state() == before


def test_blank_names_and_orders_keep_what_is_stored(fresh, officer, db_state):
    run(make(demo_rows()), fresh, officer)
    rows = [HEADER] + [[r[0], "", "", r[3], "", "", r[6], r[7], ""] for r in demo_rows()[1:]]
    before = db_state()
    preview = run(make(rows), fresh, officer)
    assert preview.ok and len(preview.unchanged) == 39 and not preview.changed
    assert db_state() == before


def test_a_group_renamed_on_one_row_is_renamed_and_an_indicator_moves(fresh, officer):
    run(make(demo_rows()), fresh, officer)
    rows = [HEADER] + [[r[0], "", "", r[3], "", "", r[6], r[7], ""] for r in demo_rows()[1:]]
    rows[1][4] = "Trách nhiệm giải trình (tên mới)"  # indicator 1, group A
    rows[3][3] = "A"  # indicator 3 moves from group B to A
    preview = run(make(rows), fresh, officer)
    assert preview.applied, [str(e) for e in preview.errors]
    assert [r.key for r in preview.changed] == ["1", "3"]
    changes = {c.column: (c.old_display, c.new_display) for c in preview.changed[0].changes}
    assert changes["Tên nhóm"][1] == "Trách nhiệm giải trình (tên mới)"
    assert SipasGroup.objects.get(questionnaire=fresh, code="A").name == "Trách nhiệm giải trình (tên mới)"
    assert SipasIndicator.objects.get(questionnaire=fresh, number=3).group.code == "A"


def _broken(rows, row, column, value):
    rows[row][HEADER.index(column)] = value
    return rows


def _in_section_two(rows, row):
    """Row `row` says its group is in section II (with section II's own name and order)."""
    second = next(r for r in rows[1:] if r[0] == "II")
    rows[row][0:3] = second[0:3]
    return rows


REFUSALS = {
    "unknown previous number": (
        "next", lambda: _broken(demo_rows(previous=True), 2, "Số năm trước", 99),
        (3, "Số năm trước", "không có tiêu chí số 99 trong bộ câu hỏi năm trước")),
    "previous number without a previous version": (
        "fresh", lambda: _broken(demo_rows(), 1, "Số năm trước", 1),
        (2, "Số năm trước", "chưa có phiên bản năm trước")),
    "two names for one group": (
        "fresh", lambda: _broken(demo_rows(), 2, "Tên nhóm", "Tên khác"),
        (3, "Tên nhóm", "các dòng của cùng nhóm phải ghi giống nhau")),
    "a group in two sections": (
        "fresh", lambda: _in_section_two(demo_rows(), 2),
        (3, "Mã phần", "nhóm “A”: dòng 2 ghi “I”, dòng này ghi “II”; các dòng của cùng nhóm phải ghi giống nhau")),
    "a new section without a name": (
        "fresh", lambda: demo_rows() + [["III", "", "", "L", "Nhóm mới", "", 40, "Tiêu chí mới", ""]],
        (41, "Tên phần", "“III” là phần mới: ghi tên")),
    "a number twice": (
        "fresh", lambda: _broken(demo_rows(), 2, "Số thứ tự tiêu chí", 1),
        (3, "Số thứ tự tiêu chí", "trùng với dòng 2")),
    "a code too long": (
        "fresh", lambda: _broken(demo_rows(), 1, "Mã nhóm", "NHOM-QUA-DAI"),
        (2, "Mã nhóm", "tối đa 10")),
    "a number that is not one": (
        "fresh", lambda: _broken(demo_rows(), 1, "Số thứ tự tiêu chí", "một"),
        (2, "Số thứ tự tiêu chí", "không phải là số")),
    "no text": (
        "fresh", lambda: _broken(demo_rows(), 1, "Nội dung", ""),
        (2, "Nội dung", "bắt buộc")),
}


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
@pytest.mark.parametrize("case", list(REFUSALS))
def test_a_bad_row_is_refused_with_its_reason_and_nothing_is_written(case, fmt, request, fresh, next_version, officer,
                                                                      db_state):
    target, rows, (line, column, message) = REFUSALS[case]
    questionnaire = fresh if target == "fresh" else next_version
    before = db_state()
    preview = run(make(rows(), fmt), questionnaire, officer, name=f"sipas.{fmt}")
    assert not preview.ok and not preview.applied
    assert any(e.row == line and e.column == column and message in e.message for e in preview.errors), [
        str(e) for e in preview.errors]
    assert db_state() == before


def test_a_questionnaire_used_by_a_published_year_is_final(used_2024, officer, db_state):
    rows = demo_rows() + [["II", "", "", "K", "", "", 40, "Tiêu chí thứ 40", ""]]
    before = db_state()
    preview = run(make(rows), used_2024, officer)
    assert not preview.ok
    [error] = preview.errors
    frozen_years = {str(y) for y in used_2024.periods.filter(status__in=["published", "closed"]).values_list("year", flat=True)}
    assert "2024" in frozen_years and used_2024.name in error.message and "phiên bản mới" in error.message
    assert any(f"năm {y}" in error.message for y in frozen_years)
    assert db_state() == before


def test_only_home_affairs_staff_import_a_questionnaire(fresh, tuphap):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        run(make(demo_rows()), fresh, tuphap)


def test_short_and_lower_case_headers_are_read(fresh, officer):
    rows = [["phần", "Tên phần", "nhóm", "Tên nhóm", "STT", "nội dung tiêu chí"],
            ["I", "Phần một", "A", "Nhóm A", 1, "Tiêu chí một"], ["I", "", "A", "", "2", "Tiêu chí hai"]]
    preview = run(make(rows), fresh, officer)
    assert preview.applied and len(preview.new) == 2, [str(e) for e in preview.errors]
    assert SipasIndicator.objects.get(questionnaire=fresh, number=2).group.section.name == "Phần một"
