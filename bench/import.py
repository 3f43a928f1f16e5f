"""Benchmark: import 10 000 score rows and compare with openpyxl reading the same file.

Generates (in a throw-away database unless DATABASE_URL is set) a framework of 10 000
leaves assigned across 60 agencies, a period with its 10 000 empty score rows, and an
XLSX file filling every self point. Prints the bare openpyxl read time, the preview (dry
run) time and the committed import time, and the ratios.

    .venv/bin/python bench/import.py [--rows 10000]
"""
import argparse
import os
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
    import django
    from django.core.management import call_command

    django.setup()
    call_command("migrate", verbosity=0)


def build(rows: int):
    """A framework of `rows` leaves (10 fields × N criteria × 50 leaves) and its period."""
    from scorecards.models import Agency, Assignment, Criterion, EvaluationPeriod, Framework, Score, User
    from scorecards.text import code_sort_key

    per_criterion, fields = 50, 10
    criteria_per_field = max(1, rows // (fields * per_criterion))
    fw = Framework.objects.create(code="bench", name="Bộ chỉ số thử tải", total_points=Decimal(rows))
    agencies = Agency.objects.bulk_create([Agency(code=f"don-vi-{i}", name=f"Đơn vị {i}") for i in range(60)])
    subject = Agency.objects.create(code="tinh-bench", name="Tỉnh thử tải", kind=Agency.Kind.PROVINCE)

    def node(code, parent, max_points, level, order):
        return Criterion(framework=fw, parent=parent, code=code, name=f"Tiêu chí {code}", max_points=max_points,
                         level=level, order=order, sort_key=code_sort_key(code), search_text=code)

    tops = Criterion.objects.bulk_create([node(str(f), None, Decimal(criteria_per_field * per_criterion), 1, f) for f in range(1, fields + 1)])
    mids = Criterion.objects.bulk_create([node(f"{t.code}.{c}", t, Decimal(per_criterion), 2, c)
                                          for t in tops for c in range(1, criteria_per_field + 1)])
    leaves = Criterion.objects.bulk_create([node(f"{m.code}.{l}", m, Decimal(1), 3, l)
                                            for m in mids for l in range(1, per_criterion + 1)])
    period = EvaluationPeriod.objects.create(year=2024, framework=fw, subject=subject, status="self_assessment")
    Score.objects.bulk_create([Score(period=period, criterion=c) for c in leaves])
    Assignment.objects.bulk_create([Assignment(period=period, criterion=c, lead_agency=agencies[i % 60]) for i, c in enumerate(leaves)])
    user = User.objects.create_superuser("bench", password="bench-pass-123")
    return period, leaves, user


def make_file(period, leaves) -> bytes:
    from scorecards.transfer import writers
    from scorecards.transfer.kinds import get_kind

    kind = get_kind("scores")
    rows = [[c.code, c.name, c.max_points, Decimal("0.5") + Decimal(i % 500) / 1000, f"Giải trình {i}", None, ""]
            for i, c in enumerate(leaves)]
    return writers.write_xlsx(kind, rows)


def bare_read(data: bytes) -> float:
    import io

    import openpyxl

    start = time.perf_counter()
    wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    for ws in wb.worksheets:
        for _row in ws.iter_rows(values_only=True):
            pass
    wb.close()
    return time.perf_counter() - start


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=10000)
    args = parser.parse_args()
    setup_django()
    from scorecards.transfer import services

    period, leaves, user = build(args.rows)
    data = make_file(period, leaves)
    read = min(bare_read(data) for _ in range(3))
    start = time.perf_counter()
    preview = services.run_import("scores", data, "bench.xlsx", scope=period, actor=user, dry_run=True)
    dry = time.perf_counter() - start
    assert preview.ok, preview.errors[:5]
    start = time.perf_counter()
    result = services.run_import("scores", data, "bench.xlsx", scope=period, actor=user, dry_run=False)
    commit = time.perf_counter() - start
    assert result.applied, result.errors[:5]
    start = time.perf_counter()
    again = services.run_import("scores", data, "bench.xlsx", scope=period, actor=user, dry_run=False)
    reimport = time.perf_counter() - start
    assert not again.changed
    from django.db import connection

    print(f"database: {connection.vendor}; rows: {len(leaves)}; file: {len(data) / 1024:.0f} KB")
    print(f"openpyxl bare read:            {read:7.2f} s")
    print(f"import preview (dry run):      {dry:7.2f} s  ({dry / read:.1f}× the bare read)")
    print(f"import commit ({len(result.changed)} changes): {commit:7.2f} s  ({commit / read:.1f}× the bare read)")
    print(f"re-import (nothing changes):   {reimport:7.2f} s  ({reimport / read:.1f}× the bare read)")


if __name__ == "__main__":
    main()
