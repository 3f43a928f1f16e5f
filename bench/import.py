"""Benchmark: import 10 000 score rows, ours against the library's plain ModelResource.

Generates (in a throw-away SQLite database unless DATABASE_URL is set) a framework of
10 000 leaves assigned across 60 agencies, a period with its 10 000 empty score rows, a
Sở Nội vụ officer and two XLSX files of the same 10 000 values: ours (Mã tiêu chí, Điểm
tự đánh giá, Giải trình cách tính điểm) and the plain one (id, self_points, explanation).
Prints, best of --repeat runs, wall and CPU seconds of:

- openpyxl's bare read of our file (read_only, values_only, every row);
- the library's plain import (the floor): tablib loads the plain XLSX bytes, then a bare
  `ModelResource` (fields id, self_points, explanation; key id) imports the rows
  (`import_data(dry_run=False, use_transactions=True)`): per row a savepoint, a SELECT by
  id, the UPDATE and (django-simple-history's post_save) the history row; no audit event;
- our preview and our commit (`resources.services.run_import("scores", …)`), reading the
  XLSX bytes too: per changed row the UPDATE, its history row and an audit event, written
  by services.scoring.apply_score_changes after every row passed;
- our re-import of the same file (nothing changes, nothing written);

and the ratios against the plain import. Before each commit (and each preview) the score
rows are reset to empty outside the timing, so every commit changes all 10 000 rows;
plain and ours run interleaved so that both see the same database.

    .venv/bin/python bench/import.py [--rows 10000] [--repeat 3] [--queries] [--profile]
    psql -h 127.0.0.1 -U postgres -c 'CREATE DATABASE cchc_bench'
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_bench .venv/bin/python bench/import.py
    psql -h 127.0.0.1 -U postgres -c 'DROP DATABASE cchc_bench'

--queries counts the statements of one plain import and one commit (per 1 000 rows, by
kind and table, with the time spent in the database); --profile prints cProfile's top
30 lines (cumulative) of each.
"""
import argparse
import cProfile
import io
import pstats
import re
import sys
import time
from collections import Counter
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402  (bench/, the script's own folder)

SCORE_HEADERS = ("Mã tiêu chí", "Điểm tự đánh giá", "Giải trình cách tính điểm")
PLAIN_HEADERS = ("id", "self_points", "explanation")
TARGET = Decimal("1.30")


def setup_django():
    throwaway.setup_django()


def reset():
    """Remove what an earlier run left (only when running against a kept database)."""
    from scorecards.models import Agency, AuditEvent, EvaluationPeriod, Framework, Score, User

    periods = list(EvaluationPeriod.objects.filter(framework__code="bench").values_list("pk", flat=True))
    AuditEvent.objects.filter(period_id__in=periods).delete()
    Score.history.filter(period_id__in=periods).delete()
    EvaluationPeriod.objects.filter(pk__in=periods).delete()
    Framework.objects.filter(code="bench").delete()
    Agency.objects.filter(code__in=[f"don-vi-{i}" for i in range(60)] + ["tinh-bench"]).delete()
    User.objects.filter(username="bench").delete()


def build(rows: int):
    """A framework of `rows` leaves (10 fields × N criteria × 50 leaves), its period and its scores."""
    from scorecards.models import Agency, Assignment, Criterion, EvaluationPeriod, Framework, Score
    from scorecards.text import code_sort_key

    per_criterion, fields = 50, 10
    criteria_per_field = max(1, rows // (fields * per_criterion))
    # Leaves of 0,01 point: 10 000 of them make the usual 100 points.
    leaf_max = Decimal("100") / rows
    fw = Framework.objects.create(code="bench", name="Bộ chỉ số thử tải", total_points=Decimal(100))
    agencies = Agency.objects.bulk_create([Agency(code=f"don-vi-{i}", name=f"Đơn vị {i}") for i in range(60)])
    subject = Agency.objects.create(code="tinh-bench", name="Tỉnh thử tải", kind=Agency.Kind.PROVINCE)

    def node(code, parent, max_points, level, order):
        return Criterion(framework=fw, parent=parent, code=code, name=f"Tiêu chí {code}", max_points=max_points,
                         level=level, order=order, sort_key=code_sort_key(code), search_text=code)

    tops = Criterion.objects.bulk_create([node(str(f), None, leaf_max * criteria_per_field * per_criterion, 1, f) for f in range(1, fields + 1)])
    mids = Criterion.objects.bulk_create([node(f"{t.code}.{c}", t, leaf_max * per_criterion, 2, c)
                                          for t in tops for c in range(1, criteria_per_field + 1)])
    leaves = Criterion.objects.bulk_create([node(f"{m.code}.{n}", m, leaf_max, 3, n)
                                            for m in mids for n in range(1, per_criterion + 1)])
    period = EvaluationPeriod.objects.create(year=2024, framework=fw, subject=subject, status="self_assessment")
    Score.objects.bulk_create([Score(period=period, criterion=c, responsible_agency=agencies[i % 60])
                               for i, c in enumerate(leaves)])
    Assignment.objects.bulk_create([Assignment(period=period, criterion=c, lead_agency=agencies[i % 60]) for i, c in enumerate(leaves)])
    scores = list(Score.objects.filter(period=period).select_related("criterion").order_by("criterion__sort_key", "pk"))
    return period, scores


def make_officer():
    """A Sở Nội vụ officer (not a superuser): the group migrate created."""
    from django.contrib.auth.models import Group

    from scorecards.models import User
    from scorecards.permissions import HOME_AFFAIRS

    user = User.objects.create_user("bench", password="bench-pass-123", first_name="Cán bộ", last_name="Thử tải")
    user.groups.add(Group.objects.get(name=HOME_AFFAIRS))
    return user


def values(scores):
    """The same values for both files: (score, self points, explanation) per row."""
    return [(s, min(s.criterion.max_points, Decimal("0.001") * (1 + i % 9)), f"Giải trình cách tính điểm số {i}")
            for i, s in enumerate(scores)]


def write_xlsx(title: str, headers, rows) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet(title)
    ws.append(list(headers))
    for row in rows:
        ws.append(list(row))
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def plain_resource_class():
    from import_export import resources

    from scorecards.models import Score

    class PlainScoreResource(resources.ModelResource):
        """The library's own import, nothing of ours: the floor we build on."""

        class Meta:
            model = Score
            fields = ("id", "self_points", "explanation")
            import_id_fields = ("id",)

    return PlainScoreResource


def bare_read(data: bytes):
    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()


def tablib_load(data: bytes):
    import tablib

    return tablib.Dataset().load(data, format="xlsx")


def plain_import(data: bytes, rows: int):
    """The floor: tablib loads the XLSX bytes, the plain ModelResource imports them."""
    dataset = tablib_load(data)
    result = plain_resource_class()().import_data(dataset, dry_run=False, use_transactions=True, raise_errors=True)
    assert result.totals["update"] == rows, dict(result.totals)
    return result


def empty_scores(period):
    """Reset the rows outside the timing: the next import then changes every one."""
    from scorecards.models import Score

    Score.objects.filter(period=period).update(self_points=None, explanation="")


class Timings:
    """Best-of wall and CPU seconds per case."""

    def __init__(self):
        self.best: dict[str, tuple[float, float]] = {}

    def run(self, name, fn, *args):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn(*args)
        sample = (time.perf_counter() - wall, time.process_time() - cpu)
        if name not in self.best or sample[0] < self.best[name][0]:
            self.best[name] = sample
        return result


def count_writes(period):
    from scorecards.models import AuditEvent, Score

    return Score.history.filter(period_id=period.pk).count(), AuditEvent.objects.filter(period=period).count()


# ---- where the time goes ---------------------------------------------------------------

STATEMENT = re.compile(r"^\s*(?:(UPDATE)\s+\"?(\w+)|(\w+)(?:.*?\b(?:FROM|INTO)\s+\"?(\w+))?)", re.IGNORECASE | re.DOTALL)


class QueryCounter:
    """connection.execute_wrapper: statements by kind and table, with their time."""

    def __init__(self):
        self.count, self.seconds = Counter(), Counter()

    def __call__(self, execute, sql, params, many, context):
        match = STATEMENT.match(sql)
        verb = (match.group(1) or match.group(3)).upper() if match else "?"
        table = (match.group(2) or match.group(4) or "") if match else ""
        if verb in ("SAVEPOINT", "RELEASE", "ROLLBACK"):
            table = ""
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            self.count[(verb, table)] += 1
            self.seconds[(verb, table)] += time.perf_counter() - start


def explain(label, rows, prepare, fn, *, queries: bool, profile: bool):
    """Count the statements of one run of `fn`, then profile another (each after `prepare`):
    the profiler's overhead would distort the database share."""
    from django.db import connection

    if queries:
        prepare()
        counter = QueryCounter()
        start = time.perf_counter()
        with connection.execute_wrapper(counter):
            fn()
        wall = time.perf_counter() - start
        total_db = sum(counter.seconds.values())
        per = 1000 / rows
        print(f"\n== {label}: statements ==")
        print(f"{sum(counter.count.values()) * per:8.0f} statements per 1 000 rows; {total_db:.2f}s in the database "
              f"driver of {wall:.2f}s wall ({total_db / rows * 1e6:.0f} µs/row there, {(wall - total_db) / rows * 1e6:.0f} µs/row "
              f"in Python)")
        for (verb, table), n in counter.count.most_common():
            print(f"  {n * per:8.1f} /1 000 rows  {counter.seconds[(verb, table)]:6.2f}s  {verb} {table}")
    if profile:
        prepare()
        profiler = cProfile.Profile()
        profiler.runcall(fn)
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(30)
        print(f"\n== {label}: cProfile, top 30 by cumulative time (profiler overhead included) ==")
        print(out.getvalue().strip())


# ---- main ------------------------------------------------------------------------------

def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--queries", action="store_true", help="count the statements of a plain import and a commit")
    parser.add_argument("--profile", action="store_true", help="cProfile a plain import and a commit (top 30, cumulative)")
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from scorecards.resources import services

    reset()
    period, scores = build(args.rows)
    officer = make_officer()
    rows = len(scores)
    table = values(scores)
    ours = write_xlsx("Điểm", SCORE_HEADERS, [(s.criterion.code, points, text) for s, points, text in table])
    plain = write_xlsx("Sheet", PLAIN_HEADERS, [(s.pk, points, text) for s, points, text in table])

    def run(dry_run):
        return services.run_import("scores", ours, "bench.xlsx", scope=period, actor=officer, dry_run=dry_run)

    t = Timings()
    writes = {}
    for rep in range(args.repeat):
        t.run("read", bare_read, ours)
        t.run("load", tablib_load, plain)
        empty_scores(period)
        before = count_writes(period)
        t.run("plain", plain_import, plain, rows)
        if rep == 0:
            writes["plain"] = tuple(b - a for a, b in zip(before, count_writes(period), strict=True))
        empty_scores(period)
        preview = t.run("preview", run, True)
        assert preview.ok and len(preview.changed) == rows, (preview.errors[:5], len(preview.changed))
        empty_scores(period)
        before = count_writes(period)
        result = t.run("commit", run, False)
        assert result.applied and len(result.changed) == rows, (result.errors[:5], len(result.changed))
        if rep == 0:
            writes["commit"] = tuple(b - a for a, b in zip(before, count_writes(period), strict=True))
        before = count_writes(period)
        same = t.run("again", run, False)
        assert same.ok and not same.changed and len(same.unchanged) == rows, (same.errors[:5], len(same.changed))
        assert count_writes(period) == before

    floor = t.best["plain"][0]
    print(f"database: {connection.vendor}; score rows: {rows}; our file {len(ours) / 1024:.0f} KB, plain file "
          f"{len(plain) / 1024:.0f} KB; best of {args.repeat} runs; every commit changes all {rows} rows")
    print(f"{'':44}{'wall':>8}{'cpu':>8}{'µs/row':>8}{'× plain':>9}")
    lines = (
        ("read", "openpyxl bare read (our file)"),
        ("load", "tablib load of the plain file"),
        ("plain", "plain ModelResource import (floor)"),
        ("preview", "our preview (dry run)"),
        ("commit", "our commit"),
        ("again", "our re-import (nothing changes)"),
    )
    for key, label in lines:
        wall, cpu = t.best[key]
        print(f"{label:44}{wall:7.2f}s{cpu:7.2f}s{wall / rows * 1e6:8.0f}{wall / floor:8.2f}×")
    print("(plain = tablib load of the XLSX bytes + import_data; ours = reading the XLSX bytes + import; "
          "cpu = this process only, not the database server)")
    for key, label in (("plain", "plain import"), ("commit", "our commit")):
        history, audit = writes[key]
        print(f"{label} wrote {history} history rows and {audit} audit events for {rows} changed scores")
    print("the plain import writes the score and its history row (simple-history's signal) but no audit event, "
          "checks no right, period state or version")
    commit_ratio = t.best["commit"][0] / floor
    preview_ratio = t.best["preview"][0] / floor
    print(f"commit / plain = {commit_ratio:.2f}; preview / plain = {preview_ratio:.2f}")
    met = Decimal(f"{commit_ratio:.4f}") <= TARGET
    print(f"target commit ≤ 1,30 × plain: {'met' if met else 'not met'}")

    if args.queries or args.profile:
        def plain_once():
            plain_import(plain, rows)

        def commit_once():
            assert run(False).applied

        for label, fn in (("plain import", plain_once), ("our commit", commit_once)):
            explain(label, rows, lambda: empty_scores(period), fn, queries=args.queries, profile=args.profile)


if __name__ == "__main__":
    main()
