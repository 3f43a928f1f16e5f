"""With DEBUG off, errors are Vietnamese pages in the site's layout that say why and lead back:
the reason the project's code gave (a refusal, a missing file), never Django's English."""
import pytest
from django.test import Client, override_settings
from django.urls import reverse

from scorecards.models import Round


@pytest.fixture
def no_debug(settings):
    settings.DEBUG = False
    return settings


def page(response, status):
    html = response.content.decode()
    assert response.status_code == status, (response.status_code, html[:300])
    assert 'class="topbar"' in html and "Về trang chủ" in html and "Quay lại" in html
    for english in ("Not Found", "Forbidden", "Bad Request", "Server Error", "No Score matches"):
        assert english not in html
    return html


def test_a_refused_step_shows_its_reason_in_the_layout(client, leader, open_period, no_debug):
    client.force_login(leader)
    response = client.post(reverse("scorecards:period_step", args=[open_period.pk]), {"status": "appraisal"})
    html = page(response, 403)
    assert "Không có quyền thực hiện" in html


def test_a_refusal_says_what_the_code_meant(client, outsider, no_debug):
    """PermissionDenied(_("…")) raised by the project's view reaches the user word for word."""
    client.force_login(outsider)
    html = page(client.get(reverse("rounds:list")), 403)
    assert "Tài khoản của bạn không tham gia đợt đánh giá nào của tỉnh." in html


def test_a_missing_page_is_vietnamese(client, officer, no_debug):
    client.force_login(officer)
    html = page(client.get("/khong-co-trang-nay/"), 404)
    assert "Không tìm thấy trang" in html and "Trang hoặc dữ liệu này không có" in html


def test_a_missing_row_does_not_show_djangos_message(client, officer, no_debug):
    client.force_login(officer)
    html = page(client.get("/diem/999999/"), 404)  # get_object_or_404: "No Score matches the given query."
    assert "Trang hoặc dữ liệu này không có, hoặc bạn không được xem." in html and "matches" not in html


def test_a_missing_file_says_so(client, officer, demo, no_debug):
    """Http404(_("Không có định dạng này.")) from the project's view: its message is shown."""
    client.force_login(officer)
    round_ = Round.objects.get(year=2025)
    html = page(client.get(reverse("round_reports:annex", args=[round_.pk, "odt"])), 404)
    assert "Không có định dạng này." in html


def test_an_admin_404_leads_back_to_the_admin(client, officer, no_debug):
    client.force_login(officer)
    html = page(client.get("/admin/scorecards/khong-co/"), 404)
    assert "Không tìm thấy trang" in html and f'href="{reverse("admin:index")}"' in html and "Về trang quản trị" in html


def test_an_admin_403_is_vietnamese(client, officer, sysadmin, no_debug):
    client.force_login(officer)  # Home Affairs sees the account list, never an account's page
    html = page(client.get(reverse("admin:scorecards_user_change", args=[sysadmin.pk])), 403)
    assert "Tài khoản của bạn không có quyền mở trang này" in html and "Về trang quản trị" in html


def test_a_bad_export_filter_is_a_vietnamese_400_with_its_reason(client, officer, no_debug):
    client.force_login(officer)
    response = client.post(reverse("admin:scorecards_score_export") + "?period__id__exact=abc", {"format": "0", "resource": "0"})
    html = response.content.decode()
    assert response.status_code == 400 and "Yêu cầu không hợp lệ" in html and 'class="topbar"' in html
    assert "trong địa chỉ trang không hợp lệ" in html  # the reason the export gave (BadRequest)


def test_a_server_error_is_vietnamese(officer, monkeypatch, no_debug):
    from scorecards.views.log import AuditLogView

    def broken(self):
        raise RuntimeError("database unreachable: secret details")

    monkeypatch.setattr(AuditLogView, "get_queryset", broken)
    client = Client(raise_request_exception=False)
    client.force_login(officer)
    response = client.get(reverse("scorecards:log"))
    html = response.content.decode()
    assert response.status_code == 500 and "Có lỗi ở máy chủ" in html and 'class="topbar"' in html
    assert "secret details" not in html and "Server Error" not in html


def test_an_expired_form_is_vietnamese(no_debug, demo):
    client = Client(enforce_csrf_checks=True)
    response = client.post(reverse("login"), {"username": "sonoivu", "password": "x"})
    html = response.content.decode()
    assert response.status_code == 403 and "Trang đã hết hạn" in html and 'class="topbar"' in html
    assert "CSRF" not in html and "Forbidden" not in html


@override_settings(DEBUG=False)
def test_the_server_error_page_renders_without_a_request():
    from django.template.loader import render_to_string

    html = render_to_string("500.html")
    assert "Có lỗi ở máy chủ" in html and "không có dữ liệu nào bị thay đổi dở dang" in html


def test_a_page_for_another_role_says_who_it_is_for(client, leader, tuphap, open_period, no_debug):
    client.force_login(leader)
    html = client.get(reverse("scorecards:queue")).content.decode()
    assert "Chỉ cán bộ Sở Nội vụ mới được mở trang này" in html
    client.force_login(tuphap)
    response = client.get(reverse("scorecards:log"))
    assert response.status_code == 403 and "dành cho cán bộ Sở Nội vụ và lãnh đạo" in response.content.decode()
