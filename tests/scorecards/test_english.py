"""English is one switch away: the project's own strings come from the committed catalogue;
Vietnamese replaces Django's own wording (locale/vi) and takes numbers with a decimal comma."""
import re

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


# --- the Vietnamese catalogue of Django's own strings (locale/vi) -----------------------------

def po_entries(path):
    """(context, msgid, msgid_plural, msgstr) of a .po file (the subset of the format it uses)."""
    import ast

    entries, entry, key = [], {}, None
    for line in open(path, encoding="utf-8").read().splitlines() + [""]:
        if not line.strip():
            if entry.get("msgid"):
                entries.append((entry.get("msgctxt"), entry["msgid"], entry.get("msgid_plural"),
                                entry.get("msgstr") or entry.get("msgstr[0]")))
            entry, key = {}, None
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            entry[key] += ast.literal_eval(line)
        else:
            key, _, value = line.partition(" ")
            entry[key] = ast.literal_eval(value)
    return entries


@pytest.mark.parametrize("domain", ["django", "djangojs"])
def test_the_vietnamese_catalogue_is_compiled(domain):
    """Every entry of locale/vi/…/<domain>.po is what Django answers: the .mo is up to date."""
    from pathlib import Path

    from django.conf import settings
    from django.utils import translation
    from django.utils.translation.trans_real import DjangoTranslation

    path = Path(settings.BASE_DIR) / "locale" / "vi" / "LC_MESSAGES" / f"{domain}.po"
    entries = po_entries(path)
    assert len(entries) > 20
    if domain == "django":
        catalogue = translation.trans_real.translation("vi")
    else:
        import django.contrib.admin

        catalogue = DjangoTranslation("vi", domain="djangojs",
                                      localedirs=[Path(django.contrib.admin.__file__).parent / "locale"])
    for context, msgid, plural, msgstr in entries:
        if context:
            got = catalogue.pgettext(context, msgid)
        elif plural:
            got = catalogue.ngettext(msgid, plural, 2)
        else:
            got = catalogue.gettext(msgid)
        assert got == msgstr, msgid


def test_djangos_wording_is_replaced_in_vietnamese_only():
    from django.utils import translation

    with translation.override("vi"):
        assert translation.gettext("Show counts") == "Hiện số lượng"
        assert translation.gettext("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": 0} == "Giá trị phải lớn hơn hoặc bằng 0."
        assert translation.gettext("History") == "Lịch sử"
    with translation.override("en"):
        assert translation.gettext("Show counts") == "Show counts"


def test_a_negative_point_is_refused_in_plain_vietnamese(client, tuphap, open_period):
    from scorecards.models import Score

    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    client.force_login(tuphap)
    html = client.post(reverse("scorecards:score", args=[score.pk]), {
        "action": "save", "version": score.version, "self_points": "-1", "explanation": "x"}).content.decode()
    assert "Điểm không được âm." in html and "Đảm bảo" not in html


def test_points_boxes_take_a_decimal_comma_and_open_the_decimal_keypad(client, tuphap, open_period):
    from scorecards.models import Score

    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    client.force_login(tuphap)
    html = client.get(reverse("scorecards:score", args=[score.pk])).content.decode()
    assert 'name="self_points"' in html and 'inputmode="decimal"' in html
    response = client.post(reverse("scorecards:score", args=[score.pk]), {
        "action": "save", "version": score.version, "self_points": "0,75", "explanation": "x"})
    assert response.status_code == 302
    score.refresh_from_db()
    assert str(score.self_points) == "0.750"


def test_admin_decimal_boxes_take_a_decimal_comma(client, officer):
    from decimal import Decimal

    from scorecards.models import NationalResult, Province

    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_nationalresult_add")).content.decode()
    box = re.search(r'<input[^>]*name="par_score"[^>]*>', html).group(0)
    assert 'inputmode="decimal"' in box and 'type="text"' in box
    province = Province.objects.order_by("pk").first()
    response = client.post(reverse("admin:scorecards_nationalresult_add"), {
        "year": "2030", "province": province.pk, "par_score": "88,23", "par_rank": "5", "sipas_pct": "82,5",
        "sipas_rank": "", "ranked_count": "34", "decision": ""})
    assert response.status_code == 302, response.content.decode()[:2000]
    result = NationalResult.objects.get(year=2030, province=province)
    assert (result.par_score, result.sipas_pct) == (Decimal("88.23"), Decimal("82.5"))
    html = client.get(reverse("admin:scorecards_nationalresult_change", args=[result.pk])).content.decode()
    assert 'value="88,23' in html


def test_a_history_page_writes_values_the_vietnamese_way(client, officer, demo):
    """scorecards.admin.history (ScoreAdmin's history): an empty value, a state and points as
    the app writes them, not None → 0.960 and draft → accepted."""
    from scorecards.models import Score

    score = Score.objects.filter(appraised_points__isnull=False).order_by("pk").first()
    client.force_login(officer)
    html = client.get(reverse("admin:scorecards_score_history", args=[score.pk])).content.decode()
    assert "(trống)&nbsp;&rarr;&nbsp;" in html and "Đang soạn&nbsp;&rarr;&nbsp;Đã chấp nhận" in html
    assert "None" not in html and "draft" not in html and "0.960" not in html
    assert "Lịch sử thay đổi:" in html and "lần thay đổi" in html
