"""Password reset by e-mail (Django's auth views, Vietnamese templates): the same answer for
a known and an unknown address, a mail only for the known one, an absolute link that works."""
import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD

RESET = "/accounts/password_reset/"
LINK = re.compile(r"(https?://testserver/accounts/reset/[^/\s]+/[^/\s]+/)")


def request_reset(client, email, **extra):
    return client.post(RESET, {"email": email}, **extra)


def test_the_form_is_vietnamese_in_the_site_layout(client):
    response = client.get(RESET)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Quên mật khẩu" in html and 'name="email"' in html and 'class="topbar"' in html


def test_known_and_unknown_addresses_get_the_same_answer_and_only_the_known_one_a_mail(client, officer):
    known = request_reset(client, officer.email)
    unknown = request_reset(client, "khong-ton-tai@example.vn")
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("password_reset_done")
    done = client.get(known["Location"])
    assert done.status_code == 200 and "Đã gửi yêu cầu đặt lại mật khẩu" in done.content.decode()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [officer.email]


def test_an_inactive_account_gets_no_mail(client, tuphap):
    tuphap.is_active = False
    tuphap.save()
    response = request_reset(client, tuphap.email)
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    assert mail.outbox == []


def test_the_mail_is_vietnamese_with_an_absolute_link(client, tuphap):
    request_reset(client, tuphap.email.upper())  # addresses match whatever their case
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "Đặt lại mật khẩu tài khoản Chỉ số CCHC (testserver)"
    assert "Tên đăng nhập của bạn: sotuphap" in message.body
    assert LINK.search(message.body).group(1).startswith("http://testserver/accounts/reset/")
    assert "&#x27;" not in message.body and "&amp;" not in message.body  # plain text, not HTML-escaped


def test_the_link_follows_https(client, tuphap):
    request_reset(client, tuphap.email, secure=True)
    assert "https://testserver/accounts/reset/" in mail.outbox[0].body


def test_the_link_sets_a_new_password_once(client, tuphap):
    request_reset(client, tuphap.email)
    link = LINK.search(mail.outbox[0].body).group(1)
    path = link.removeprefix("http://testserver")
    response = client.get(path, follow=True)
    assert response.status_code == 200
    form_url = response.redirect_chain[-1][0]
    html = response.content.decode()
    assert "Đặt mật khẩu mới" in html and 'name="new_password1"' in html

    mismatch = client.post(form_url, {"new_password1": "mat-khau-moi-2025", "new_password2": "khac-hoan-toan-2025"})
    assert mismatch.status_code == 200 and 'class="errorlist"' in mismatch.content.decode()

    response = client.post(form_url, {"new_password1": "mat-khau-moi-2025", "new_password2": "mat-khau-moi-2025"})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_complete")
    assert "Đã đổi mật khẩu" in client.get(response["Location"]).content.decode()
    tuphap.refresh_from_db()
    assert tuphap.check_password("mat-khau-moi-2025") and not tuphap.check_password(DEMO_PASSWORD)

    # Used once: the same link is now refused.
    again = client.get(path, follow=True)
    assert "Liên kết đặt lại mật khẩu không hợp lệ" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


@pytest.mark.parametrize("email", ["", "khong-phai-email"])
def test_a_malformed_address_is_explained(client, email):
    response = request_reset(client, email)
    assert response.status_code == 200 and 'class="errorlist"' in response.content.decode()
    assert mail.outbox == []
