"""English is one switch away: the project's own strings come from the committed catalogue."""
import pytest
from django.urls import reverse


@pytest.fixture
def english(client):
    def _login(user):
        client.force_login(user)
        client.post(reverse("set_language"), {"language": "en", "next": "/"})
        return client
    return _login


def test_agency_staff_read_their_list_in_english(english, tuphap, open_period):
    html = english(tuphap).get(reverse("scorecards:workspace")).content.decode()
    assert "Assigned criteria – Sở Tư pháp" in html and ">Criteria</a>" in html
    assert "Tiêu chí được giao" not in html


def test_leaders_read_the_overview_in_english(english, leader, period_2024):
    html = english(leader).get("/reports/2024/tong-quan/").content.decode()
    assert "PAR Index overview 2024" in html and "Points lost by lead agency" in html
    assert "88,23" in html  # figures keep the Vietnamese decimal comma in either language


def test_vietnamese_stays_the_default(client, leader, period_2024):
    client.force_login(leader)
    html = client.get("/reports/2024/tong-quan/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Tổng quan Chỉ số CCHC năm 2024" in html
