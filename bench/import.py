"""Benchmark: import 10 000 score rows and compare with openpyxl reading the same file.

Generates (in a throw-away database unless DATABASE_URL is set) a framework of 10 000
leaves assigned across 60 agencies, a period with its 10 000 empty score rows, and an
XLSX file filling every self point. Prints the bare openpyxl read time, the preview (dry
run) time and the committed import time, and the ratios.

    .venv/bin/python bench/import.py [--rows 10000]
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cchc_transfer .venv/bin/python bench/import.py
"""
import argparse
import os
import secrets
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def setup_django():
    if "DATABASE_URL" not in os.environ:
        tmp = Path(tempfile.mkdtemp()) / "bench.sqlite3"
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Settings need a key when DEBUG is off; a throw-away one does for a benchmark.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


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
    """A framework of `rows` leaves (10 fields × N criteria × 50 leaves) and its period."""
    from scorecards.models import Agency, Assignment, Criterion, EvaluationPeriod, Framework, Score, User
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
    Score.objects.bulk_create([Score(period=period, criterion=c) for c in leaves])
    Assignment.objects.bulk_create([Assignment(period=period, criterion=c, lead_agency=agencies[i % 60]) for i, c in enumerate(leaves)])
    user = User.objects.create_superuser("bench", password="bench-pass-123")
    return period, leaves, user


def make_file(period, leaves, shift: int = 0) -> bytes:
    from scorecards.transfer import writers
    from scorecards.transfer.kinds import get_kind

    kind = get_kind("scores")
    rows = [[c.code, c.name, c.max_points, min(c.max_points, Decimal("0.001") * (1 + (i + shift) % 9)), f"Giải trình {i}", None, ""]
            for i, c in enumerate(leaves)]
    return writers.write_xlsx(kind, rows)


def timed(fn, repeat: int = 1):
    """Best of `repeat` runs: wall-clock seconds and CPU seconds of this process."""
    best = None
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        sample = (time.perf_counter() - wall, time.process_time() - cpu, result)
        best = sample if best is None or sample[0] < best[0] else best
    return best


def bare_read(data: bytes):
    import io

    import openpyxl

    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    setup_django()
    from scorecards.transfer import services

    reset()
    period, leaves, user = build(args.rows)
    files = [make_file(period, leaves, shift) for shift in (0, 1)]
    read, read_cpu, _ = timed(lambda: bare_read(files[0]), 3)
    dry, dry_cpu, preview = timed(lambda: services.run_import("scores", files[0], "bench.xlsx", scope=period, actor=user), 3)
    assert preview.ok and len(preview.changed) == len(leaves), preview.errors[:5]
    # Each commit changes every row: alternate two files that differ in every cell.
    runs = iter([files[0], files[1], files[0]])
    commit, commit_cpu, result = timed(lambda: services.run_import(
        "scores", next(runs), "bench.xlsx", scope=period, actor=user, dry_run=False), 3)
    assert result.applied and len(result.changed) == len(leaves), result.errors[:5]
    again, again_cpu, same = timed(lambda: services.run_import(
        "scores", files[0], "bench.xlsx", scope=period, actor=user, dry_run=False), 2)
    assert not same.changed
    from django.db import connection

    print(f"database: {connection.vendor}; score rows: {len(leaves)}; file: {len(files[0]) / 1024:.0f} KB; best of 2–3 runs")
    print(f"{'':34}{'wall':>8}{'cpu':>8}{'× read':>9}")
    for label, wall, cpu in (("openpyxl bare read", read, read_cpu), ("import preview (dry run)", dry, dry_cpu),
                             (f"import commit ({len(result.changed)} changed rows)", commit, commit_cpu),
                             ("re-import (nothing changes)", again, again_cpu)):
        print(f"{label:34}{wall:7.2f}s{cpu:7.2f}s{wall / read:8.1f}×")


if __name__ == "__main__":
    main()
