"""One login page for the site and the admin, with "Quên mật khẩu?"; one password-change page;
the password reset end to end through the console mail backend, as a fresh install sends it."""
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.urls import reverse

from tests.conftest import DEMO_PASSWORD

LOGIN = "/accounts/login/"


def test_the_admins_login_is_the_sites_and_keeps_next(client):
    response = client.get("/admin/login/?next=/admin/scorecards/agency/")
    assert response.status_code == 302 and response["Location"] == f"{LOGIN}?next=/admin/scorecards/agency/"


def test_an_anonymous_visit_to_the_admin_ends_on_the_one_login_page(client, demo):
    response = client.get("/admin/scorecards/agency/", follow=True)
    html = response.content.decode()
    landed = urlsplit(response.redirect_chain[-1][0])
    assert landed.path == LOGIN and parse_qs(landed.query) == {"next": ["/admin/scorecards/agency/"]}
    assert [t.name for t in response.templates][0] == "registration/login.html"
    assert 'class="topbar"' in html and 'name="next" value="/admin/scorecards/agency/"' in html
    assert f'href="{reverse("password_reset")}">Quên mật khẩu?</a>' in html


def test_staff_log_in_on_it_and_land_in_the_admin(client, officer):
    response = client.post(LOGIN, {"username": "sonoivu", "password": DEMO_PASSWORD, "next": "/admin/"})
    assert response.status_code == 302 and response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200


def test_a_user_without_the_admin_is_told_so_on_the_login_page(client, tuphap):
    client.force_login(tuphap)
    response = client.get("/admin/", follow=True)
    html = response.content.decode()
    assert response.redirect_chain[-1][0].startswith(LOGIN)
    assert "Bạn đang đăng nhập là Cán bộ Sở Tư pháp" in html and "không được mở trang vừa chọn" in html


def test_a_post_to_the_old_admin_login_logs_nobody_in(client, officer):
    response = client.post("/admin/login/", {"username": "sonoivu", "password": DEMO_PASSWORD})
    assert response.status_code == 302 and response["Location"].startswith(LOGIN)
    assert "_auth_user_id" not in client.session


def test_the_admin_header_names_the_user_and_leads_to_the_sites_pages(client, officer):
    client.force_login(officer)
    html = client.get("/admin/").content.decode()
    assert "Cán bộ Sở Nội vụ · SNV" in html
    assert "Welcome" not in html and "Chào mừng bạn" not in html
    assert f'action="{reverse("logout")}"' in html and f'href="{reverse("password_change")}"' in html
    assert f'href="{reverse("scorecards:home")}">Trang chủ</a>' in html


@pytest.mark.parametrize("url", ["/accounts/password_change/", "/admin/password_change/"])
def test_one_password_change_page(client, officer, url):
    client.force_login(officer)
    response = client.get(url)
    assert response.status_code == 200 and 'class="topbar"' in response.content.decode()
    assert [t.name for t in response.templates][0] == "registration/password_change_form.html"


def test_the_password_change_works_and_says_so_in_vietnamese(client, officer):
    client.force_login(officer)
    short = client.post("/accounts/password_change/", {"old_password": DEMO_PASSWORD, "new_password1": "ngan",
                                                        "new_password2": "ngan"})
    assert "Mật khẩu quá ngắn" in short.content.decode()
    response = client.post("/accounts/password_change/", {"old_password": DEMO_PASSWORD,
                                                           "new_password1": "mat-khau-moi-2026",
                                                           "new_password2": "mat-khau-moi-2026"}, follow=True)
    assert "Đã đổi mật khẩu" in response.content.decode()
    officer.refresh_from_db()
    assert officer.check_password("mat-khau-moi-2026")


def test_the_password_reset_end_to_end_with_the_console_mail_backend(client, settings, capsys, tuphap):
    """The default EMAIL_BACKEND of a fresh install writes the mail to the console: its link
    sets a new password, which then logs in on the one login page."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    login_page = client.get(LOGIN).content.decode()
    assert reverse("password_reset") in login_page
    response = client.post(reverse("password_reset"), {"email": tuphap.email})
    assert response.status_code == 302 and response["Location"] == reverse("password_reset_done")
    printed = capsys.readouterr().out
    assert f"To: {tuphap.email}" in printed and "Tên đăng nhập của bạn: sotuphap" in printed
    link = re.search(r"http://testserver(/accounts/reset/\S+/\S+/)", printed).group(1)
    form_url = client.get(link, follow=True).redirect_chain[-1][0]
    done = client.post(form_url, {"new_password1": "mat-khau-moi-2026", "new_password2": "mat-khau-moi-2026"},
                       follow=True)
    assert "Đã đổi mật khẩu" in done.content.decode()
    client.logout()
    response = client.post(LOGIN, {"username": "sotuphap", "password": "mat-khau-moi-2026", "next": "/tieu-chi/"})
    assert response.status_code == 302 and response["Location"] == "/tieu-chi/"
