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
                        ("national-results", None), ("agencies", None), ("provinces", None),
                        ("criteria", period_2024.framework), ("questionnaire", period_2024.sipas_questionnaire)):
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


def questionnaire_file(size: int) -> bytes:
    """A questionnaire of `size` indicators in 4 groups of 2 sections."""
    from .test_questionnaire import HEADER, make

    rows = [HEADER]
    for number in range(1, size + 1):
        group = number % 4
        section = "I" if group % 2 == 0 else "II"
        rows.append([section, f"Phần {section}", 0 if section == "I" else 1, f"G{group}", f"Nhóm {group}", group, number,
                     f"Tiêu chí {number}", ""])
    return make(rows)


def _questionnaires():
    from scorecards.models import SipasQuestionnaire

    return [SipasQuestionnaire.objects.create(code=f"sipas-{n}", name=f"Bộ câu hỏi {n}") for n in (10, 100)]


def test_a_questionnaire_preview_costs_the_same_queries_for_10_or_100_indicators(officer):
    small, large = _questionnaires()
    counts = [queries(lambda q=q, n=n: services.run_import("questionnaire", questionnaire_file(n), "q.xlsx", scope=q,
                                                           actor=officer, dry_run=True))
              for q, n in ((small, 10), (large, 100))]
    assert counts[1] <= counts[0], counts
    assert counts[1] <= 20
    # Against stored rows (each one changed) it stays flat too.
    for q, n in ((small, 10), (large, 100)):
        services.run_import("questionnaire", questionnaire_file(n), "q.xlsx", scope=q, actor=officer, dry_run=False)
    from scorecards.models import SipasIndicator

    SipasIndicator.objects.update(text="cũ")
    counts = [queries(lambda q=q, n=n: services.run_import("questionnaire", questionnaire_file(n), "q.xlsx", scope=q,
                                                           actor=officer, dry_run=True))
              for q, n in ((small, 10), (large, 100))]
    assert counts[1] <= counts[0], counts


def test_a_questionnaire_import_writes_each_row_through_the_one_door_at_a_fixed_cost(officer):
    small, large = _questionnaires()
    counts = [queries(lambda q=q, n=n: services.run_import("questionnaire", questionnaire_file(n), "q.xlsx", scope=q,
                                                           actor=officer, dry_run=False))
              for q, n in ((small, 10), (large, 100))]
    # Per indicator, in services.records.save_record: its savepoint and release, the frozen
    # check, the check that its group exists (Django's full_clean), its number unused in the
    # questionnaire (SipasIndicator.clean), the INSERT and its audit event. Every read of the
    # import itself is in bulk.
    per_row = (counts[1] - counts[0]) / (100 - 10)
    assert per_row <= 7.1, counts
