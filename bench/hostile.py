"""Benchmark: hostile and broken spreadsheets against scorecards.transfer.readers.read_upload.

Generates the files of the issue (a formatted empty cell at A1048576 and at XFD1048576,
a 48 KB XLSX hiding a 40 MB comment, a CSV of 1 000 000 columns, …) and a few more that
sit right at or past a limit, then reads each one in a fresh subprocess (so that one
file's memory cannot flatter the next) and prints, per file: the outcome, wall seconds
(best of --repeat runs), peak resident memory of the process and how much reading added to
it, the peak of Python allocations (tracemalloc, a separate run: it slows reading), and
the time against reading a normal 10 000-row export. Target: every file read or refused
in ≤ 2 s and ≤ 200 MB.

    .venv/bin/python bench/hostile.py [--repeat 3] [--only csv] [--reader path/to/readers.py] [--preview]

--reader measures another version of readers.py (e.g. `git show REV:scorecards/transfer/readers.py
> /tmp/old_readers.py`); each child then runs under a 4 GB address-space limit and a 60 s
timeout, since the old reader may need more. --preview measures the whole import preview
(run_import("scores", …, dry_run=True) on the 2025 demo period, in a throw-away SQLite
database unless DATABASE_URL is set) instead of read_upload alone, as the issue did.
"""
import argparse
import io
import json
import os
import resource
import secrets
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

TARGET_SECONDS, TARGET_MB = 2.0, 200
HEADER = ["Mã tiêu chí", "Tên tiêu chí", "Điểm tối đa", "Điểm tự đánh giá", "Giải trình cách tính điểm", "Điểm thẩm định",
          "Nguyên nhân chưa đạt điểm tối đa"]
MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
MB = 1024 * 1024


def setup_django():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Settings need a key when DEBUG is off; a throw-away one does for a benchmark.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    import django

    django.setup()


# ---- files ---------------------------------------------------------------------------

def _save(wb) -> bytes:
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def score_row(i: int) -> list:
    return [f"{1 + i // 1000}.{1 + i // 50 % 20}.{1 + i % 50}", f"Tiêu chí thành phần số {i} về cải cách hành chính", 0.01,
            0.005, f"Giải trình cách tính điểm của tiêu chí {i}", None, ""]


def normal_xlsx(rows: int = 10_000) -> bytes:
    """Like an export of 10 000 score rows (write-only, inline strings, as our writer)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Điểm")
    ws.append(HEADER)
    for i in range(rows):
        ws.append(score_row(i))
    return _save(wb)


def normal_csv(rows: int = 10_000) -> bytes:
    import csv

    out = io.StringIO(newline="")
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    for i in range(rows):
        writer.writerow(["" if v is None else str(v).replace(".", ",") if isinstance(v, float) else v for v in score_row(i)])
    return ("\ufeff" + out.getvalue()).encode()


def styled_far(coord: str, value=None) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    ws = wb.active
    ws.title = "Điểm"
    ws.append(HEADER)
    ws.append(["2.3.2", "Tiêu chí của bộ chỉ số mẫu", 1, 0.5, "Giải trình", None, ""])  # a leaf of the demo framework
    ws[coord].font = Font(bold=True)
    if value is not None:
        ws[coord].value = value
    return _save(wb)


def table_xlsx(rows: list[list]) -> bytes:
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    ws = wb.create_sheet("Điểm")
    for row in rows:
        ws.append(row)
    return _save(wb)


def rezip(data: bytes, replace=None, add=None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            target.writestr(info.filename, (replace or {}).get(info.filename, source.read(info.filename)))
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def raw_xlsx(sheet: bytes, shared: list[str] | None = None) -> bytes:
    """An XLSX of one sheet whose XML is `sheet` (and `shared` strings), written part by part."""
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
            "</Types>").encode(),
        "_rels/.rels": (f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Target="xl/workbook.xml" '
                        f'Type="{REL_NS}/officeDocument"/></Relationships>').encode(),
        "xl/workbook.xml": (f'<workbook xmlns="{MAIN_NS}" xmlns:r="{REL_NS}"><sheets><sheet name="Điểm" sheetId="1" '
                            'r:id="rId1"/></sheets></workbook>').encode(),
        "xl/_rels/workbook.xml.rels": (f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" '
                                       f'Target="worksheets/sheet1.xml" Type="{REL_NS}/worksheet"/></Relationships>').encode(),
        "xl/worksheets/sheet1.xml": sheet,
    }
    if shared is not None:
        parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(b"</Types>", (
            b'<Override PartName="/xl/sharedStrings.xml" '
            b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'))
        parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(b"</Relationships>", (
            f'<Relationship Id="rId2" Target="sharedStrings.xml" Type="{REL_NS}/sharedStrings"/></Relationships>').encode())
        parts["xl/sharedStrings.xml"] = (f'<sst xmlns="{MAIN_NS}">' + "".join(
            f'<si><t xml:space="preserve">{text}</t></si>' for text in shared) + "</sst>").encode()
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, content in parts.items():
            zf.writestr(name, content)
    return out.getvalue()


def huge_comment(size: int = 40 * 1000 * 1000) -> bytes:
    body = (f'<comments xmlns="{MAIN_NS}"><authors><author>x</author></authors><commentList><comment ref="A1" '
            'authorId="0"><text><t>').encode() + b"A" * size + b"</t></text></comment></commentList></comments>"
    rels = (f'<Relationships xmlns="{PKG_REL_NS}"><Relationship Id="rId1" Target="../comments1.xml" '
            f'Type="{REL_NS}/comments"/></Relationships>')
    return rezip(table_xlsx([HEADER, score_row(0)]), add={"xl/comments1.xml": body, "xl/worksheets/_rels/sheet1.xml.rels": rels})


def inflating_sheet(size: int) -> bytes:
    data = table_xlsx([HEADER, score_row(0)])
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml")
    return rezip(data, replace={"xl/worksheets/sheet1.xml": sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * size, 1)})


def formatted_empties(size: int = 45 * MB, width: int = 100) -> bytes:
    """A header, one data row, then rows of `width` formatted empty cells up to `size`
    bytes of XML: inside every limit (size, ratio, rows with data), all of it parsed."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, width + 1)]
    head = "".join(f'<c r="{letters[c]}1" t="inlineStr"><is><t>{h}</t></is></c>' for c, h in enumerate(HEADER[:2]))
    parts = [f'<worksheet xmlns="{MAIN_NS}"><sheetData><row r="1">{head}</row>'
             f'<row r="2"><c r="A2" t="inlineStr"><is><t>1.1.1</t></is></c></row>'.encode()]
    total, row = 0, 3
    while total < size:
        line = (f'<row r="{row}">' + "".join(f'<c r="{letter}{row}" s="1"/>' for letter in letters) + "</row>").encode()
        parts.append(line)
        total += len(line)
        row += 1
    parts.append(b"</sheetData></worksheet>")
    return raw_xlsx(b"".join(parts))


def dense_cells(size: int = 45 * MB, blank: bool = False) -> bytes:
    """Rows of 80 cells holding a value up to `size` bytes of XML, inside every limit
    (under IMPORT_MAX_ROWS rows, IMPORT_MAX_COLUMNS columns, 50 MB, ratio ~10): numbers,
    or with `blank` a shared string of one space (a value to the XML parser, blank to
    the import), so that all of it must be parsed."""
    from openpyxl.utils import get_column_letter

    letters = [get_column_letter(c) for c in range(1, 81)]
    cell = '<c r="{0}{1}" t="s"><v>0</v></c>' if blank else '<c r="{0}{1}"><v>{1}</v></c>'
    parts = [f'<worksheet xmlns="{MAIN_NS}"><sheetData>'.encode()]
    total, row = 0, 1
    while total < size:
        line = (f'<row r="{row}">' + "".join(cell.format(letter, row) for letter in letters) + "</row>").encode()
        parts.append(line)
        total += len(line)
        row += 1
    parts.append(b"</sheetData></worksheet>")
    return raw_xlsx(b"".join(parts), shared=[" "] if blank else None)


def billion_laughs() -> bytes:
    entities = '<!ENTITY lol "lol">' + "".join(f'<!ENTITY lol{i} "{("&lol%s;" % ("" if i == 1 else i - 1)) * 10}">'
                                               for i in range(1, 10))
    return raw_xlsx((f"<!DOCTYPE worksheet [{entities}]><worksheet xmlns=\"{MAIN_NS}\"><sheetData><row r=\"1\">"
                     '<c r="A1" t="inlineStr"><is><t>&lol9;</t></is></c></row></sheetData></worksheet>').encode())


def csv_columns(count: int = 1_000_000, field: str = "a") -> bytes:
    return ("Mã tiêu chí" + (";" + field) * (count - 1) + "\n1.1.1;0,5\n").encode()


def csv_rows(count: int) -> bytes:
    return ("Mã tiêu chí;Điểm tự đánh giá;Giải trình cách tính điểm\n" + "".join(
        f"9.{i};0,5;Giải trình {i}\n" for i in range(count))).encode()


def files() -> dict[str, tuple[str, callable]]:
    """name -> (file name, maker); the normal files first (the ratios' baselines)."""
    return {
        "normal XLSX, 10 000 rows": ("diem.xlsx", normal_xlsx),
        "normal CSV, 10 000 rows": ("diem.csv", normal_csv),
        "formatted empty cell A1048576": ("diem.xlsx", lambda: styled_far("A1048576")),
        "formatted empty cell XFD1048576": ("diem.xlsx", lambda: styled_far("XFD1048576")),
        "value at A1048576": ("diem.xlsx", lambda: styled_far("A1048576", "x")),
        "value at XFD2 (last column)": ("diem.xlsx", lambda: styled_far("XFD2", "x")),
        "40 MB comment": ("diem.xlsx", huge_comment),
        "sheet inflating to 200 MB": ("diem.xlsx", lambda: inflating_sheet(200 * MB)),
        "billion laughs in the sheet": ("diem.xlsx", billion_laughs),
        "45 MB of formatted empty cells": ("diem.xlsx", formatted_empties),
        "45 MB of numbers, inside every limit": ("diem.xlsx", dense_cells),
        "45 MB of blank shared strings": ("diem.xlsx", lambda: dense_cells(blank=True)),
        "XLSX 30 000 rows (limit 20 000)": ("diem.xlsx", lambda: table_xlsx([HEADER] + [score_row(i) for i in range(30_000)])),
        "XLSX 20 000 rows (at the limit)": ("diem.xlsx", lambda: table_xlsx([HEADER] + [score_row(i) for i in range(20_000)])),
        "XLSX 150 columns": ("diem.xlsx", lambda: table_xlsx([HEADER + [f"Cột {i}" for i in range(143)], score_row(0)])),
        "CSV 1 000 000 columns": ("diem.csv", csv_columns),
        "CSV 1 000 000 quoted columns": ("diem.csv", lambda: csv_columns(field='"a"')),
        "CSV 1 000 000 empty columns": ("diem.csv", lambda: csv_columns(field="")),
        "CSV 30 000 rows (limit 20 000)": ("diem.csv", lambda: csv_rows(30_000)),
        "CSV 1 000 000 blank lines, then a row": ("diem.csv", lambda: ("Mã tiêu chí;Điểm\n" + "\n" * 1_000_000 + "1.1.1;1\n").encode()),
    }


# ---- measuring -----------------------------------------------------------------------

def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited from
    the parent that forked it)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def child(path: str, reader: str | None, trace: bool, preview: bool):
    """Read (or preview) one file in this fresh process; print one JSON line."""
    if reader:
        resource.setrlimit(resource.RLIMIT_AS, (4 * 1024 * MB, 4 * 1024 * MB))
    setup_django()
    import importlib.util

    if reader:
        spec = importlib.util.spec_from_file_location("readers_under_test", reader)
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up there
        spec.loader.exec_module(module)
    else:
        from scorecards.transfer import readers as module
    run = module.read_upload
    if preview:
        from scorecards.models import EvaluationPeriod
        from scorecards.resources import files, services

        # The import reads through these names: point them at the reader under test.
        files.read_upload, files.FileRefused, services.FileRefused = module.read_upload, module.FileRefused, module.FileRefused
        period = EvaluationPeriod.objects.for_year(2025).get()

        def run(data, name):
            return services.run_import("scores", data, name, scope=period, dry_run=True)
    # Warm up: the lazy imports of both paths, so that they are not timed.
    for name, data in (("w.xlsx", table_xlsx([HEADER, score_row(0)])), ("w.csv", b"a;b\n1;2\n")):
        try:
            run(data, name)
        except module.FileRefused:
            pass
    data = Path(path).read_bytes()
    name = Path(path).name.split("-", 1)[1]
    base = peak_rss_mb()
    if trace:
        import tracemalloc

        tracemalloc.start()
    start = time.perf_counter()
    try:
        result = run(data, name)
        if preview:
            outcome = (f"preview: {len(result.rows)} rows" if result.ok else
                       f"preview: {len(result.errors)} error(s): {result.errors[0]}")
        else:
            outcome = f"read: {sum(len(s.rows) for s in result.sheets)} rows"
    except module.FileRefused as exc:
        outcome = f"refused: {exc}"
    except BaseException as exc:  # what the old reader did is the point
        outcome = f"CRASH {exc.__class__.__name__}: {str(exc)[:80]}"
    wall = time.perf_counter() - start
    traced = tracemalloc.get_traced_memory()[1] / MB if trace else None
    peak = peak_rss_mb()
    print(json.dumps({"wall": wall, "peak": peak, "added": peak - base, "traced": traced, "outcome": outcome}))


def measure(path: Path, repeat: int, reader: str | None, preview: bool) -> dict:
    command = ([sys.executable, __file__, "--child", str(path)] + (["--reader", reader] if reader else [])
               + (["--preview"] if preview else []))
    runs = []
    for trace in [False] * repeat + [True]:
        try:
            done = subprocess.run(command + (["--trace"] if trace else []), capture_output=True, text=True,
                                  timeout=60 if reader else 120)
        except subprocess.TimeoutExpired:
            return {"wall": float("inf"), "peak": float("nan"), "added": float("nan"), "traced": None, "outcome": "TIMEOUT"}
        lines = done.stdout.strip().splitlines()
        if done.returncode or not lines:
            tail = (done.stderr.strip().splitlines() or ["?"])[-1]
            return {"wall": float("nan"), "peak": float("nan"), "added": float("nan"), "traced": None,
                    "outcome": f"CHILD DIED ({done.returncode}): {tail[:80]}"}
        runs.append(json.loads(lines[-1]))
    best = min(runs[:-1], key=lambda r: r["wall"])
    best["traced"] = runs[-1]["traced"]
    return best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="only the files whose name contains this")
    parser.add_argument("--reader", help="another readers.py to measure")
    parser.add_argument("--child")
    parser.add_argument("--trace", action="store_true")
    parser.add_argument("--preview", action="store_true", help="time the import preview, not only the reading")
    args = parser.parse_args()
    if args.child:
        return child(args.child, args.reader, args.trace, args.preview)
    if args.preview and "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{Path(tempfile.mkdtemp()) / 'hostile.sqlite3'}"
    setup_django()
    from django.conf import settings

    if args.preview:
        from django.core.management import call_command

        from scorecards.services.demo import load_demo

        call_command("migrate", verbosity=0)
        load_demo(password=secrets.token_urlsafe(12))

    print(f"limits: {settings.IMPORT_MAX_BYTES // MB} MB upload, {settings.IMPORT_MAX_UNCOMPRESSED_BYTES // MB} MB "
          f"unzipped, {settings.IMPORT_MAX_ROWS} rows, {settings.IMPORT_MAX_COLUMNS} columns, "
          f"{settings.IMPORT_MAX_CELL_CHARS} characters a cell; best of {args.repeat}; reader: {args.reader or 'current'}; "
          f"timing {'the import preview' if args.preview else 'read_upload'}")
    print(f"{'file':40}{'size':>10}{'wall':>8}{'×normal':>9}{'peak RSS':>10}{'+read':>8}{'py peak':>9}  outcome")
    baseline = {}
    misses = 0
    with tempfile.TemporaryDirectory() as tmp:
        for index, (label, (filename, make)) in enumerate(files().items()):
            if args.only.lower() not in label.lower() and not label.startswith("normal"):
                continue
            path = Path(tmp) / f"{index:02}-{filename}"
            path.write_bytes(make())
            r = measure(path, args.repeat, args.reader, args.preview)
            kind = filename.rsplit(".", 1)[1]
            if label.startswith("normal"):
                baseline[kind] = r["wall"]
            ratio = r["wall"] / baseline[kind] if baseline.get(kind) else float("nan")
            size = path.stat().st_size
            size_text = f"{size / MB:.1f} MB" if size >= MB else f"{size / 1024:.0f} KB"
            traced = f"{r['traced']:6.0f} MB" if r["traced"] is not None else "       ?"
            ok = label.startswith("normal") or r["wall"] <= TARGET_SECONDS and r["peak"] <= TARGET_MB
            misses += not ok
            print(f"{label:40}{size_text:>10}{r['wall']:7.2f}s{ratio:8.1f}×{r['peak']:7.0f} MB{r['added']:5.0f} MB{traced}"
                  f"  {'' if ok else '[over target] '}{r['outcome'][:110]}")
            path.unlink()
    print(f"target: ≤ {TARGET_SECONDS:g} s and ≤ {TARGET_MB} MB peak RSS per file but the normal ones (RSS includes Python "
          f"+ Django, +read is what reading added); {misses} file(s) over target")


if __name__ == "__main__":
    main()
