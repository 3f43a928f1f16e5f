"""The admin pages (django-import-export's views with our resources): template download,
upload → preview → confirm; exports follow the change list's filters and ask for the
period when the list does not say; the wrong persona is refused."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.http import HttpRequest
from django.urls import reverse

from scorecards.models import Score
from tests.conftest import DEMO_PASSWORD

from .conftest import SCORE_HEADER, xlsx

IMPORT = "admin:scorecards_score_import"
CONFIRM = "admin:scorecards_score_process_import"
EXPORT = "admin:scorecards_score_export"


def login(client, user):
    # django-axes checks every authenticate() call against its lockouts and needs a request.
    assert client.login(request=HttpRequest(), username=user.username, password=DEMO_PASSWORD)
    return client


def upload(client, data: bytes, name: str, scope=None, url=IMPORT):
    file = io.BytesIO(data)
    file.name = name
    fields = {"import_file": file, "format": "0", "resource": "0"}
    if scope is not None:
        fields["scope"] = scope.pk
    # The upload step stores the file and sends the officer to the job's page (the preview,
    # made by the worker: at once with the default ImmediateBackend).
    return client.post(reverse(url), fields, follow=True)


def confirm_fields(response) -> dict:
    form = response.context["confirm_form"]
    return {name: form[name].value() for name in form.fields}


def test_a_new_user_downloads_the_template_fills_it_previews_and_imports(client, officer, open_period):
    login(client, officer)
    response = client.get(reverse("admin:scorecards_score_template", args=["xlsx"]), {"scope": open_period.pk})
    assert response["Content-Disposition"] == 'attachment; filename="mau-diem-2026-ubnd-tinh-dien-bien.xlsx"'
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Điểm"]
    assert [c.value for c in ws[1]][:4] == ["Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"]
    assert "Hướng dẫn" in wb.sheetnames
    row = next(r for r in ws.iter_rows(min_row=2) if r[0].value == "2.3.2")
    row[3].value, row[4].value = "0,75", "Đã xử lý văn bản"  # the officer types only the points
    filled = io.BytesIO()
    wb.save(filled)

    response = upload(client, filled.getvalue(), "diem-2026.xlsx", open_period)
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.ok and [r.key for r in preview.changed] == ["2.3.2"]
    assert "(trống)" in response.content.decode() and "0,75" in response.content.decode()
    assert Score.objects.get(period=open_period, criterion__code="2.3.2").self_points is None

    response = client.post(reverse(CONFIRM), confirm_fields(response))
    assert response.status_code == 302, response.content.decode()[:3000]
    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    assert score.self_points == Decimal("0.75") and score.history.first().history_user == officer


def test_a_broken_file_is_explained_row_by_row_and_cannot_be_confirmed(client, officer, open_period, db_state):
    login(client, officer)
    before = db_state()
    response = upload(client, xlsx([SCORE_HEADER, ["2.3.2", "abc", "", "", ""], ["9.9", "1", "", "", ""]]), "loi.xlsx",
                      open_period)
    html = response.content.decode()
    assert "“abc” không phải là số" in html and "Không có tiêu chí mã “9.9”" in html
    assert response.context.get("confirm_form") is None and "Xác nhận nhập" not in html
    assert db_state() == before


def test_a_file_that_is_not_a_spreadsheet_gets_its_reason(client, officer, open_period, db_state):
    login(client, officer)
    before = db_state()
    response = upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "diem.xlsx", open_period)
    assert "bị đổi tên" in response.content.decode()
    assert db_state() == before


def test_a_stored_upload_cannot_be_confirmed_from_another_session(client, officer, open_period, db_state):
    login(client, officer)
    response = upload(client, xlsx([SCORE_HEADER, ["2.3.2", "1", "", "", ""]]), "a.xlsx", open_period)
    fields = confirm_fields(response)
    other = client.__class__()
    login(other, officer)
    before = db_state()
    assert other.post(reverse(CONFIRM), fields).status_code == 302
    assert db_state() == before
    # Replaying a confirm that was used is refused too.
    assert client.post(reverse(CONFIRM), fields).status_code == 302
    assert client.post(reverse(CONFIRM), fields).status_code == 302
    assert Score.objects.get(period=open_period, criterion__code="2.3.2").self_points == 1


@pytest.mark.parametrize("persona", ["tuphap", "leader"])
def test_other_personas_cannot_import(client, persona, request, open_period):
    login(client, request.getfixturevalue(persona))
    response = client.get(reverse(IMPORT))
    assert response.status_code in (302, 403)


def test_the_export_follows_the_change_list_filters(client, officer, period_2024, open_period):
    login(client, officer)
    url = reverse(EXPORT) + f"?period__id__exact={period_2024.pk}&criterion__scoring_source=survey"
    response = client.post(url, {"format": "0", "resource": "0"})
    assert response["Content-Disposition"] == 'attachment; filename="diem-2024-ubnd-tinh-dien-bien.xlsx"'
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Điểm"]
    codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert codes and all(code.endswith("KS") for code in codes)


def test_an_unfiltered_export_asks_for_the_period(client, officer, period_2024, open_period):
    login(client, officer)
    response = client.post(reverse(EXPORT), {"format": "0", "resource": "0"})
    assert response.status_code == 200 and "Chọn kỳ đánh giá cần xuất." in response.content.decode()
    response = client.post(reverse(EXPORT), {"format": "1", "resource": "0", "scope": open_period.pk})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    assert response["Content-Disposition"] == 'attachment; filename="diem-2026-ubnd-tinh-dien-bien.csv"'


def test_the_change_list_shows_the_buttons(client, officer):
    login(client, officer)
    html = client.get(reverse("admin:scorecards_score_changelist")).content.decode()
    assert "Nhập từ Excel" in html and "Xuất Excel" in html and "Tải tệp mẫu" in html


def test_the_leader_sees_no_import_button(client, leader):
    login(client, leader)
    html = client.get(reverse("admin:scorecards_score_changelist")).content.decode()
    assert "Nhập từ Excel" not in html and "Xuất Excel" in html
    assert "Tải tệp mẫu" not in html  # a template is for filling in and importing


MODELS = ["agency", "province", "criterion", "assignment", "score", "sipasvalue", "nationalresult"]


@pytest.mark.parametrize("model", MODELS)
def test_every_kind_has_its_pages(client, officer, model, period_2024):
    login(client, officer)
    assert client.get(reverse(f"admin:scorecards_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:scorecards_{model}_import")).status_code == 200
    scope = {"criterion": period_2024.framework_id}.get(model, period_2024.pk)
    for fmt in ("xlsx", "csv"):
        response = client.get(reverse(f"admin:scorecards_{model}_template", args=[fmt]), {"scope": scope})
        assert response.status_code == 200 and response["Content-Disposition"].endswith(f'.{fmt}"')
        assert response["Content-Disposition"].startswith('attachment; filename="mau-')
    filters = {"criterion": {"framework__id__exact": period_2024.framework_id},
               "assignment": {"period__id__exact": period_2024.pk}, "score": {"period__id__exact": period_2024.pk},
               "sipasvalue": {"period__id__exact": period_2024.pk}}.get(model, {})
    query = "&".join(f"{k}={v}" for k, v in filters.items())
    response = client.post(reverse(f"admin:scorecards_{model}_export") + (f"?{query}" if query else ""),
                           {"format": "1", "resource": "0"})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf"), response.content[:500]


def test_an_unknown_format_is_not_found(client, officer):
    login(client, officer)
    assert client.get(reverse("admin:scorecards_score_template", args=["pdf"])).status_code == 404


@pytest.mark.parametrize("query", ["?period__id__exact=abc", "?period__id__exact=1&state=nope", "?o=zz"])
def test_a_malformed_export_url_is_a_bad_request_not_a_crash(client, officer, open_period, query):
    login(client, officer)
    response = client.post(reverse(EXPORT) + query, {"format": "0", "resource": "0"})
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        # Django's change list drops an unknown ordering; the page then asks for the period.
        assert response.content.startswith(b"PK") or "Chọn kỳ đánh giá" in response.content.decode()


def _stored(settings):
    import os

    folder = os.path.join(settings.MEDIA_ROOT, "django-import-export")
    return sorted(os.listdir(folder)) if os.path.isdir(folder) else []


def test_an_upload_over_the_limit_is_refused_before_it_is_stored(client, officer, open_period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_MAX_BYTES = 1024 * 1024
    login(client, officer)
    response = upload(client, b"a;b\n" + b"1;2\n" * 400_000, "lon.csv", open_period)
    assert "vượt giới hạn 1 MB" in response.content.decode()
    assert _stored(settings) == []


def test_a_refused_preview_leaves_no_file_behind(client, officer, open_period, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    login(client, officer)
    upload(client, xlsx([SCORE_HEADER, ["2.3.2", "abc", "", "", ""]]), "loi.xlsx", open_period)
    upload(client, b"\x89PNG\r\n\x1a\n" + b"\x00" * 200, "anh.xlsx", open_period)
    assert _stored(settings) == []
    response = upload(client, xlsx([SCORE_HEADER, ["2.3.2", "1", "", "", ""]]), "tot.xlsx", open_period)
    assert len(_stored(settings)) == 1  # waiting for the confirm
    client.post(reverse(CONFIRM), confirm_fields(response))
    assert _stored(settings) == []


def test_a_repeated_header_is_refused_not_shifted(client, officer, open_period, db_state):
    login(client, officer)
    before = db_state()
    data = xlsx([["Mã tiêu chí", "Điểm tự đánh giá", "Điểm thẩm định", "Điểm tự đánh giá"], ["2.3.2", "0,4", "0,2", "0,1"]])
    response = upload(client, data, "hai-cot.xlsx", open_period)
    assert "có hai lần trong dòng tiêu đề" in response.content.decode()
    assert db_state() == before


def test_a_csv_row_wider_than_its_header_is_refused(officer, open_period, db_state):
    from scorecards.resources import services

    data = ("Mã tiêu chí,Điểm tự đánh giá,Giải trình cách tính điểm\n2.3.2,0,96,văn bản\n").encode("utf-8")
    preview = services.run_import("scores", data, "a.csv", scope=open_period, actor=officer, dry_run=True)
    assert not preview.ok and "nhiều ô hơn dòng tiêu đề" in str(preview.errors[0]) and "ngoặc kép" in str(preview.errors[0])


def test_a_file_exported_in_english_imports_on_the_vietnamese_pages(officer, appraisal_2024, open_period):
    from django.utils import translation

    from scorecards.resources import services

    with translation.override("en"):
        data = services.export("scores", "xlsx", scope=appraisal_2024)
    with translation.override("vi"):
        preview = services.run_import("scores", data, "points-2024.xlsx", scope=appraisal_2024, actor=officer)
    assert preview.ok and not preview.changed and preview.unchanged


def test_decomposed_vietnamese_is_the_same_text(officer, appraisal_2024):
    import unicodedata

    from scorecards.resources import services

    text = services.export("scores", "csv", scope=appraisal_2024).decode("utf-8-sig")
    nfd = unicodedata.normalize("NFD", text).encode("utf-8")
    preview = services.run_import("scores", nfd, "nfd.csv", scope=appraisal_2024, actor=officer)
    assert preview.ok and not preview.changed


def test_a_published_year_of_results_is_refused_in_the_preview(officer, period_2024):
    from scorecards.resources import services

    data = xlsx([["Năm", "Mã tỉnh", "Điểm Chỉ số CCHC", "Số địa phương được xếp hạng"], [2024, "dien-bien", "90", 63]])
    preview = services.run_import("national-results", data, "kq.xlsx", actor=officer, dry_run=True)
    assert not preview.ok and preview.errors[0].row == 2 and "2024" in preview.errors[0].message
