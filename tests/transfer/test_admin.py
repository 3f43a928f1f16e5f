"""The admin page: template download, upload → preview → confirm; exports follow the
change list's filters; the wrong persona is refused."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.http import HttpRequest
from django.urls import reverse

from scorecards.models import Score
from tests.conftest import DEMO_PASSWORD

from .conftest import SCORE_HEADER, xlsx

IMPORT = "admin:scorecards_score_transfer_import"


def login(client, user):
    # django-axes checks every authenticate() call against its lockouts and needs a request.
    assert client.login(request=HttpRequest(), username=user.username, password=DEMO_PASSWORD)
    return client


def test_a_new_user_downloads_the_template_fills_it_previews_and_imports(client, officer, period_2025):
    login(client, officer)
    response = client.get(reverse("admin:scorecards_score_transfer_template", args=["xlsx"]))
    wb = openpyxl.load_workbook(io.BytesIO(response.content))
    ws = wb["Điểm"]
    assert [c.value for c in ws[1]][:4] == ["Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự đánh giá"]
    assert "Hướng dẫn" in wb.sheetnames
    ws.append(["2.3.2", "", "", "0,75", "Đã xử lý văn bản", None, None])
    filled = io.BytesIO()
    wb.save(filled)
    filled.seek(0)
    filled.name = "diem-2025.xlsx"

    response = client.post(reverse(IMPORT), {"file": filled, "scope": period_2025.pk})
    assert response.status_code == 200
    preview = response.context["preview"]
    assert preview.ok and [r.key for r in preview.changed] == ["2.3.2"]
    assert "(trống)" in response.content.decode() and "0,75" in response.content.decode()
    assert Score.objects.get(period=period_2025, criterion__code="2.3.2").self_points is None

    response = client.post(reverse(IMPORT), {"token": response.context["token"]})
    assert response.status_code == 302
    score = Score.objects.get(period=period_2025, criterion__code="2.3.2")
    assert score.self_points == Decimal("0.75") and score.history.first().history_user == officer


def test_a_broken_file_is_explained_row_by_row_and_cannot_be_confirmed(client, officer, period_2025, db_state):
    login(client, officer)
    before = db_state()
    upload = io.BytesIO(xlsx([SCORE_HEADER, ["2.3.2", "abc", "", "", ""], ["9.9", "1", "", "", ""]]))
    upload.name = "loi.xlsx"
    response = client.post(reverse(IMPORT), {"file": upload, "scope": period_2025.pk})
    html = response.content.decode()
    assert "“abc” không phải là số" in html and "Không có tiêu chí mã “9.9”" in html
    assert response.context["token"] == "" and "Xác nhận nhập" not in html
    assert db_state() == before


def test_an_old_token_cannot_be_replayed(client, officer, period_2025):
    login(client, officer)
    response = client.post(reverse(IMPORT), {"token": "0" * 32})
    assert response.status_code == 302


@pytest.mark.parametrize("persona", ["tuphap", "leader"])
def test_other_personas_cannot_import(client, persona, request, period_2025):
    login(client, request.getfixturevalue(persona))
    response = client.get(reverse(IMPORT))
    assert response.status_code in (302, 403)


def test_the_export_follows_the_change_list_filters(client, officer, period_2024, period_2025):
    login(client, officer)
    url = reverse("admin:scorecards_score_transfer_export", args=["xlsx"])
    response = client.get(url, {"period__id__exact": period_2024.pk, "criterion__scoring_source": "survey"})
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Điểm"]
    codes = [row[0] for row in ws.iter_rows(min_row=2, values_only=True)]
    assert codes and all(code.endswith("KS") for code in codes)
    # No period filter and several periods: refused with a message, not a mixed file.
    response = client.get(url)
    assert response.status_code == 302


def test_the_change_list_shows_the_buttons(client, officer):
    login(client, officer)
    html = client.get(reverse("admin:scorecards_score_changelist")).content.decode()
    assert "Nhập từ Excel" in html and "Xuất Excel" in html and "Tải tệp mẫu" in html


MODELS = ["agency", "province", "criterion", "assignment", "score", "sipasvalue", "nationalresult"]


@pytest.mark.parametrize("model", MODELS)
def test_every_kind_has_its_pages(client, officer, model, period_2024):
    login(client, officer)
    assert client.get(reverse(f"admin:scorecards_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:scorecards_{model}_transfer_import")).status_code == 200
    for fmt in ("xlsx", "csv"):
        response = client.get(reverse(f"admin:scorecards_{model}_transfer_template", args=[fmt]))
        assert response.status_code == 200 and response["Content-Disposition"].endswith(f'.{fmt}"')
    filters = {"criterion": {"framework__id__exact": period_2024.framework_id},
               "assignment": {"period__id__exact": period_2024.pk}, "score": {"period__id__exact": period_2024.pk},
               "sipasvalue": {"period__id__exact": period_2024.pk}}.get(model, {})
    response = client.get(reverse(f"admin:scorecards_{model}_transfer_export", args=["csv"]), filters)
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")


def test_an_unknown_format_is_not_found(client, officer):
    login(client, officer)
    assert client.get(reverse("admin:scorecards_score_transfer_template", args=["pdf"])).status_code == 404
