"""With DEBUG off, errors are Vietnamese pages in the site's layout that say why and lead back."""
import pytest
from django.test import override_settings
from django.urls import reverse


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False
    return settings


def test_a_refused_step_shows_its_reason_in_the_layout(client, leader, open_period, no_debug):
    client.force_login(leader)
    response = client.post(reverse("scorecards:period_step", args=[open_period.pk]), {"status": "appraisal"})
    html = response.content.decode()
    assert response.status_code == 403
    assert "Không có quyền thực hiện" in html and "Về trang chủ" in html and 'class="topbar"' in html


def test_a_missing_page_is_vietnamese(client, officer, no_debug):
    client.force_login(officer)
    response = client.get("/diem/999999/")
    html = response.content.decode()
    assert response.status_code == 404 and "Không tìm thấy trang" in html and "Not Found" not in html


def test_a_bad_export_filter_is_a_vietnamese_400(client, officer, no_debug):
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_score_export") + "?period__id__exact=abc", {"format": "0", "resource": "0"})
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in response.content.decode()


@override_settings(DEBUG=False)
def test_the_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Có lỗi ở máy chủ" in html and "không có dữ liệu nào bị thay đổi dở dang" in html
