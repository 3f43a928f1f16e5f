"""Only Home Affairs staff and leaders read the report; agency staff and outsiders are refused."""
import pytest

from tests.reports.helpers import body

URLS = ["/reports/2024/", "/reports/2024/pdf/", "/reports/2024/docx/"]


@pytest.mark.parametrize("url", URLS)
def test_it_sends_anonymous_users_to_login(demo, client, url):
    response = client.get(url)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize("persona", ["tuphap", "taichinh", "outsider"])
@pytest.mark.parametrize("url", URLS)
def test_it_refuses_agency_staff_and_outsiders(request, client_for, persona, url):
    user = request.getfixturevalue(persona)
    assert client_for(user).get(url).status_code == 403


def test_officer_sees_preview_with_download_links(officer, client_for, period_2024):
    page = client_for(officer).get("/reports/2024/").content.decode()
    assert f"/reports/2024/pdf/?period={period_2024.pk}" in page
    assert f"/reports/2024/docx/?period={period_2024.pk}" in page
    assert "/admin/reports/reportrecord/" in page  # Home Affairs may edit the staff-written parts


def test_leader_reads_and_downloads(leader, client_for):
    c = client_for(leader)
    page = c.get("/reports/2024/").content.decode()
    assert "/admin/reports/reportrecord/" not in page
    response = c.get("/reports/2024/docx/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment;" in response["Content-Disposition"]


def test_pdf_download(officer, client_for):
    response = client_for(officer).get("/reports/2024/pdf/")
    assert response.status_code == 200 and body(response).startswith(b"%PDF")


def test_unknown_year_or_period_is_404(officer, client_for, period_2023):
    c = client_for(officer)
    assert c.get("/reports/2031/").status_code == 404
    assert c.get(f"/reports/2024/?period={period_2023.pk}").status_code == 404
    assert c.get("/reports/2024/?period=abc").status_code == 404


def test_officer_edits_the_staff_written_parts_in_the_admin(officer, client_for, period_2024):
    from reports.models import ReportRecord

    record = ReportRecord.objects.get(period=period_2024)
    c = client_for(officer)
    page = c.get(f"/admin/reports/reportrecord/{record.pk}/change/")
    assert page.status_code == 200 and "Nguyễn Tiến Đạt" in page.content.decode()
    data = {f: getattr(record, f) or "" for f in (
        "number", "place", "parent_body", "issuer", "issuer_role", "area_name", "published_decision", "sipas_method",
        "sipas_commentary", "self_assessment_work", "self_assessment_after", "solutions", "recommendations", "closing",
        "signer_title", "recipients")}
    data.update(period=period_2024.pk, date="10/04/2025", signer_name="Lò Văn B",
                row_fingerprint=page.context["adminform"].form["row_fingerprint"].value())
    response = c.post(f"/admin/reports/reportrecord/{record.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Lò Văn B" in c.get("/reports/2024/").content.decode()


def test_leader_cannot_change_the_record(leader, client_for, period_2024):
    from reports.models import ReportRecord

    record = ReportRecord.objects.get(period=period_2024)
    response = client_for(leader).post(f"/admin/reports/reportrecord/{record.pk}/change/", {"signer_name": "X"})
    assert response.status_code == 403
