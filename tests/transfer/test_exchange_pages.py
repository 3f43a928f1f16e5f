"""The Excel exchange as a Home Affairs officer meets it (issue 13): the export asks for the
period when the list does not say which, a template comes with every criterion filled in,
file names are Vietnamese, and errors come sorted by row with the framework's name."""
import csv
import io
import re

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scorecards.models import Assignment, Criterion, EvaluationPeriod, ImportJob, NationalResult, Round, Score, SipasIndicator
from scorecards.resources import services

from .conftest import xlsx
from .test_admin import login, upload

EXPORT = "admin:scorecards_score_export"
IMPORT = "admin:scorecards_score_import"
TEMPLATE = "admin:scorecards_score_template"
STOCK = ("---------", ">xlsx<", ">csv<", "Format", "Resource", "File to import", "This field is required",
         "Select a valid choice")


def sheet_rows(content: bytes, title: str) -> list[tuple]:
    return list(openpyxl.load_workbook(io.BytesIO(content))[title].iter_rows(min_row=2, values_only=True))


def leaves(period) -> list[Criterion]:
    return list(Criterion.objects.filter(framework=period.framework, children__isnull=True).order_by("sort_key", "pk"))


def options(html: str) -> list[str]:
    select = re.search(r'<select name="scope".*?</select>', html, re.S).group(0)
    return re.findall(r"<option value=\"\d+\"[^>]*>([^<]*)</option>", select)


# ---- 1. the export asks for the period --------------------------------------------------------

def test_the_unfiltered_export_asks_for_the_period_latest_first_named_as_users_know_it(client, officer, period_2024):
    login(client, officer)
    html = client.get(reverse(EXPORT)).content.decode()
    names = options(html)
    assert names[:4] == ["2026 – Ủy ban nhân dân tỉnh Điện Biên", "2025 – Ủy ban nhân dân tỉnh Điện Biên",
                         "2024 – Ủy ban nhân dân tỉnh Điện Biên", "2023 – Ủy ban nhân dân tỉnh Điện Biên"]
    assert "— Chọn kỳ đánh giá —" in html and 'name="scope" required' in html
    scope_select = re.search(r'<select name="scope".*?</select>', html, re.S).group(0)
    assert not re.search(r'<option value="\d+" selected', scope_select)  # nothing chosen for the officer
    assert '<optgroup label="Chỉ số CCHC cấp tỉnh">' in html
    # A unit's scorecard in a province's own round sits under its round.
    round_ = Round.objects.order_by("-year").first()
    assert f'<optgroup label="{round_.name}">' in html
    assert "Excel (.xlsx)" in html and not [s for s in STOCK if s in html]


def test_the_chosen_period_is_exported_with_its_rows_only(client, officer, period_2024, open_period):
    login(client, officer)
    response = client.post(reverse(EXPORT), {"format": "0", "resource": "0", "scope": period_2024.pk})
    assert response["Content-Disposition"] == 'attachment; filename="diem-2024-ubnd-tinh-dien-bien.xlsx"'
    codes = [row[0] for row in sheet_rows(response.content, "Điểm")]
    assert codes == [c.code for c in leaves(period_2024)]


def test_the_list_filter_preselects_the_period_and_another_choice_keeps_the_other_filters(client, officer,
                                                                                         period_2024, open_period):
    login(client, officer)
    url = reverse(EXPORT) + f"?period__id__exact={open_period.pk}&criterion__scoring_source=survey"
    page = client.get(url)
    assert page.context["form"]["scope"].value() == open_period.pk
    assert "theo các bộ lọc khác" in page.content.decode()
    response = client.post(url, {"format": "0", "resource": "0", "scope": period_2024.pk})
    codes = [row[0] for row in sheet_rows(response.content, "Điểm")]
    expected = Score.objects.filter(period=period_2024, criterion__scoring_source="survey").count()
    assert expected and len(codes) == expected and all(code.endswith("KS") for code in codes)
    assert response["Content-Disposition"] == 'attachment; filename="diem-2024-ubnd-tinh-dien-bien.xlsx"'


@pytest.mark.parametrize("value", ["abc", "999999", "-1", "1 OR 1=1", "²", "99999999999999999999"])
def test_a_bad_period_on_the_form_is_a_vietnamese_error_and_exports_nothing(client, officer, period_2024, value):
    login(client, officer)
    response = client.post(reverse(EXPORT), {"format": "0", "resource": "0", "scope": value})
    html = response.content.decode()
    assert response.status_code == 200 and "Content-Disposition" not in response
    assert f"Không có kỳ đánh giá mã “{value}”: chọn một kỳ trong danh sách." in html and "Chưa xuất được" in html


def test_a_bad_format_is_a_vietnamese_error(client, officer, period_2024):
    login(client, officer)
    response = client.post(reverse(EXPORT), {"format": "7", "resource": "0", "scope": period_2024.pk})
    assert "Không có định dạng “7”: chọn Excel hoặc CSV." in response.content.decode()


def test_a_missing_period_in_the_address_is_said_and_asked_again(client, officer, period_2024):
    login(client, officer)
    response = client.get(reverse(EXPORT) + "?period__id__exact=999999")
    html = response.content.decode()
    assert response.status_code == 200 and "Địa chỉ trang ghi kỳ đánh giá mã “999999”, không có trong danh sách" in html
    assert response.context["form"]["scope"].value() is None
    response = client.post(reverse(EXPORT) + "?period__id__exact=999999",
                           {"format": "1", "resource": "0", "scope": period_2024.pk})
    assert response["Content-Disposition"] == 'attachment; filename="diem-2024-ubnd-tinh-dien-bien.csv"'
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert [r[0] for r in rows[1:]] == [c.code for c in leaves(period_2024)]


@pytest.mark.parametrize("value", ["abc", "²", "99999999999999999999"])
def test_a_malformed_period_in_the_address_is_a_vietnamese_400(client, officer, period_2024, value):
    login(client, officer)
    response = client.get(reverse(EXPORT), {"period__id__exact": value})
    assert response.status_code == 400 and f"Kỳ đánh giá “{value}” trong địa chỉ trang không hợp lệ" in response.content.decode()
    for page in (reverse(IMPORT), reverse(TEMPLATE, args=["xlsx"]), reverse("admin:scorecards_score_changelist")):
        response = client.get(page, {"period__id__exact": value} if "template" not in page else {"scope": value})
        assert response.status_code in (200, 302), (page, response.status_code)  # never a server error


def test_every_scoped_export_asks_for_its_scope(client, officer, period_2024):
    login(client, officer)
    for model, empty in (("assignment", "— Chọn kỳ đánh giá —"), ("sipasvalue", "— Chọn kỳ đánh giá —"),
                         ("criterion", "— Chọn bộ chỉ số —")):
        html = client.get(reverse(f"admin:scorecards_{model}_export")).content.decode()
        assert empty in html and "---------" not in html, model
    response = client.post(reverse("admin:scorecards_assignment_export"), {"format": "0", "scope": period_2024.pk})
    assert response["Content-Disposition"] == 'attachment; filename="phan-cong-2024-ubnd-tinh-dien-bien.xlsx"'
    response = client.post(reverse("admin:scorecards_criterion_export"), {"format": "0", "scope": period_2024.framework_id})
    assert response["Content-Disposition"] == \
        'attachment; filename="bo-chi-so-cai-cach-hanh-chinh-cap-tinh.xlsx"'


def test_the_export_page_costs_the_same_queries_for_a_small_or_a_large_period(client, officer, period_2024):
    from tests.factories import build_framework, build_period

    login(client, officer)
    small = build_period(build_framework(2, 2, 2, code="nho"), year=2031)
    large = build_period(build_framework(4, 10, 10, code="lon"), year=2032, subject=small.subject)
    counts = []
    for period in (small, large):
        with CaptureQueriesContext(connection) as ctx:
            response = client.post(reverse(EXPORT), {"format": "0", "resource": "0", "scope": period.pk})
        assert len(sheet_rows(response.content, "Điểm")) == Score.objects.filter(period=period).count()
        counts.append(len(ctx.captured_queries))
    assert counts[1] <= counts[0], counts


# ---- 2. templates with the criteria filled in --------------------------------------------------

def test_the_score_template_has_every_leaf_in_tree_order_with_its_name_and_maximum(client, officer, open_period):
    login(client, officer)
    response = client.get(reverse(TEMPLATE, args=["xlsx"]), {"scope": open_period.pk})
    assert response["Content-Disposition"] == 'attachment; filename="mau-diem-2026-ubnd-tinh-dien-bien.xlsx"'
    rows = sheet_rows(response.content, "Điểm")
    expected = leaves(open_period)
    assert [(r[0], r[1], r[2]) for r in rows] == [(c.code, c.name, float(c.max_points)) for c in expected]
    guide = openpyxl.load_workbook(io.BytesIO(response.content))["Hướng dẫn"]
    assert guide["A1"].value == "Cột"


def test_a_template_left_as_it_came_imports_nothing_and_one_typed_point_is_one_change(client, officer, open_period,
                                                                                    db_state):
    login(client, officer)
    template = client.get(reverse(TEMPLATE, args=["xlsx"]), {"scope": open_period.pk}).content
    before = db_state()
    preview = upload(client, template, "mau.xlsx", open_period).context["preview"]
    assert preview.ok and not preview.new and not preview.changed and len(preview.unchanged) == len(leaves(open_period))
    assert db_state() == before
    wb = openpyxl.load_workbook(io.BytesIO(template))
    row = next(r for r in wb["Điểm"].iter_rows(min_row=2) if r[0].value == "2.3.2")
    row[3].value = 0.5
    filled = io.BytesIO()
    wb.save(filled)
    preview = upload(client, filled.getvalue(), "mau.xlsx", open_period).context["preview"]
    assert preview.ok and [r.key for r in preview.changed] == ["2.3.2"]


def test_the_template_page_asks_for_the_period_and_a_bad_one_is_said(client, officer, open_period, db_state):
    login(client, officer)
    before = db_state()
    page = client.get(reverse(TEMPLATE, args=["xlsx"]))
    html = page.content.decode()
    assert "Content-Disposition" not in page and "— Chọn kỳ đánh giá —" in html and "Tải tệp mẫu CSV" in html
    for value in ("abc", "999999"):
        html = client.get(reverse(TEMPLATE, args=["csv"]), {"scope": value}).content.decode()
        assert f"Không có kỳ đánh giá mã “{value}”" in html
    assert db_state() == before
    # From a list filtered by a period, the template link carries it.
    html = client.get(reverse("admin:scorecards_score_changelist") + f"?period__id__exact={open_period.pk}").content.decode()
    assert f'{reverse(TEMPLATE, args=["xlsx"])}?scope={open_period.pk}' in html
    assert f'{reverse(IMPORT)}?scope={open_period.pk}' in html


def test_the_assignment_template_lists_every_leaf_with_its_agencies(client, officer, period_2024):
    login(client, officer)
    response = client.get(reverse("admin:scorecards_assignment_template", args=["xlsx"]), {"scope": period_2024.pk})
    assert response["Content-Disposition"] == 'attachment; filename="mau-phan-cong-2024-ubnd-tinh-dien-bien.xlsx"'
    rows = sheet_rows(response.content, "Phân công")
    assert [r[0] for r in rows] == [c.code for c in leaves(period_2024)]
    stored = Assignment.objects.filter(period=period_2024).select_related("lead_agency", "criterion").first()
    assert (stored.lead_agency.code in next(r for r in rows if r[0] == stored.criterion.code))


def test_the_sipas_template_lists_every_indicator_of_the_periods_questionnaire(client, officer, open_period):
    login(client, officer)
    response = client.get(reverse("admin:scorecards_sipasvalue_template", args=["xlsx"]), {"scope": open_period.pk})
    rows = sheet_rows(response.content, "SIPAS")
    numbers = list(SipasIndicator.objects.filter(questionnaire_id=open_period.sipas_questionnaire_id)
                   .order_by("number").values_list("number", flat=True))
    assert len(numbers) == 39 and [r[0] for r in rows] == numbers and all(r[1] for r in rows)


def test_the_national_results_template_is_next_years_provinces_and_imports_nothing_blank(officer, period_2024):
    data = services.template("national-results", "xlsx")
    rows = sheet_rows(data, "Kết quả")
    assert {r[0] for r in rows} == {2026} and len(rows) == 34 and all(r[1] and r[2] for r in rows)
    before = NationalResult.objects.count()
    preview = services.run_import("national-results", data, "mau.xlsx", actor=officer, dry_run=False)
    assert preview.ok and not preview.new and NationalResult.objects.count() == before


def test_the_round_appraisal_template_lists_the_rounds_units_and_criteria(client, officer, period_2024):
    round_ = Round.objects.order_by("-year").first()
    login(client, officer)
    response = client.get(reverse("admin:scorecards_round_template_kind", args=[round_.pk, "round_appraisal", "xlsx"]))
    assert response["Content-Disposition"] == 'attachment; filename="mau-diem-tham-dinh-cua-dot-2025.xlsx"'
    rows = sheet_rows(response.content, "Thẩm định")
    expected = Score.objects.filter(period__round=round_).exclude(criterion__scoring_source="survey").count()
    assert len(rows) == expected and all(r[0] and r[2] and r[3] and r[4] is not None for r in rows)
    survey = client.get(reverse("admin:scorecards_round_template_kind", args=[round_.pk, "round_survey", "csv"]))
    assert survey["Content-Disposition"] == 'attachment; filename="mau-diem-dieu-tra-xa-hoi-hoc-2025.csv"'
    lines = list(csv.reader(io.StringIO(survey.content.decode("utf-8-sig")), delimiter=";"))
    assert len(lines) - 1 == Score.objects.filter(period__round=round_, criterion__scoring_source="survey").count()


def test_a_template_costs_the_same_queries_for_a_small_or_a_large_framework(officer):
    from tests.factories import build_framework, build_period

    small = build_period(build_framework(2, 2, 2, code="nho"), year=2031)
    large = build_period(build_framework(4, 10, 10, code="lon"), year=2032, subject=small.subject)
    counts = []
    for slug in ("scores", "assignments", "sipas"):
        for period in (small, large):
            with CaptureQueriesContext(connection) as ctx:
                services.template(slug, "xlsx", scope=period)
            counts.append(len(ctx.captured_queries))
        assert counts[-1] <= counts[-2] <= 4, (slug, counts)


# ---- 3. file names ------------------------------------------------------------------------------

@pytest.mark.parametrize("model, scope, name", [
    ("agency", None, "co-quan-don-vi"), ("province", None, "tinh-thanh-pho"),
    ("nationalresult", None, "ket-qua-cong-bo"), ("sipasvalue", "period", "ket-qua-sipas-2024-ubnd-tinh-dien-bien"),
])
def test_every_file_has_a_vietnamese_name(client, officer, period_2024, model, scope, name):
    login(client, officer)
    fields = {"format": "1", "resource": "0"}
    if scope:
        fields["scope"] = period_2024.pk
    response = client.post(reverse(f"admin:scorecards_{model}_export"), fields)
    assert response["Content-Disposition"] == f'attachment; filename="{name}.csv"'
    template = client.get(reverse(f"admin:scorecards_{model}_template", args=["xlsx"]),
                          {"scope": period_2024.pk} if scope else {})
    assert template["Content-Disposition"] == f'attachment; filename="mau-{name}.xlsx"'


def test_a_long_name_is_cut_at_a_word():
    from scorecards.models import Framework
    from scorecards.resources import CriterionResource, files

    framework = Framework(name="Bộ chỉ số đánh giá kết quả cải cách hành chính của các sở, ban, ngành và Ủy ban nhân "
                               "dân các xã, phường, đặc khu thuộc tỉnh")
    name = files.file_name(CriterionResource, framework, "xlsx", template=True)
    assert name.startswith("mau-bo-chi-so-danh-gia-ket-qua-cai-cach") and name.endswith(".xlsx")
    assert len(name) <= len("mau-") + files.FILE_STEM_CHARS + len(".xlsx") and not name[:-5].endswith("-")
    assert name.isascii()


# ---- 4. errors sorted by row, with the framework's name -----------------------------------------

def test_errors_are_sorted_by_row_then_column_and_name_the_framework_and_the_code(client, officer, open_period):
    login(client, officer)
    header = ["Điểm thẩm định", "Mã tiêu chí", "Điểm tự đánh giá"]
    data = xlsx([header, ["x", "1.1.1", "abc"], ["", "9.9", "1"], ["-1", "2.3.2", "9"], ["", "1", "1"]])
    response = upload(client, data, "loi.xlsx", open_period)
    errors = response.context["preview"].errors
    located = [(e.row, e.column) for e in errors]
    assert located == sorted(located, key=lambda rc: (rc[0], ["Mã tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định"].index(rc[1])))
    assert [e.row for e in errors] == sorted(e.row for e in errors) and errors[0].row == 2
    framework = open_period.framework.name
    assert any(f"trong bộ chỉ số “{framework}”" in e.message for e in errors)
    assert not any(open_period.framework.code in e.message for e in errors)
    assert {e.key for e in errors if e.row == 4} == {"2.3.2"}
    html = response.content.decode()
    assert "<th>Mã</th>" in html and "<td>2.3.2</td>" in html
    # The job keeps them in the same order, each with its key.
    job = ImportJob.objects.filter(uploader=officer).latest("pk")
    assert [(row, key) for _m, row, _c, key in job.result["errors"]] == [(e.row, e.key) for e in errors]


def test_the_assignment_import_names_the_framework_by_its_name(officer, open_period):
    data = xlsx([["Mã tiêu chí", "Mã đơn vị chủ trì"], ["9.9", "so-tu-phap"], ["2.3.2", "khong-co"]], title="Phân công")
    preview = services.run_import("assignments", data, "pc.xlsx", scope=open_period, actor=officer)
    assert [(e.row, e.column) for e in preview.errors] == [(2, "Mã tiêu chí"), (3, "Mã đơn vị chủ trì")]
    assert f"không có tiêu chí mã “9.9” trong bộ chỉ số “{open_period.framework.name}”." == preview.errors[0].message


def test_a_blank_row_of_the_assignment_template_is_skipped_not_refused(officer, open_period, db_state):
    data = services.template("assignments", "xlsx", scope=open_period)
    before = db_state()
    preview = services.run_import("assignments", data, "pc.xlsx", scope=open_period, actor=officer, dry_run=False)
    assert preview.ok and not preview.new and not preview.changed
    assert db_state() == before


# ---- 5. no stock strings on the pages ----------------------------------------------------------

def test_the_import_page_has_no_stock_strings_and_a_bad_period_changes_nothing(client, officer, open_period, db_state):
    login(client, officer)
    html = client.get(reverse(IMPORT)).content.decode()
    assert "— Chọn kỳ đánh giá —" in html and not [s for s in STOCK if s in html]
    assert 'type="hidden" name="format"' in html  # one format, told from the content: nothing to choose
    html = client.get(reverse(IMPORT) + "?scope=999999").content.decode()
    assert "Địa chỉ trang ghi kỳ đánh giá mã “999999”" in html
    before, jobs = db_state(), ImportJob.objects.count()
    for value in ("abc", "999999", ""):
        file = io.BytesIO(xlsx([["Mã tiêu chí", "Điểm tự đánh giá"], ["2.3.2", "1"]]))
        file.name = "diem.xlsx"
        response = client.post(reverse(IMPORT), {"import_file": file, "format": "0", "resource": "0", "scope": value})
        html = response.content.decode()
        expected = "Chọn kỳ đánh giá của tệp." if not value else f"Không có kỳ đánh giá mã “{value}”"
        assert response.status_code == 200 and expected in html and "Chưa tải tệp lên được" in html
    assert db_state() == before and ImportJob.objects.count() == jobs


def test_the_leader_exports_but_sees_no_import(client, leader, period_2024):
    login(client, leader)
    response = client.post(reverse(EXPORT), {"format": "0", "resource": "0", "scope": period_2024.pk})
    assert response["Content-Disposition"] == 'attachment; filename="diem-2024-ubnd-tinh-dien-bien.xlsx"'
    assert client.get(reverse(IMPORT)).status_code in (302, 403)


def test_agency_staff_cannot_reach_the_exchange_pages(client, tuphap, period_2024):
    login(client, tuphap)
    for url in (reverse(EXPORT), reverse(TEMPLATE, args=["xlsx"])):
        assert client.get(url).status_code in (302, 403)


def test_periods_are_not_reordered_by_their_ids(client, officer, period_2024):
    """Latest year first even when an older year's period was created last."""
    from tests.factories import build_framework

    late = EvaluationPeriod.objects.create(year=2020, framework=build_framework(1, 1, 1, code="cu"),
                                           subject=period_2024.subject)
    login(client, officer)
    names = options(client.get(reverse(EXPORT)).content.decode())
    assert names.index(f"2020 – {late.subject.name}") > names.index("2023 – Ủy ban nhân dân tỉnh Điện Biên")


@pytest.mark.parametrize("model", ["sipasvalue", "assignment"])
def test_sipas_and_assignments_offer_only_the_national_index_periods(client, officer, period_2024, model):
    """A round unit's scorecard has no SIPAS values or lead agencies: it is not offered."""
    assert EvaluationPeriod.objects.filter(round__isnull=False).exists()
    login(client, officer)
    national = {f"{p.year} – {p.subject.name}" for p in EvaluationPeriod.objects.filter(round__isnull=True)}
    for page in ("import", "export"):
        offered = set(options(client.get(reverse(f"admin:scorecards_{model}_{page}")).content.decode()))
        assert offered == national, page
    unit = EvaluationPeriod.objects.filter(round__isnull=False).first()
    assert f"{unit.year} – {unit.subject.name}" in options(client.get(reverse("admin:scorecards_score_export")).content.decode())
