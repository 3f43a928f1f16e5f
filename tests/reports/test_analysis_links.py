"""The leaders' analysis pages are reachable: from the overview for Sở Nội vụ and leaders,
from the workspace for an agency (its own share) and for a unit of a round."""
import re

from reports.views import period_url


def _hrefs(html: str, marker: str) -> list[str]:
    block = html.split(marker, 1)[1].split("</nav>", 1)[0] if marker in html else ""
    return re.findall(r'href="([^"]+)"', block)


def test_the_overview_links_every_analysis_page_of_its_period(leader, client_for, period_2024):
    html = client_for(leader).get(period_url("dashboard", period_2024)).content.decode()
    hrefs = [h.replace("&amp;", "&") for h in _hrefs(html, 'class="analysis-links"')]
    assert hrefs == [period_url(v, period_2024) for v in ("winback", "whatif", "overclaim", "plan")]
    for href in hrefs:
        assert client_for(leader).get(href).status_code == 200


def test_an_agency_finds_its_own_share_from_the_workspace(tuphap, client_for, period_2024, period_2023):
    c = client_for(tuphap)
    html = c.get("/", follow=True).content.decode()  # agency staff land on their workspace
    assert period_url("overclaim", period_2024) in html and period_url("overclaim", period_2023) in html
    assert period_url("plan", period_2024) in html
    assert period_url("winback", period_2024) not in html  # every agency's rows: not an agency's to read
    for view in ("overclaim", "plan"):
        assert c.get(period_url(view, period_2024)).status_code == 200
    assert c.get(period_url("winback", period_2024)).status_code == 403
