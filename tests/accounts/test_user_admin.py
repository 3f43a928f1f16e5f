"""User accounts in the admin: only system administrators (and superusers) add or change
them, only a superuser grants superuser status or single permissions, nobody deletes."""
import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from scorecards import permissions
from scorecards.models import User
from tests.conftest import DEMO_PASSWORD


def change_url(user):
    return reverse("admin:scorecards_user_change", args=[user.pk])


def password_url(user):
    return f"/admin/scorecards/user/{user.pk}/password/"


def change_data(user, **overrides):
    """The change form as a browser would post it, for the fields a system administrator edits."""
    data = {
        "username": user.username, "first_name": user.first_name, "last_name": user.last_name,
        "email": user.email, "agency": user.agency_id or "",
        "groups": [g.pk for g in user.groups.all()],
    }
    if user.is_active:
        data["is_active"] = "on"
    if user.is_staff:
        data["is_staff"] = "on"
    data.update(overrides)
    return data


@pytest.fixture
def root(demo):
    return User.objects.create_superuser("root", "root@example.vn", DEMO_PASSWORD)


def state(user):
    user.refresh_from_db()
    return (user.is_superuser, user.is_staff, user.is_active, set(user.groups.values_list("name", flat=True)),
            set(user.user_permissions.values_list("codename", flat=True)), user.password)


# -- Home Affairs officer: the list, nothing more ---------------------------------------------

def test_the_officer_sees_the_list_without_links_to_the_accounts(client, officer, tuphap):
    client.force_login(officer)
    response = client.get(reverse("admin:scorecards_user_changelist"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "sotuphap" in html and change_url(tuphap) not in html
    assert reverse("admin:scorecards_user_add") not in html


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_officer_cannot_open_or_post_an_account(client, officer, tuphap, method):
    client.force_login(officer)
    before = state(tuphap)
    response = getattr(client, method)(change_url(tuphap), change_data(tuphap, is_staff="on") if method == "post" else {})
    assert response.status_code == 403
    assert state(tuphap) == before


@pytest.mark.parametrize("method", ["get", "post"])
def test_the_officer_cannot_set_a_password(client, officer, tuphap, method):
    client.force_login(officer)
    before = state(tuphap)
    data = {"password1": "mat-khau-moi-2025", "password2": "mat-khau-moi-2025", "usable_password": "true"}
    response = getattr(client, method)(password_url(tuphap), data if method == "post" else {})
    assert response.status_code == 403
    assert state(tuphap) == before


def test_the_officer_cannot_make_himself_superuser_or_staff_another(client, officer, tuphap):
    client.force_login(officer)
    before_self, before_other = state(officer), state(tuphap)
    attempts = [
        (change_url(officer), change_data(officer, is_superuser="on", is_staff="on",
                                          user_permissions=[p.pk for p in Permission.objects.all()[:5]])),
        (change_url(tuphap), change_data(tuphap, is_staff="on", is_superuser="on")),
        (reverse("admin:scorecards_user_add"), {"username": "moi", "usable_password": "true",
                                                "password1": "mat-khau-moi-2025", "password2": "mat-khau-moi-2025",
                                                "is_superuser": "on", "is_staff": "on"}),
    ]
    for url, data in attempts:
        assert client.post(url, data).status_code == 403, url
    assert state(officer) == before_self and state(tuphap) == before_other
    assert not User.objects.filter(username="moi").exists()


def test_the_leader_cannot_open_an_account_either(client, leader, tuphap):
    client.force_login(leader)
    assert client.get(reverse("admin:scorecards_user_changelist")).status_code == 200
    assert client.get(change_url(tuphap)).status_code == 403
    assert client.get(password_url(tuphap)).status_code == 403


# -- System administrator --------------------------------------------------------------------

def test_the_sysadmin_sees_superuser_fields_read_only(client, sysadmin, tuphap):
    client.force_login(sysadmin)
    response = client.get(change_url(tuphap))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="is_staff"' in html and 'name="groups"' in html and 'name="agency"' in html
    assert 'name="is_superuser"' not in html and 'name="user_permissions"' not in html
    assert "Vai trò và quyền" in html
    assert "/delete/" not in html


def test_the_sysadmin_changes_groups_and_staff_but_not_superuser(client, sysadmin, tuphap):
    client.force_login(sysadmin)
    leaders = Group.objects.get(name=permissions.LEADERS)
    some_perm = Permission.objects.get(content_type__app_label="scorecards", codename="change_score")
    response = client.post(change_url(tuphap), change_data(
        tuphap, is_staff="on", groups=[leaders.pk], is_superuser="on", user_permissions=[some_perm.pk]))
    assert response.status_code == 302, response.content.decode()[:3000]
    is_superuser, is_staff, is_active, groups, user_perms, _ = state(tuphap)
    assert is_staff and is_active and groups == {permissions.LEADERS}
    assert not is_superuser and user_perms == set()


def test_the_sysadmin_cannot_make_himself_superuser(client, sysadmin):
    client.force_login(sysadmin)
    response = client.post(change_url(sysadmin), change_data(sysadmin, is_superuser="on"))
    assert response.status_code == 302
    sysadmin.refresh_from_db()
    assert not sysadmin.is_superuser


def test_the_sysadmin_deactivates_an_account(client, sysadmin, tuphap):
    client.force_login(sysadmin)
    data = change_data(tuphap)
    del data["is_active"]
    assert client.post(change_url(tuphap), data).status_code == 302
    tuphap.refresh_from_db()
    assert not tuphap.is_active


def test_the_sysadmin_resets_a_password(client, sysadmin, tuphap):
    client.force_login(sysadmin)
    assert client.get(password_url(tuphap)).status_code == 200
    response = client.post(password_url(tuphap), {"password1": "mat-khau-moi-2025", "password2": "mat-khau-moi-2025",
                                                  "usable_password": "true"})
    assert response.status_code == 302
    tuphap.refresh_from_db()
    assert tuphap.check_password("mat-khau-moi-2025")


def test_the_sysadmin_adds_an_account_that_is_never_superuser(client, sysadmin, agency_tuphap):
    client.force_login(sysadmin)
    staff = Group.objects.get(name=permissions.AGENCY_STAFF)
    response = client.post(reverse("admin:scorecards_user_add"), {
        "username": "canbomoi", "usable_password": "true", "password1": "mat-khau-moi-2025",
        "password2": "mat-khau-moi-2025", "agency": agency_tuphap.pk, "groups": [staff.pk], "is_superuser": "on"})
    assert response.status_code == 302, response.content.decode()[:3000]
    user = User.objects.get(username="canbomoi")
    assert user.agency == agency_tuphap and list(user.groups.all()) == [staff] and not user.is_superuser


def test_the_sysadmin_cannot_take_over_a_superuser(client, sysadmin, root):
    client.force_login(sysadmin)
    before = state(root)
    assert client.post(change_url(root), change_data(root, is_active="")).status_code == 403
    assert client.post(password_url(root), {"password1": "mat-khau-moi-2025", "password2": "mat-khau-moi-2025",
                                            "usable_password": "true"}).status_code == 403
    assert state(root) == before


def test_the_sysadmin_cannot_change_what_a_group_may_do(client, sysadmin):
    client.force_login(sysadmin)
    home = Group.objects.get(name=permissions.HOME_AFFAIRS)
    before = set(home.permissions.values_list("pk", flat=True))
    url = reverse("admin:auth_group_change", args=[home.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"name": "Đổi tên", "permissions": [p.pk for p in Permission.objects.all()]})
    assert response.status_code == 302
    home.refresh_from_db()
    assert home.name == permissions.HOME_AFFAIRS
    assert set(home.permissions.values_list("pk", flat=True)) == before
    assert client.post(reverse("admin:auth_group_delete", args=[home.pk]), {"post": "yes"}).status_code == 403


# -- Superuser and nobody: delete ------------------------------------------------------------

def test_only_a_superuser_grants_superuser(client, root, tuphap):
    client.force_login(root)
    html = client.get(change_url(tuphap)).content.decode()
    assert 'name="is_superuser"' in html and 'name="user_permissions"' in html
    data = change_data(tuphap, is_superuser="on", date_joined_0="2024-01-01", date_joined_1="08:00:00",
                       last_login_0="", last_login_1="")
    assert client.post(change_url(tuphap), data).status_code == 302
    tuphap.refresh_from_db()
    assert tuphap.is_superuser


@pytest.mark.parametrize("persona", ["root", "sysadmin", "officer"])
def test_nobody_deletes_an_account(client, request, persona, tuphap):
    client.force_login(request.getfixturevalue(persona))
    url = reverse("admin:scorecards_user_delete", args=[tuphap.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"post": "yes"}).status_code == 403
    changelist = reverse("admin:scorecards_user_changelist")
    client.post(changelist, {"action": "delete_selected", "_selected_action": [tuphap.pk], "post": "yes"})
    assert User.objects.filter(pk=tuphap.pk).exists()


def test_the_delete_action_is_gone_even_for_a_superuser(client, root):
    client.force_login(root)
    response = client.get(reverse("admin:scorecards_user_changelist"))
    assert response.status_code == 200
    assert "delete_selected" not in response.content.decode()


def test_the_role_decides_not_a_permission_given_by_hand(client, officer, tuphap, home_affairs_group):
    home_affairs_group.permissions.add(*Permission.objects.filter(
        content_type__app_label="scorecards", codename__in=["add_user", "change_user", "delete_user"]))
    client.force_login(officer)
    before = state(tuphap)
    assert client.get(change_url(tuphap)).status_code == 403
    assert client.post(change_url(tuphap), change_data(tuphap, is_staff="on", is_superuser="on")).status_code == 403
    assert client.post(password_url(tuphap), {"password1": "mat-khau-moi-2025", "password2": "mat-khau-moi-2025",
                                              "usable_password": "true"}).status_code == 403
    assert state(tuphap) == before
