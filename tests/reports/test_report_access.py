"""Only Home Affairs staff and leaders read the report; agency staff and outsiders are refused."""
import pytest

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
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_unknown_year_or_period_is_404(officer, client_for, period_2023):
    c = client_for(officer)
    assert c.get("/reports/2031/").status_code == 404
    assert c.get(f"/reports/2024/?period={period_2023.pk}").status_code == 404
    assert c.get("/reports/2024/?period=abc").status_code == 404
