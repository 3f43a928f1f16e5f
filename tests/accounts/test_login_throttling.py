"""django-axes: after AXES_FAILURE_LIMIT failed logins for one username (from any address)
or from one IP address (for any usernames), logins are refused for the cool-off time with a
Vietnamese page (HTTP 429), even with the right password; on the site and in the admin."""
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from tests.conftest import DEMO_PASSWORD

LOGIN = "/accounts/login/"
ADMIN_LOGIN = "/admin/login/"


@pytest.fixture
def limit():
    assert settings.AXES_FAILURE_LIMIT >= 2, "the tests need at least one failure before the lockout"
    return settings.AXES_FAILURE_LIMIT


def attempt(client, username, password, ip, url=LOGIN, **headers):
    return client.post(url, {"username": username, "password": password, "next": "/"}, REMOTE_ADDR=ip, **headers)


def assert_lockout_page(response, limit):
    assert response.status_code == 429
    html = response.content.decode()
    assert "Tạm khóa đăng nhập" in html and f"Đã đăng nhập sai {limit} lần" in html
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    assert f"Vui lòng thử lại sau {minutes} phút" in html
    assert 'class="topbar"' in html  # the site layout, not a bare message
    assert 'name="password"' not in html


def logged_in(client):
    return "_auth_user_id" in client.session


def test_fewer_failures_than_the_limit_still_let_the_right_password_in(client, tuphap, limit):
    for _ in range(limit - 1):
        response = attempt(client, "sotuphap", "sai-mat-khau", "10.0.0.1")
        assert response.status_code == 200 and "Tên đăng nhập hoặc mật khẩu không đúng." in response.content.decode()
    response = attempt(client, "sotuphap", DEMO_PASSWORD, "10.0.0.1")
    assert response.status_code == 302 and response["Location"] == "/"
    assert logged_in(client) and int(client.session["_auth_user_id"]) == tuphap.pk


def test_a_username_is_locked_after_the_limit_from_any_address(client, tuphap, taichinh, limit):
    for i in range(limit - 1):
        assert attempt(client, "sotuphap", "sai-mat-khau", f"10.0.0.{i + 1}").status_code == 200
    assert_lockout_page(attempt(client, "sotuphap", "sai-mat-khau", "10.0.0.99"), limit)
    # The right password, from an address that never failed: still refused.
    assert_lockout_page(attempt(client, "sotuphap", DEMO_PASSWORD, "10.0.1.1"), limit)
    assert not logged_in(client)
    # The addresses themselves are not locked: another user logs in from one of them.
    assert attempt(client, "sotaichinh", DEMO_PASSWORD, "10.0.0.1").status_code == 302
    assert int(client.session["_auth_user_id"]) == taichinh.pk


def test_an_address_is_locked_after_the_limit_whatever_the_usernames(client, tuphap, limit):
    for i in range(limit - 1):
        assert attempt(client, f"khong-co-{i}", "sai-mat-khau", "10.9.9.9").status_code == 200
    assert_lockout_page(attempt(client, "ai-do", "sai-mat-khau", "10.9.9.9"), limit)
    assert_lockout_page(attempt(client, "sotuphap", DEMO_PASSWORD, "10.9.9.9"), limit)
    assert not logged_in(client)
    # The same user from another address is not locked.
    assert attempt(client, "sotuphap", DEMO_PASSWORD, "10.9.9.10").status_code == 302


def test_the_admin_login_is_throttled_too(client, officer, limit):
    """The admin's login is the site's (/admin/login/ sends there with ?next=/admin/): the
    failures made on the way to the admin lock the account on that one page."""
    landing = client.get(ADMIN_LOGIN + "?next=/admin/")
    assert landing.status_code == 302 and landing["Location"] == LOGIN + "?next=/admin/"
    to_admin = LOGIN + "?next=/admin/"
    for _ in range(limit - 1):
        response = attempt(client, "sonoivu", "sai-mat-khau", "10.0.0.5", url=to_admin)
        assert response.status_code == 200
    assert_lockout_page(attempt(client, "sonoivu", "sai-mat-khau", "10.0.0.5", url=to_admin), limit)
    assert_lockout_page(attempt(client, "sonoivu", DEMO_PASSWORD, "10.0.0.6", url=to_admin), limit)
    assert not logged_in(client)
    # A form posted to the old admin address logs nobody in, locked or not.
    assert attempt(client, "sonoivu", DEMO_PASSWORD, "10.0.0.7", url=ADMIN_LOGIN).status_code == 302
    assert not logged_in(client)
    assert_lockout_page(attempt(client, "sonoivu", DEMO_PASSWORD, "10.0.0.7"), limit)


def test_the_lock_ends_after_the_cool_off(client, tuphap, limit):
    for _ in range(limit):
        attempt(client, "sotuphap", "sai-mat-khau", "10.0.0.1")
    assert attempt(client, "sotuphap", DEMO_PASSWORD, "10.0.0.1").status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - settings.AXES_COOLOFF_TIME - timedelta(minutes=1))
    assert attempt(client, "sotuphap", DEMO_PASSWORD, "10.0.0.1").status_code == 302


def test_the_login_page_offers_a_password_reset(client):
    html = client.get(LOGIN).content.decode()
    assert "Quên mật khẩu?" in html and reverse("password_reset") in html


def test_a_system_administrator_unlocks_an_account_in_the_admin(client, tuphap, sysadmin, officer, limit):
    for _ in range(limit):
        attempt(client, "sotuphap", "sai-mat-khau", "10.0.0.1")
    assert attempt(client, "sotuphap", DEMO_PASSWORD, "10.0.0.2").status_code == 429
    attempts = list(AccessAttempt.objects.values_list("pk", flat=True))
    changelist = reverse("admin:axes_accessattempt_changelist")

    client.force_login(officer)
    assert client.get(changelist).status_code == 403
    client.force_login(sysadmin)
    assert client.get(changelist).status_code == 200
    response = client.post(changelist, {"action": "delete_selected", "_selected_action": attempts, "post": "yes"})
    assert response.status_code == 302 and not AccessAttempt.objects.exists()

    client.logout()
    assert attempt(client, "sotuphap", DEMO_PASSWORD, "10.0.0.2").status_code == 302


def test_behind_the_proxy_the_address_is_the_one_the_proxy_saw(client, settings, tuphap, limit):
    """BEHIND_PROXY=1: every request comes from 127.0.0.1; the client is the last
    X-Forwarded-For entry (the one the proxy added), not anything the client wrote before it."""
    from config.settings import client_ip_behind_proxy

    settings.AXES_CLIENT_IP_CALLABLE = client_ip_behind_proxy
    for i in range(limit - 1):
        assert attempt(client, f"khong-co-{i}", "sai", "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7").status_code == 200
    locked = attempt(client, "ai-do", "sai", "127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.7")
    assert_lockout_page(locked, limit)
    # A forged first entry does not get the locked client out.
    forged = attempt(client, "sotuphap", DEMO_PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4, 203.0.113.7")
    assert forged.status_code == 429
    # Another client behind the same proxy is not locked.
    other = attempt(client, "sotuphap", DEMO_PASSWORD, "127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert other.status_code == 302
