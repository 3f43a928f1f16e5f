"""Query counts do not grow with the number of rows (bulk lookups, no query per row)."""
from django.db import connection
from django.test.utils import CaptureQueriesContext

from scorecards.models import Criterion
from scorecards.resources import services
from tests.factories import build_framework, build_period

from .conftest import SCORE_HEADER, xlsx


def queries(fn):
    with CaptureQueriesContext(connection) as ctx:
        fn()
    return len(ctx.captured_queries)


def score_file(period, value):
    leaves = Criterion.objects.filter(framework=period.framework, children__isnull=True).order_by("sort_key")
    return xlsx([SCORE_HEADER] + [[c.code, value, "giải trình", "", ""] for c in leaves])


def test_a_score_preview_costs_the_same_queries_for_8_or_400_rows(officer):
    dry_run = True
    small = build_period(build_framework(2, 2, 2, code="nho"), year=2031)
    large = build_period(build_framework(4, 10, 10, code="lon"), year=2032,
                         subject=small.subject)
    counts = [queries(lambda p=p: services.run_import("scores", score_file(p, "0,5"), "a.xlsx", scope=p, actor=officer,
                                                      dry_run=dry_run))
              for p in (small, large)]
    assert counts[1] <= counts[0], counts  # the first call also loads the user's groups
    assert counts[1] <= 20


def test_an_export_costs_a_fixed_number_of_queries(period_2024, django_assert_max_num_queries):
    for slug, scope in (("scores", period_2024), ("assignments", period_2024), ("sipas", period_2024),
                        ("national-results", None), ("agencies", None), ("criteria", period_2024.framework)):
        with django_assert_max_num_queries(4):
            services.export(slug, "xlsx", scope=scope)


def test_a_score_import_writes_each_changed_row_once_and_reads_in_bulk(officer):
    """Committing costs what the service layer writes per changed score (the row and its
    history; the audit events go in bulk) plus a fixed number of reads."""
    small = build_period(build_framework(2, 2, 2, code="nho"), year=2031)
    large = build_period(build_framework(4, 10, 10, code="lon"), year=2032, subject=small.subject)
    counts = [queries(lambda p=p: services.run_import("scores", score_file(p, "0,5"), "a.xlsx", scope=p, actor=officer,
                                                      dry_run=False))
              for p in (small, large)]
    per_row = (counts[1] - counts[0]) / (400 - 8)
    assert per_row <= 2.1, counts  # the score UPDATE and its history INSERT; audit events in bulk
