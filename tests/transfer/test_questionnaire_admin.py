"""The SIPAS questionnaire's admin imports a questionnaire with the shared transfer pages:
the template to fill in, the questionnaire chosen on the form (or named in the address),
preview, confirm; the export of one questionnaire; only Sở Nội vụ imports."""
import io

import openpyxl
import pytest
from django.urls import reverse

from scorecards.models import SipasIndicator, SipasQuestionnaire

from .test_admin import confirm_fields, login, upload
from .test_questionnaire import HEADER, demo_rows, make

pytestmark = pytest.mark.urls("tests.transfer.questionnaire_admin_urls")

IMPORT = "admin:scorecards_sipasquestionnaire_import"
CONFIRM = "admin:scorecards_sipasquestionnaire_process_import"
EXPORT = "admin:scorecards_sipasquestionnaire_export"


@pytest.fixture
def fresh(db):
    return SipasQuestionnaire.objects.create(code="sipas-moi", name="Bộ câu hỏi SIPAS mới", year_from=2030)


def test_the_template_is_the_questionnaire_sheet(client, officer, period_2024):
    login(client, officer)
    url = reverse("admin:scorecards_sipasquestionnaire_template", args=["xlsx"])
    page = client.get(url)
    assert "Content-Disposition" not in page and "— Chọn bộ câu hỏi SIPAS —" in page.content.decode()
    response = client.get(url, {"scope": period_2024.sipas_questionnaire_id})
    assert response["Content-Disposition"] == 'attachment; filename="mau-bo-cau-hoi-sipas-39-tieu-chi-9-nhom.xlsx"'
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Bộ câu hỏi SIPAS"]
    assert [c.value for c in ws[1]][:len(HEADER)] == HEADER
    assert ws.max_row == 1 + 39  # the questionnaire's indicators, to edit into a new version


def test_a_questionnaire_is_chosen_previewed_and_imported(client, officer, fresh):
    login(client, officer)
    page = client.get(reverse(IMPORT) + f"?scope={fresh.pk}")
    assert page.status_code == 200 and page.context["form"]["scope"].value() == str(fresh.pk)
    assert "Bộ câu hỏi SIPAS" in page.content.decode()
    response = upload(client, make(demo_rows()), "sipas.xlsx", fresh, url=IMPORT)
    preview = response.context["preview"]
    assert preview.ok and len(preview.new) == 39 and preview.scope_label == fresh.name
    assert not SipasIndicator.objects.filter(questionnaire=fresh).exists()
    response = client.post(reverse(CONFIRM), confirm_fields(response))
    assert response.status_code == 302, response.content.decode()[:2000]
    assert SipasIndicator.objects.filter(questionnaire=fresh).count() == 39


def test_an_import_without_a_questionnaire_is_refused_on_the_form(client, officer, fresh, db_state):
    login(client, officer)
    before = db_state()
    file = io.BytesIO(make(demo_rows()))
    file.name = "sipas.xlsx"
    response = client.post(reverse(IMPORT), {"import_file": file, "format": "0", "resource": "0"})
    assert response.status_code == 200 and response.context["form"].errors.get("scope")
    assert db_state() == before


def test_the_export_is_the_chosen_questionnaire(client, officer, period_2024, fresh):
    login(client, officer)
    response = client.post(reverse(EXPORT), {"format": "0", "resource": "0"})
    assert response.status_code == 200 and "Chọn bộ câu hỏi SIPAS cần xuất." in response.content.decode()
    questionnaire = period_2024.sipas_questionnaire
    response = client.post(reverse(EXPORT), {"format": "1", "resource": "0", "scope": questionnaire.pk})
    assert response.status_code == 200 and response.content.startswith(b"\xef\xbb\xbf")
    lines = response.content.decode("utf-8-sig").splitlines()
    assert lines[0].split(";")[:2] == ["Mã phần", "Tên phần"] and len(lines) == 1 + 39
    # With one questionnaire left by the list's search, the list says which.
    response = client.post(reverse(EXPORT) + f"?q={questionnaire.code}", {"format": "0", "resource": "0"})
    assert response.status_code == 200 and response.content.startswith(b"PK")
    assert response["Content-Disposition"] == 'attachment; filename="bo-cau-hoi-sipas-39-tieu-chi-9-nhom.xlsx"'
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Bộ câu hỏi SIPAS"]
    assert ws.max_row == 1 + 39


@pytest.mark.parametrize("persona", ["tuphap", "leader"])
def test_other_personas_cannot_import_a_questionnaire(client, persona, request, fresh):
    login(client, request.getfixturevalue(persona))
    assert client.get(reverse(IMPORT)).status_code in (302, 403)


def test_the_questionnaire_list_offers_import_export_and_template(client, officer, period_2024):
    login(client, officer)
    html = client.get(reverse("admin:scorecards_sipasquestionnaire_changelist")).content.decode()
    assert "Nhập từ Excel" in html and "Xuất Excel" in html and "Tải tệp mẫu" in html
    assert reverse("admin:scorecards_sipasquestionnaire_template", args=["xlsx"]) in html
