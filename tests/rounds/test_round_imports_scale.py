"""A round's files at scale: the preview costs the same queries for 10 subjects as for 200
(everything a row is checked against is read once), and the confirm costs what the score
service writes per changed score plus a fixed number per subject, never a read per row."""
import time
from decimal import Decimal

from django.db import connection

from scorecards.choices import PeriodStatus
from scorecards.models import Agency, Province, Round, Score, SubjectGroup
from scorecards.resources import services
from scorecards.services import rounds as round_service
from tests.rounds.conftest import build_round_framework
from tests.transfer.conftest import xlsx

LEAVES = 20  # 2 fields × 2 criteria × 5 leaves


def big_round(officer, subjects: int, status=PeriodStatus.APPRAISAL, survey_fields=()) -> Round:
    """A round of `subjects` departments on a 20-leaf framework (the fields in `survey_fields` survey-sourced)."""
    province = Province.objects.get_or_create(code="dien-bien", defaults={"name": "Điện Biên"})[0]
    fw = build_round_framework(f"fw-lon-{subjects}-{len(survey_fields)}", fields=2, criteria=2, leaves=5,
                               survey_fields=survey_fields)
    round_ = Round.objects.create(province=province, year=2025, name=f"Đợt {subjects} đơn vị")
    group = SubjectGroup.objects.create(round=round_, code="so", name="Sở, ban, ngành", framework=fw)
    agencies = Agency.objects.bulk_create([Agency(code=f"lon-{subjects}-{i}", name=f"Sở số {i}", kind=Agency.Kind.DEPARTMENT)
                                           for i in range(subjects)])
    round_service.add_subjects(group.pk, agencies, actor=officer)
    round_service.change_round_status(round_.pk, PeriodStatus.SELF_ASSESSMENT, actor=officer)
    if status == PeriodStatus.APPRAISAL:
        round_service.change_round_status(round_.pk, PeriodStatus.APPRAISAL, actor=officer)
    round_.refresh_from_db()
    return round_


def appraisal_file(round_) -> bytes:
    rows = [["Mã đơn vị", "Mã tiêu chí", "Điểm thẩm định vòng 1", "Điểm thẩm định vòng 2", "Lý do", "Yêu cầu giải trình"]]
    for period in round_.periods.select_related("subject").order_by("pk"):
        for f in (1, 2):
            for c in (1, 2):
                for leaf in range(1, 6):
                    rows.append([period.subject.code, f"{f}.{c}.{leaf}", "0,75", "", "Thiếu tài liệu", "x" if leaf == 1 else ""])
    return xlsx(rows)


def queries(fn) -> int:
    """The number of queries `fn` runs (counted as they run: Django's query log keeps 9 000)."""
    count = 0

    def counter(execute, sql, params, many, context):
        nonlocal count
        count += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(counter):
        fn()
    return count


def test_an_appraisal_preview_of_200_subjects_costs_the_queries_of_10(officer):
    small, large = big_round(officer, 10), big_round(officer, 200)
    files = {small.pk: appraisal_file(small), large.pk: appraisal_file(large)}
    counts = []
    for round_ in (small, large):
        def preview(round_=round_):
            result = services.run_import("round_appraisal", files[round_.pk], "a.xlsx", scope=round_, actor=officer, dry_run=True)
            assert result.ok and len(result.changed) == round_.periods.count() * LEAVES, result.errors[:3]
        counts.append(queries(preview))
    assert counts[1] <= counts[0] <= 20, counts
    assert not Score.objects.filter(period__round=large, appraised_points__isnull=False).exists()


def test_an_appraisal_is_written_without_reads_per_row(officer):
    """10 and 60 subjects × 20 leaves (200 and 1 200 rows), every row a change. (The write of
    4 000 rows costs the same per score, only longer: bench figures, not a test.)"""
    small, large = big_round(officer, 10), big_round(officer, 60)
    counts, seconds = [], []
    for round_ in (small, large):
        data = appraisal_file(round_)
        start = time.perf_counter()
        counts.append(queries(lambda round_=round_, data=data: services.run_import(
            "round_appraisal", data, "a.xlsx", scope=round_, actor=officer, dry_run=False)))
        seconds.append(time.perf_counter() - start)
        start = time.perf_counter()
        services.run_import("round_appraisal", data, "a.xlsx", scope=round_, actor=officer, dry_run=True)
        seconds.append(time.perf_counter() - start)
    assert Score.objects.filter(period__round=large, appraised_points=Decimal("0.75")).count() == 60 * LEAVES
    assert Score.objects.filter(period__round=large, explanation_requested=True).count() == 60 * 4
    per_score = (counts[1] - counts[0]) / ((60 - 10) * LEAVES)
    # services.scoring writes the changed scores and their history in bulk; what remains per
    # subject is its lock and reads (a few queries, spread over its 20 scores).
    assert per_score <= 0.5, counts
    print(f"appraisal confirm: {counts} queries; seconds (confirm, preview of the unchanged file): {seconds}")


def test_subject_survey_and_mark_previews_cost_the_same_for_10_or_200_subjects(officer):
    small, large = (big_round(officer, n, status=PeriodStatus.SELF_ASSESSMENT, survey_fields=(2,)) for n in (10, 200))
    for round_ in (small, large):
        n = round_.periods.count()
        Agency.objects.bulk_create([Agency(code=f"moi-{n}-{i}", name=f"Sở mới {i}") for i in range(n)])

    def files(round_):
        codes = list(round_.periods.order_by("pk").values_list("subject__code", flat=True))
        n = len(codes)
        return {
            "round_subjects": [["Mã nhóm", "Mã đơn vị", "Tên đơn vị"]] + [["so", f"moi-{n}-{i}", f"Sở mới {i}"] for i in range(n)],
            "round_survey": [["Mã đơn vị", "Mã tiêu chí", "Điểm"]] + [[c, f"2.{k}.{j}", "0,5"] for c in codes
                                                                      for k in (1, 2) for j in range(1, 6)],
            "not_applicable": [["Mã đơn vị", "Mã tiêu chí", "Không áp dụng"]] + [[c, code, "x"] for c in codes
                                                                                  for code in ("1.1", "2.2.5")],
        }

    for slug in ("round_subjects", "round_survey", "not_applicable"):
        counts = []
        for round_ in (small, large):
            data = xlsx(files(round_)[slug])

            def preview(round_=round_, data=data, slug=slug):
                result = services.run_import(slug, data, "a.xlsx", scope=round_, actor=officer, dry_run=True)
                assert result.ok and result.rows and not result.unchanged, (slug, [str(e) for e in result.errors[:3]])
            counts.append(queries(preview))
        assert counts[1] <= counts[0] <= 20, (slug, counts)
