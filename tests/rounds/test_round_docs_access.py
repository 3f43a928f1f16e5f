"""Who downloads which document of a round (reports/urls_rounds.py), persona by persona.

Annex and analysis: Sở Nội vụ, leaders and the round's council (policy.sees_round); unit
staff get 403 until the round is published, then the annex (never the analysis). A
subject's scorecard: the whole-round readers and the subject's own staff only.

The tests run with the ImmediateBackend (the render happens inside the request): a PDF or
DOCX is then the worker's stored file, streamed (tests.reports.helpers.body reads it).
"""
import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.test import Client
from django.urls import reverse

from tests.reports.helpers import body
from tests.rounds.test_round_docs import publish, score_small_round

SEES_ROUND = ("officer", "leader", "chair", "appraiser")
UNITS = ("dept_user", "commune_user")
STRANGERS = ("outsider", "tuphap")
EVERYONE = SEES_ROUND + UNITS + STRANGERS


@pytest.fixture
def scored(small_round):
    """small_round with the scores of tests/rounds/test_round_docs.py."""
    return score_small_round(small_round)


@pytest.fixture
def as_persona(request, chair, appraiser, dept_user, commune_user):
    """A logged-in client for a persona named by its fixture."""

    def client(name):
        c = Client()
        c.force_login(request.getfixturevalue(name))
        return c
    return client


def annex_url(round_, fmt, group=None):
    return reverse("round_reports:annex", args=[round_.pk, fmt]) + (f"?group={group}" if group else "")


def scorecard_url(period, fmt):
    return reverse("round_reports:scorecard", args=[period.pk, fmt])


@pytest.mark.parametrize("persona", EVERYONE)
def test_annex_before_publication(persona, scored, as_persona):
    response = as_persona(persona).get(annex_url(scored["round"], "xlsx"))
    assert response.status_code == (200 if persona in SEES_ROUND else 403)


@pytest.mark.parametrize("persona", EVERYONE)
def test_annex_after_publication(persona, scored, as_persona, officer):
    publish(scored["round"], officer)
    response = as_persona(persona).get(annex_url(scored["round"], "xlsx", "so"))
    assert response.status_code == (200 if persona in SEES_ROUND + UNITS else 403)
    if response.status_code == 200:
        wb = openpyxl.load_workbook(io.BytesIO(response.content))
        assert wb.sheetnames == ["I. Sở, ban, ngành"]


@pytest.mark.parametrize("fmt,content_type,magic", [
    ("pdf", "application/pdf", b"%PDF"),
    ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", b"PK"),
    ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK"),
])
def test_annex_formats_and_file_names(fmt, content_type, magic, scored, as_persona):
    response = as_persona("officer").get(annex_url(scored["round"], fmt))
    assert response.status_code == 200
    assert response["Content-Type"] == content_type and body(response).startswith(magic)
    disposition = response["Content-Disposition"]
    assert disposition.startswith(f'attachment; filename="phu-luc-ket-qua-chi-so-cchc-nam-2025.{fmt}"')
    assert unquote(disposition.split("filename*=UTF-8''")[1]) == f"Phụ lục kết quả Chỉ số CCHC năm 2025.{fmt}"
    disposition.encode("ascii")  # the header itself is ASCII


def test_annex_unknown_group_or_format_is_404(scored, as_persona):
    client = as_persona("officer")
    assert client.get(annex_url(scored["round"], "pdf", "khong-co")).status_code == 404
    assert client.get(annex_url(scored["round"], "odt")).status_code == 404
    assert client.get(reverse("round_reports:annex", args=[999999, "pdf"])).status_code == 404


@pytest.mark.parametrize("persona", EVERYONE)
@pytest.mark.parametrize("fmt", ["pdf", "xlsx"])
def test_scorecard_of_sở_a(persona, fmt, scored, as_persona):
    response = as_persona(persona).get(scorecard_url(scored["Sở A"], fmt))
    allowed = persona in SEES_ROUND or persona == "dept_user"  # dept_user works for Sở A
    assert response.status_code == (200 if allowed else 403)
    if allowed:
        assert 'filename="phieu-cham-diem-chi-so-cchc-nam-2025-so-a.' in response["Content-Disposition"]


@pytest.mark.parametrize("persona,status", [("commune_user", 200), ("dept_user", 403)])
def test_scorecard_of_xã_a(persona, status, scored, as_persona):
    assert as_persona(persona).get(scorecard_url(scored["Xã A"], "pdf")).status_code == status


def test_unit_staff_still_only_their_own_scorecard_after_publication(scored, as_persona, officer):
    publish(scored["round"], officer)
    client = as_persona("dept_user")
    assert client.get(scorecard_url(scored["Sở B"], "xlsx")).status_code == 403
    assert client.get(scorecard_url(scored["Sở A"], "xlsx")).status_code == 200


def test_scorecard_of_a_period_outside_rounds_is_404(as_persona, period_2024):
    assert as_persona("officer").get(scorecard_url(period_2024, "pdf")).status_code == 404


@pytest.mark.parametrize("persona", EVERYONE)
def test_analysis_page_and_pdf(persona, scored, as_persona, officer):
    publish(scored["round"], officer)  # published or not, units never read the analysis
    client = as_persona(persona)
    page = client.get(reverse("round_reports:analysis", args=[scored["round"].pk]))
    expected = 200 if persona in SEES_ROUND else 403
    assert page.status_code == expected
    if expected == 200:
        html = page.content.decode()
        assert "Cao nhất là Sở A với 96,83 điểm" in html
        assert reverse("round_reports:analysis_pdf", args=[scored["round"].pk]) in html
    pdf = client.get(reverse("round_reports:analysis_pdf", args=[scored["round"].pk]))
    assert pdf.status_code == expected
    if expected == 200:
        assert body(pdf).startswith(b"%PDF") and "bao-cao-phan-tich" in pdf["Content-Disposition"]


@pytest.mark.parametrize("persona", EVERYONE)
def test_downloads_page(persona, scored, as_persona):
    response = as_persona(persona).get(reverse("round_reports:downloads", args=[scored["round"].pk]))
    if persona in STRANGERS:
        assert response.status_code == 403
        return
    assert response.status_code == 200
    html = response.content.decode()
    own = {"dept_user": scored["Sở A"], "commune_user": scored["Xã A"]}
    if persona in SEES_ROUND:
        for name in ("Sở A", "Sở B", "Sở C", "Xã A", "Xã B"):
            assert scorecard_url(scored[name], "pdf") in html
        assert annex_url(scored["round"], "docx", "so") in html
        assert reverse("round_reports:analysis", args=[scored["round"].pk]) in html
    else:
        assert scorecard_url(own[persona], "pdf") in html
        others = [p for n, p in scored.items() if n != "round" and p.pk != own[persona].pk]
        assert not any(scorecard_url(p, "pdf") in html for p in others)
        assert annex_url(scored["round"], "pdf") not in html  # not published yet
        assert reverse("round_reports:analysis", args=[scored["round"].pk]) not in html
        assert "Phụ lục kết quả chỉ được tải sau khi kết quả được công bố." in html


def test_downloads_page_offers_the_annex_to_units_after_publication(scored, as_persona, officer):
    publish(scored["round"], officer)
    html = as_persona("commune_user").get(reverse("round_reports:downloads", args=[scored["round"].pk])).content.decode()
    assert annex_url(scored["round"], "pdf") in html


@pytest.mark.parametrize("name,args", [
    ("round_reports:downloads", lambda s: [s["round"].pk]),
    ("round_reports:annex", lambda s: [s["round"].pk, "pdf"]),
    ("round_reports:analysis", lambda s: [s["round"].pk]),
    ("round_reports:analysis_pdf", lambda s: [s["round"].pk]),
    ("round_reports:scorecard", lambda s: [s["Sở A"].pk, "pdf"]),
])
def test_anonymous_goes_to_login(name, args, scored, client):
    response = client.get(reverse(name, args=args(scored)))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_hostile_names_are_escaped_on_the_pages(scored, as_persona):
    from scorecards.models import Agency

    Agency.objects.filter(pk=scored["Sở A"].subject_id).update(name="<script>alert(1)</script>&")
    client = as_persona("officer")
    for url in (reverse("round_reports:downloads", args=[scored["round"].pk]),
                reverse("round_reports:analysis", args=[scored["round"].pk])):
        html = client.get(url).content.decode()
        assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;&amp;" in html

