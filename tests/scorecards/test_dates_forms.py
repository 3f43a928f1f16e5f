"""Every form that takes a date or a time, in Vietnamese and in English, through the real
pages: the period deadlines, an agency's exception, the evidence's document date, the
report's date, a province's and an agency's dates of life, the audit log's date filter.

Dates are typed day first in both languages (config/formats): 10/04/2025 is 10 April, never
4 October; 18/04/2025 is a date; 04/18/2025 is refused with a message; a deadline typed as
a date alone means 17:00 that day (Asia/Ho_Chi_Minh); stored dates are shown dd/mm/yyyy.
(NationalResult has no date.)
"""
import datetime
import re
from zoneinfo import ZoneInfo

import pytest
from django import forms
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import formats, timezone, translation

from reports.models import ReportRecord
from scorecards.forms import DayFirstDateField, DeadlineField, DeadlineInputField
from scorecards.models import Agency, AgencyException, EvidenceDocument, Province, Score

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
LANGS = ["vi", "en"]
APRIL_10 = ["10/04/2025", "10/4/2025", "10-04-2025", "10.04.2025", "2025-04-10"]
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def local(value: datetime.datetime) -> datetime.datetime:
    return value.astimezone(HCM).replace(tzinfo=None)


# --- helpers: the real pages, in the language of the cookie -----------------------------------

@pytest.fixture(autouse=True)
def back_to_vietnamese():
    """A request in English leaves English active in the thread: restore the default after."""
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture
def speaking(client):
    """A client logged in as `user`, in `lang` (the cookie the language switcher sets)."""
    def _speaking(user, lang):
        client.force_login(user)
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        return client
    return _speaking


def _put(data: dict, bf) -> None:
    widget = bf.field.widget
    widget = getattr(widget, "widget", widget)  # the admin's RelatedFieldWidgetWrapper
    value = bf.value()
    if isinstance(widget, forms.ClearableFileInput):
        return
    if isinstance(widget, forms.MultiWidget):
        parts = value if isinstance(value, (list, tuple)) else widget.decompress(value)
        for i, part in enumerate(parts):
            data[f"{bf.html_name}_{i}"] = "" if part is None else part
    elif isinstance(widget, forms.CheckboxInput):
        if value:
            data[bf.html_name] = "on"
    elif getattr(widget, "allow_multiple_selected", False) or isinstance(value, (list, tuple)):
        data[bf.html_name] = [str(v) for v in value or []]
    else:
        data[bf.html_name] = "" if value is None else value


def admin_form_data(response) -> dict:
    """What the admin page would post back unchanged: its form and inlines."""
    data = {}
    for bf in response.context["adminform"].form:
        _put(data, bf)
    for inline in response.context.get("inline_admin_formsets") or []:
        for bf in inline.formset.management_form:
            _put(data, bf)
        for form in inline.formset.forms:
            for bf in form:
                _put(data, bf)
    return data


def open_admin(client, url, lang, needs=()):
    response = client.get(url)
    assert response.status_code == 200, url
    html = response.content.decode()
    assert f'lang="{lang}"' in html  # the page really is in that language
    fields = response.context["adminform"].form.fields
    missing = [name for name in needs if name not in fields]
    if missing:
        pytest.skip(f"{url}: the admin form has no field {', '.join(missing)} yet")
    return response, admin_form_data(response)


def assert_saved(response):
    assert response.status_code == 302, (response.context["adminform"].form.errors
                                         if response.context and "adminform" in response.context else response)


def refused(response, field: str, lang: str) -> str:
    """The admin page came back with an error on `field`; in Vietnamese on Vietnamese pages."""
    assert response.status_code == 200
    errors = response.context["adminform"].form.errors
    assert field in errors, errors
    text = " ".join(errors[field])
    if lang == "vi":
        assert re.search(r"ngày|thời gian|thời điểm", text, re.IGNORECASE), text
    return text


# --- the formats themselves ------------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("typed", [*APRIL_10, "10/04/25"])
def test_a_date_is_read_day_first(lang, typed):
    with translation.override(lang):
        assert DayFirstDateField().clean(typed) == datetime.date(2025, 4, 10)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("typed,expected", [
    ("10/04/2025 14:30", (2025, 4, 10, 14, 30)), ("10/4/2025 8:05", (2025, 4, 10, 8, 5)),
    ("10-04-2025 14:30", (2025, 4, 10, 14, 30)), ("10.04.2025 14:30", (2025, 4, 10, 14, 30)),
    ("10/04/2025 14h30", (2025, 4, 10, 14, 30)), ("14:30 10/04/2025", (2025, 4, 10, 14, 30)),
    ("2025-04-10 14:30", (2025, 4, 10, 14, 30)), ("2025-04-10T14:30", (2025, 4, 10, 14, 30)),
    ("10/04/2025", (2025, 4, 10, 17, 0)), ("10/4/2025", (2025, 4, 10, 17, 0)), ("10-04-2025", (2025, 4, 10, 17, 0)),
    ("10.04.2025", (2025, 4, 10, 17, 0)), ("2025-04-10", (2025, 4, 10, 17, 0)), ("18/04/2025", (2025, 4, 18, 17, 0)),
])
def test_a_deadline_in_one_box_is_five_in_the_afternoon_unless_a_time_is_given(lang, typed, expected):
    with translation.override(lang):
        value = DeadlineInputField().clean(typed)
    assert local(value) == datetime.datetime(*expected)
    assert value.tzinfo is not None


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("date_box,time_box,expected", [
    ("10/04/2025", "", (2025, 4, 10, 17, 0)), ("18/04/2025", "", (2025, 4, 18, 17, 0)),
    ("10/4/2025", "8:05", (2025, 4, 10, 8, 5)), ("10.04.2025", "14h30", (2025, 4, 10, 14, 30)),
    ("2025-04-10", "14:30:00", (2025, 4, 10, 14, 30)),
])
def test_a_deadline_in_two_boxes_is_five_in_the_afternoon_unless_a_time_is_given(lang, date_box, time_box, expected):
    with translation.override(lang):
        assert local(DeadlineField(required=False).clean([date_box, time_box])) == datetime.datetime(*expected)


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("field", [DayFirstDateField, DeadlineInputField])
@pytest.mark.parametrize("typed", ["04/18/2025", "31/02/2025", "10/13/2025", "ngày mai"])
def test_month_first_and_impossible_dates_are_refused(lang, field, typed):
    with translation.override(lang), pytest.raises(forms.ValidationError) as refused_:
        field().clean(typed)
    if lang == "vi":
        assert "ví dụ 10/04/2025" in " ".join(refused_.value.messages)


@pytest.mark.parametrize("lang", LANGS)
def test_dates_are_shown_day_first_in_both_languages(lang):
    moment = timezone.make_aware(datetime.datetime(2025, 4, 10, 17, 0), HCM)
    with translation.override(lang):
        assert formats.date_format(datetime.date(2025, 4, 10)) == "10/04/2025"
        assert formats.date_format(datetime.date(2025, 4, 10), "SHORT_DATE_FORMAT") == "10/04/2025"
        assert formats.date_format(timezone.localtime(moment), "DATETIME_FORMAT") == "17:00 10/04/2025"
        assert formats.date_format(timezone.localtime(moment), "SHORT_DATETIME_FORMAT") == "17:00 10/04/2025"
        assert formats.get_format("DATE_INPUT_FORMATS")[0] == "%d/%m/%Y"  # how a form shows a stored date


# --- EvaluationPeriod: self_assessment_deadline, explanation_deadline (admin) ------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_period_change_page_takes_deadlines_day_first(speaking, officer, open_period, lang):
    client = speaking(officer, lang)
    url = reverse("admin:scorecards_evaluationperiod_change", args=[open_period.pk])
    _, data = open_admin(client, url, lang, needs=["self_assessment_deadline", "explanation_deadline"])
    assert isinstance(client.get(url).context["adminform"].form.fields["self_assessment_deadline"], DeadlineField)
    data.update({"self_assessment_deadline_0": "10/04/2025", "self_assessment_deadline_1": "",
                 "explanation_deadline_0": "18/04/2025", "explanation_deadline_1": "8:05"})
    assert_saved(client.post(url, data))
    open_period.refresh_from_db()
    assert local(open_period.self_assessment_deadline) == datetime.datetime(2025, 4, 10, 17, 0)
    assert local(open_period.explanation_deadline) == datetime.datetime(2025, 4, 18, 8, 5)
    html = client.get(url).content.decode()
    assert 'value="10/04/2025"' in html and 'value="17:00"' in html and 'value="18/04/2025"' in html
    listing = client.get(reverse("admin:scorecards_evaluationperiod_changelist")).content.decode()
    assert "17:00 10/04/2025" in listing


@pytest.mark.parametrize("lang", LANGS)
def test_a_month_first_deadline_is_refused_and_nothing_changes(speaking, officer, open_period, lang):
    client = speaking(officer, lang)
    before = (open_period.self_assessment_deadline, open_period.explanation_deadline)
    url = reverse("admin:scorecards_evaluationperiod_change", args=[open_period.pk])
    _, data = open_admin(client, url, lang, needs=["self_assessment_deadline"])
    data.update({"self_assessment_deadline_0": "04/18/2025", "self_assessment_deadline_1": ""})
    refused(client.post(url, data), "self_assessment_deadline", lang)
    open_period.refresh_from_db()
    assert (open_period.self_assessment_deadline, open_period.explanation_deadline) == before


@pytest.mark.parametrize("lang", LANGS)
def test_the_period_add_page_takes_deadlines_day_first(speaking, officer, open_period, lang):
    from tests.factories import AgencyFactory

    subject = AgencyFactory(code=f"tinh-moi-{lang}", name="UBND tỉnh Mới", kind=Agency.Kind.PROVINCE)
    client = speaking(officer, lang)
    url = reverse("admin:scorecards_evaluationperiod_add")
    _, data = open_admin(client, url, lang, needs=["self_assessment_deadline", "explanation_deadline"])
    data.update({"year": "2025", "subject": str(subject.pk), "framework": str(open_period.framework_id),
                 "self_assessment_deadline_0": "10/4/2025", "self_assessment_deadline_1": "",
                 "explanation_deadline_0": "2025-04-18", "explanation_deadline_1": "14:30"})
    if "sipas_questionnaire" in data:
        data["sipas_questionnaire"] = str(open_period.sipas_questionnaire_id or "")
    assert_saved(client.post(url, data))
    created = subject.periods.get(year=2025)
    assert local(created.self_assessment_deadline) == datetime.datetime(2025, 4, 10, 17, 0)
    assert local(created.explanation_deadline) == datetime.datetime(2025, 4, 18, 14, 30)


# --- AgencyException.until: the board's form (the admin is read only) --------------------------

def test_exceptions_are_granted_on_the_board_only(client, officer):
    client.force_login(officer)
    assert client.get(reverse("admin:scorecards_agencyexception_add")).status_code == 403


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("typed,clock", [("10/04/{y}", (17, 0)), ("10/4/{y} 8:05", (8, 5)), ("18/04/{y}", (17, 0)),
                                         ("10-04-{y} 14:30", (14, 30)), ("{y}-04-10T14:30", (14, 30))])
def test_the_board_grants_an_exception_until_a_day_typed_day_first(speaking, officer, open_period, tuphap, lang, typed, clock):
    year = timezone.localdate().year + 1
    client = speaking(officer, lang)
    board = client.get(reverse("scorecards:board", args=[open_period.pk])).content.decode()
    assert 'name="until"' in board and 'placeholder="dd/mm/yyyy hh:mm"' in board
    response = client.post(reverse("scorecards:grant_exception", args=[open_period.pk]),
                           {"agency": tuphap.agency_id, "until": typed.format(y=year), "reason": "Chờ số liệu"})
    assert response.status_code == 302
    exc = AgencyException.objects.get(period=open_period, agency=tuphap.agency)
    day = 18 if typed.startswith("18") else 10
    assert local(exc.until) == datetime.datetime(year, 4, day, *clock)
    board = client.get(reverse("scorecards:board", args=[open_period.pk])).content.decode()
    assert f"{clock[0]:02d}:{clock[1]:02d} {day}/04/{year}" in board


@pytest.mark.parametrize("lang", LANGS)
def test_a_month_first_exception_date_is_refused(speaking, officer, open_period, tuphap, lang):
    year = timezone.localdate().year + 1
    client = speaking(officer, lang)
    response = client.post(reverse("scorecards:grant_exception", args=[open_period.pk]),
                           {"agency": tuphap.agency_id, "until": f"04/18/{year}", "reason": "Chờ số liệu"}, follow=True)
    assert not AgencyException.objects.filter(period=open_period).exists()
    shown = [str(m) for m in response.context["messages"]]
    assert shown
    if lang == "vi":
        assert any("ví dụ 10/04/2025" in m for m in shown), shown


# --- EvidenceDocument.doc_date: the upload form on the criterion page --------------------------

@pytest.fixture
def private_media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "private-media"
    return settings.MEDIA_ROOT


def _upload(client, score, doc_date):
    return client.post(reverse("scorecards:score", args=[score.pk]), {
        "action": "upload", "file": SimpleUploadedFile("qd.pdf", PDF, content_type="application/pdf"),
        "doc_number": "5/BC-STP", "doc_date": doc_date, "issuer": "Sở Tư pháp", "title": "Báo cáo"})


@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("typed", APRIL_10)
def test_the_evidence_date_is_read_day_first(speaking, tuphap, open_period, private_media, lang, typed):
    client = speaking(tuphap, lang)
    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    page = client.get(reverse("scorecards:score", args=[score.pk])).content.decode()
    assert 'name="doc_date"' in page and 'placeholder="dd/mm/yyyy"' in page and 'type="date"' not in page
    assert _upload(client, score, typed).status_code == 302
    assert EvidenceDocument.objects.get(score=score).doc_date == datetime.date(2025, 4, 10)
    assert "10/04/2025" in client.get(reverse("scorecards:score", args=[score.pk])).content.decode()


@pytest.mark.parametrize("lang", LANGS)
def test_the_evidence_date_18_04_is_a_date_and_04_18_is_refused(speaking, tuphap, open_period, private_media, lang):
    client = speaking(tuphap, lang)
    score = Score.objects.get(period=open_period, criterion__code="2.3.2")
    response = _upload(client, score, "04/18/2025")
    assert response.status_code == 400
    assert not EvidenceDocument.objects.filter(score=score).exists()
    if lang == "vi":
        assert "ví dụ 10/04/2025" in response.content.decode()
    assert _upload(client, score, "18/04/2025").status_code == 302
    assert EvidenceDocument.objects.get(score=score).doc_date == datetime.date(2025, 4, 18)


# --- ReportRecord.date (reports admin) -------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_the_report_date_is_read_day_first_on_the_change_page(speaking, officer, period_2024, lang):
    record = ReportRecord.objects.get(period=period_2024)
    client = speaking(officer, lang)
    url = reverse("admin:reports_reportrecord_change", args=[record.pk])
    _, data = open_admin(client, url, lang, needs=["date"])
    data["date"] = "18/04/2025"
    assert_saved(client.post(url, data))
    record.refresh_from_db()
    assert record.date == datetime.date(2025, 4, 18)
    assert 'value="18/04/2025"' in client.get(url).content.decode()
    assert "18/04/2025" in client.get(reverse("admin:reports_reportrecord_changelist")).content.decode()
    _, data = open_admin(client, url, lang)
    data["date"] = "04/18/2025"
    refused(client.post(url, data), "date", lang)
    record.refresh_from_db()
    assert record.date == datetime.date(2025, 4, 18)


@pytest.mark.parametrize("lang", LANGS)
def test_the_report_date_is_read_day_first_on_the_add_page(speaking, officer, open_period, lang):
    assert not ReportRecord.objects.filter(period=open_period).exists()
    client = speaking(officer, lang)
    _, data = open_admin(client, reverse("admin:reports_reportrecord_add"), lang, needs=["date"])
    data.update(period=str(open_period.pk), date="10/4/2025", number="12/BC-SNV")
    assert_saved(client.post(reverse("admin:reports_reportrecord_add"), data))
    assert ReportRecord.objects.get(period=open_period).date == datetime.date(2025, 4, 10)


# --- Province.valid_from / valid_to (admin) --------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_a_province_add_page_takes_its_dates_day_first(speaking, officer, lang):
    client = speaking(officer, lang)
    url = reverse("admin:scorecards_province_add")
    _, data = open_admin(client, url, lang, needs=["valid_from", "valid_to"])
    data.update(code=f"ninh-binh-2025-{lang}", name="Ninh Bình (từ 1/7/2025)", valid_from="01/07/2025", valid_to="")
    assert_saved(client.post(url, data))
    province = Province.objects.get(code=f"ninh-binh-2025-{lang}")
    assert province.valid_from == datetime.date(2025, 7, 1)  # month first would be 7 January


@pytest.mark.parametrize("lang", LANGS)
def test_a_province_change_page_takes_and_shows_its_dates_day_first(speaking, officer, lang):
    province = Province.objects.create(code=f"ha-nam-{lang}", name="Hà Nam")
    client = speaking(officer, lang)
    url = reverse("admin:scorecards_province_change", args=[province.pk])
    _, data = open_admin(client, url, lang, needs=["valid_from", "valid_to"])
    data.update(valid_from="10-04-2010", valid_to="30.06.2025")
    assert_saved(client.post(url, data))
    province.refresh_from_db()
    assert (province.valid_from, province.valid_to) == (datetime.date(2010, 4, 10), datetime.date(2025, 6, 30))
    html = client.get(url).content.decode()
    assert 'value="10/04/2010"' in html and 'value="30/06/2025"' in html
    _, data = open_admin(client, url, lang)
    data["valid_to"] = "06/30/2025"
    refused(client.post(url, data), "valid_to", lang)
    province.refresh_from_db()
    assert province.valid_to == datetime.date(2025, 6, 30)


# --- Agency.started_on / ended_on (admin) ----------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
def test_an_agency_add_page_takes_its_dates_day_first(speaking, officer, lang):
    client = speaking(officer, lang)
    url = reverse("admin:scorecards_agency_add")
    _, data = open_admin(client, url, lang, needs=["started_on", "ended_on"])
    data.update(code=f"so-moi-{lang}", name="Sở Mới", started_on="01/03/2025", ended_on="")
    assert_saved(client.post(url, data))
    assert Agency.objects.get(code=f"so-moi-{lang}").started_on == datetime.date(2025, 3, 1)


@pytest.mark.parametrize("lang", LANGS)
def test_an_agency_change_page_takes_and_shows_its_dates_day_first(speaking, officer, lang):
    agency = Agency.objects.create(code=f"so-cu-{lang}", name="Sở Cũ")
    client = speaking(officer, lang)
    url = reverse("admin:scorecards_agency_change", args=[agency.pk])
    _, data = open_admin(client, url, lang, needs=["started_on", "ended_on"])
    data.update(started_on="10/4/2008", ended_on="28/02/2025")
    assert_saved(client.post(url, data))
    agency.refresh_from_db()
    assert (agency.started_on, agency.ended_on) == (datetime.date(2008, 4, 10), datetime.date(2025, 2, 28))
    html = client.get(url).content.decode()
    assert 'value="10/04/2008"' in html and 'value="28/02/2025"' in html
    _, data = open_admin(client, url, lang)
    data["ended_on"] = "02/28/2025"
    refused(client.post(url, data), "ended_on", lang)
    agency.refresh_from_db()
    assert agency.ended_on == datetime.date(2025, 2, 28)


# --- the audit log's date filter -------------------------------------------------------------

@pytest.mark.parametrize("lang", LANGS)
@pytest.mark.parametrize("typed", ["10/04/2025", "10/4/2025", "2025-04-10"])
def test_the_audit_log_filters_by_a_day_typed_day_first(speaking, officer, lang, typed):
    client = speaking(officer, lang)
    response = client.get(reverse("scorecards:log"), {"after": typed, "before": "18/04/2025"})
    assert response.status_code == 200
    form = response.context["filter"].form
    assert form.is_valid(), form.errors
    assert (form.cleaned_data["after"], form.cleaned_data["before"]) == (datetime.date(2025, 4, 10), datetime.date(2025, 4, 18))


@pytest.mark.parametrize("lang", LANGS)
def test_the_audit_log_refuses_a_month_first_day(speaking, officer, lang):
    response = speaking(officer, lang).get(reverse("scorecards:log"), {"after": "04/18/2025"})
    assert "after" in response.context["filter"].form.errors
