"""Dates as Vietnamese users type them, day first, in every form that takes one: 10/04/2025
is 10 April (Django's own "vi" locale has no input formats and read it as 4 October)."""
import datetime
from zoneinfo import ZoneInfo

import pytest
from django.urls import reverse
from django.utils import translation

from reports.models import ReportRecord
from scorecards.forms import DeadlineField, EvidenceForm

HCM = ZoneInfo("Asia/Ho_Chi_Minh")


@pytest.mark.parametrize("lang", ["vi", "en"])
@pytest.mark.parametrize("typed", ["10/04/2025", "10/4/2025", "10-04-2025", "2025-04-10"])
def test_a_date_is_read_day_first_in_both_languages(typed, lang):
    with translation.override(lang):
        form = EvidenceForm(data={"doc_date": typed}, files={})
        form.is_valid()
        assert form.cleaned_data["doc_date"] == datetime.date(2025, 4, 10)


def test_18_04_2025_is_a_date_not_an_error():
    with translation.override("vi"):
        form = EvidenceForm(data={"doc_date": "18/04/2025"}, files={})
        form.is_valid()
        assert form.cleaned_data["doc_date"] == datetime.date(2025, 4, 18)


def test_a_deadline_without_a_time_means_five_in_the_afternoon():
    with translation.override("vi"):
        field = DeadlineField(required=False)
        value = field.clean(["10/04/2025", ""])
        assert value.astimezone(HCM).replace(tzinfo=None) == datetime.datetime(2025, 4, 10, 17, 0)
        value = field.clean(["10/04/2025", "08:30"])
        assert value.astimezone(HCM).replace(tzinfo=None) == datetime.datetime(2025, 4, 10, 8, 30)


def test_the_admin_takes_a_report_date_and_a_deadline_day_first(client, officer, period_2024, open_period):
    client.force_login(officer)
    url = reverse("admin:scorecards_evaluationperiod_change", args=[open_period.pk])
    form = client.get(url).context["adminform"].form
    response = client.post(url, {"self_assessment_deadline_0": "10/04/2025", "self_assessment_deadline_1": "",
                                 "explanation_deadline_0": "", "explanation_deadline_1": "",
                                 "published_decision": "", "row_fingerprint": form["row_fingerprint"].value()})
    assert response.status_code == 302, response.context["adminform"].form.errors
    open_period.refresh_from_db()
    assert open_period.self_assessment_deadline.astimezone(HCM).replace(tzinfo=None) == datetime.datetime(2025, 4, 10, 17, 0)
    record = ReportRecord.objects.get(period=period_2024)
    url = reverse("admin:reports_reportrecord_change", args=[record.pk])
    form = client.get(url).context["adminform"].form
    data = {name: form[name].value() or "" for name in form.fields}
    data["date"] = "10/04/2025"
    response = client.post(url, data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    record.refresh_from_db()
    assert record.date == datetime.date(2025, 4, 10)


def test_dates_are_shown_day_first(client, officer, period_2024):
    client.force_login(officer)
    record = ReportRecord.objects.get(period=period_2024)
    html = client.get(reverse("admin:reports_reportrecord_change", args=[record.pk])).content.decode()
    assert record.date.strftime("%d/%m/%Y") in html
