"""A year's number of provinces ranked is changed for all its results at once (63 → 34)."""
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from scorecards.models import AuditEvent, NationalResult, Province
from scorecards.services.records import set_ranked_count

pytestmark = pytest.mark.django_db

URL = "admin:scorecards_nationalresult_ranked_count"


@pytest.fixture
def year_2031(demo):
    """Two provinces' results of a year typed with the old count of 63."""
    other = Province.objects.create(code="tinh-khac-2031", name="Tỉnh Khác")
    return [NationalResult.objects.create(year=2031, province=p, par_score=Decimal("80"), par_rank=rank, ranked_count=63)
            for p, rank in ((Province.objects.get(code="dien-bien"), 12), (other, 30))]


def test_a_row_by_row_correction_is_refused_but_the_year_step_works(year_2031, officer):
    first = year_2031[0]
    first.ranked_count = 34
    with pytest.raises(ValidationError):
        first.full_clean()  # the other row of 2031 still says 63
    assert set_ranked_count(2031, 34, actor=officer) == 2
    assert set(NationalResult.objects.filter(year=2031).values_list("ranked_count", flat=True)) == {34}
    events = AuditEvent.objects.filter(data__model="scorecards.nationalresult", action="record.changed", actor=officer)
    assert events.count() == 2 and all(e.data["changes"] == {"ranked_count": ["63", "34"]} for e in events)


def test_refusals_change_nothing(year_2031, officer, tuphap, period_2024):
    with pytest.raises(ValidationError, match="Thứ hạng lớn hơn 20: Tỉnh Khác"):
        set_ranked_count(2031, 20, actor=officer)
    with pytest.raises(PermissionDenied):
        set_ranked_count(2031, 34, actor=tuphap)
    with pytest.raises(ValidationError, match="chưa có kết quả công bố"):
        set_ranked_count(2040, 34, actor=officer)
    with pytest.raises(ValidationError, match="2024 đã công bố"):
        set_ranked_count(2024, 34, actor=officer)
    assert set(NationalResult.objects.filter(year=2031).values_list("ranked_count", flat=True)) == {63}
    assert NationalResult.objects.get(year=2024, province__code="dien-bien").ranked_count == 63


def test_the_admin_page(client, year_2031, officer, leader):
    client.force_login(leader)
    assert client.get(reverse(URL)).status_code == 403
    client.force_login(officer)
    assert "so-dia-phuong" in client.get(reverse("admin:scorecards_nationalresult_changelist")).content.decode()
    bad = client.post(reverse(URL), {"year": 2031, "ranked_count": 20})
    assert bad.status_code == 200 and "Thứ hạng lớn hơn 20" in bad.content.decode()
    response = client.post(reverse(URL), {"year": 2031, "ranked_count": 34})
    assert response.status_code == 302
    assert set(NationalResult.objects.filter(year=2031).values_list("ranked_count", flat=True)) == {34}
