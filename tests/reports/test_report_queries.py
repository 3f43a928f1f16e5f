"""The report reads a fixed number of queries, whatever the size of the framework."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.services import assemble
from scorecards.models import Criterion
from tests.reports.builders import build_report_case


def _count(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_preview_query_count_does_not_grow_with_the_framework(officer, client_for, period_2024):
    large = build_report_case(scale=5)
    demo_leaves = Criterion.objects.filter(framework=period_2024.framework).leaves().count()
    large_leaves = Criterion.objects.filter(framework=large.framework).leaves().count()
    assert large_leaves >= 5 * demo_leaves
    client = client_for(officer)
    client.get(f"/reports/2024/?period={period_2024.pk}")  # warm the session and content types
    demo_count = _count(client, f"/reports/2024/?period={period_2024.pk}")
    large_count = _count(client, f"/reports/2024/?period={large.pk}")
    assert demo_count == large_count
    assert demo_count <= 21  # 20, and the menu's count of scores waiting for review (issue 13)


def test_assembly_alone_is_a_dozen_queries(period_2024, django_assert_max_num_queries):
    from reports.services import find_period

    period = find_period(2024)
    with django_assert_max_num_queries(12):
        assemble(period)
