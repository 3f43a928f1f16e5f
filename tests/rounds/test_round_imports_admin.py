"""A round's kind on the shared admin import pages (scorecards.admin.transfer): mounted on a
round's admin with `resource_classes`, the round is chosen on the form (scope "round") or
named in the address; template, preview, confirm; only Sở Nội vụ imports.

This module is its own URLconf: an admin site that registers the project's RoundAdmin with
the transfer mixin and the appraisal table, as a round's admin would declare it."""
import io
from decimal import Decimal

import openpyxl
import pytest
from django.contrib import admin
from django.http import HttpRequest
from django.urls import include, path, reverse

from scorecards.admin.transfer import TransferAdminMixin
from scorecards.choices import PeriodStatus
from scorecards.models import Round, Score
from scorecards.resources import RoundAppraisalResource
from scorecards.services import rounds as round_service
from tests.conftest import DEMO_PASSWORD
from tests.transfer.conftest import snapshot, xlsx

try:
    from scorecards.admin.rounds import RoundAdmin as BaseRoundAdmin
except ImportError:  # pragma: no cover (the round's admin module is another part of the issue)
    BaseRoundAdmin = admin.ModelAdmin


class RoundImportAdmin(TransferAdminMixin, BaseRoundAdmin):
    resource_classes = [RoundAppraisalResource]


site = admin.AdminSite(name="admin")
site.register(Round, RoundImportAdmin)
urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("scorecards.urls")),
]

pytestmark = pytest.mark.urls(__name__)
IMPORT = "admin:scorecards_round_import"
CONFIRM = "admin:scorecards_round_process_import"
HEADER = ["Mã đơn vị", "Mã tiêu chí", "Điểm thẩm định vòng 1", "Lý do", "Yêu cầu giải trình"]


def login(client, user):
    # django-axes checks every authenticate() call against its lockouts and needs a request.
    assert client.login(request=HttpRequest(), username=user.username, password=DEMO_PASSWORD)
    return client


def upload(client, data: bytes, scope=None):
    file = io.BytesIO(data)
    file.name = "tham-dinh.xlsx"
    fields = {"import_file": file, "format": "0", "resource": "0"}
    if scope is not None:
        fields["scope"] = scope.pk
    return client.post(reverse(IMPORT), fields, follow=True)  # to the job's page (the preview)


@pytest.fixture
def appraisal_round(small_round, officer):
    round_service.change_round_status(small_round.pk, PeriodStatus.APPRAISAL, actor=officer)
    small_round.refresh_from_db()
    return small_round


def test_the_template_is_the_appraisal_sheet(client, officer, appraisal_round):
    login(client, officer)
    url = reverse("admin:scorecards_round_template", args=["xlsx"])
    assert "— Chọn đợt đánh giá —" in client.get(url).content.decode()  # asks for the round first
    response = client.get(url, {"scope": appraisal_round.pk})
    assert response["Content-Disposition"] == \
        f'attachment; filename="mau-diem-tham-dinh-cua-dot-{appraisal_round.year}.xlsx"'
    ws = openpyxl.load_workbook(io.BytesIO(response.content))["Thẩm định"]
    assert [c.value for c in ws[1]] == ["Mã đơn vị", "Tên đơn vị", "Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa",
                                        "Điểm thẩm định vòng 1", "Điểm thẩm định vòng 2", "Lý do", "Yêu cầu giải trình"]
    assert ws.max_row > 1  # the round's units and criteria, filled from data


def test_a_round_is_chosen_previewed_and_confirmed(client, officer, appraisal_round):
    login(client, officer)
    page = client.get(reverse(IMPORT) + f"?scope={appraisal_round.pk}")
    assert page.status_code == 200 and page.context["form"]["scope"].value() == str(appraisal_round.pk)
    assert "Đợt đánh giá của tỉnh" in page.content.decode()
    response = upload(client, xlsx([HEADER, ["t-so-0-2025", "1.1.1", "0,75", "Thiếu văn bản", "x"]]), appraisal_round)
    preview = response.context["preview"]
    assert preview.ok and [r.key for r in preview.changed] == ["t-so-0-2025 · 1.1.1"], [str(e) for e in preview.errors]
    assert preview.scope_label == appraisal_round.name and "0,75" in response.content.decode()
    target = Score.objects.get(period__round=appraisal_round, period__subject__code="t-so-0-2025", criterion__code="1.1.1")
    assert target.appraised_points is None
    form = response.context["confirm_form"]
    response = client.post(reverse(CONFIRM), {name: form[name].value() for name in form.fields})
    assert response.status_code == 302, response.content.decode()[:2000]
    target.refresh_from_db()
    assert (target.appraised_points, target.explanation_requested, target.updated_by) == (Decimal("0.75"), True, officer)


def test_a_bad_file_shows_its_errors_and_offers_no_confirm(client, officer, appraisal_round):
    login(client, officer)
    before = snapshot()
    response = upload(client, xlsx([HEADER, ["t-so-0-2025", "1.1.1", "1,5", "", ""]]), appraisal_round)
    assert response.context["confirm_form"] is None
    assert "1,5 vượt điểm tối đa 1 của tiêu chí 1.1.1." in response.content.decode()
    assert snapshot() == before


def test_a_leader_may_not_import(client, leader, appraisal_round):
    login(client, leader)
    assert client.get(reverse(IMPORT)).status_code == 403
