"""Benchmark of the analysis report: data assembly, HTML, PDF, and WeasyPrint alone.

    .venv/bin/python bench/report.py [--repeat 3]

Runs in a throw-away test database (the dev database is not touched): loads the Điện Biên
demo and a generated framework five times larger, then prints for each the median time to
assemble the data, to render the HTML, to render the PDF (the whole pipeline), the time
WeasyPrint alone takes for the same HTML, and the ratio of the two (target: below 1.15).
Then, unless --no-downloads, bench/downloads.py (in its own process: PostgreSQL and
gunicorn): the published report's download against a file served behind the same login
check, and the criterion page's p95 with and without 20 clients downloading the report.
"""
import argparse
import os
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# Settings need a key when DEBUG is off; a throw-away one does for a benchmark.
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))


def median_time(fn, repeat):
    times, result = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times), result


def pdf_pages(pdf: bytes) -> str:
    """Page count by pdfinfo (poppler-utils); "?" where it is not installed."""
    import re
    import shutil
    import subprocess

    if not shutil.which("pdfinfo"):
        return "?"
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    match = re.search(r"^Pages:\s+(\d+)", out, flags=re.M)
    return match.group(1) if match else "?"


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--no-downloads", action="store_true", help="skip bench/downloads.py")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    setup_test_environment()
    old_name = connection.settings_dict["NAME"]
    connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        run(args.repeat, connection, CaptureQueriesContext)
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)
    if not args.no_downloads:
        import subprocess

        print()
        subprocess.run([sys.executable, str(ROOT / "bench" / "downloads.py")], check=True)


def run(repeat, connection, CaptureQueriesContext):
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from reports.services import assemble
    from reports.services.context import build_context
    from reports.services.periods import _base
    from reports.services.render_html import render_document
    from reports.services.render_pdf import BASE_URL, html_to_pdf, static_fetcher
    from scorecards.models import Criterion
    from scorecards.services.demo import load_demo
    from tests.reports.builders import build_report_case

    load_demo(password="bench-pass-123")
    demo = _base().get(year=2024, subject__code="ubnd-tinh-dien-bien")
    large = build_report_case(scale=5, code="bench")
    cases = [("demo", demo), ("5x", large)]

    # Warm-up: imports, font loading, template compilation.
    html_to_pdf(render_document(assemble(demo)))

    header = f"{'case':<6}{'leaves':>8}{'queries':>9}{'assemble':>10}{'html':>8}{'pdf(all)':>10}{'weasy':>8}{'ratio':>7}{'pages':>7}"
    print(header)
    print("-" * len(header))
    for name, period in cases:
        leaves = Criterion.objects.filter(framework=period.framework).leaves().count()
        fresh = lambda: _base().get(pk=period.pk)  # noqa: E731
        with CaptureQueriesContext(connection) as ctx:
            assemble(fresh())
        queries = len(ctx.captured_queries)
        t_assemble, data = median_time(lambda: assemble(fresh()), repeat)
        t_html, html = median_time(lambda: render_document(data, context=build_context(data)), repeat)
        def whole():
            return html_to_pdf(render_document(assemble(fresh())))

        def weasy_alone():
            fc = FontConfiguration()
            return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=static_fetcher()).write_pdf(font_config=fc)

        # Interleaved, so that load from other processes hits both alike.
        wholes, weasies = [], []
        for _ in range(repeat):
            t, pdf = median_time(whole, 1)
            wholes.append(t)
            weasies.append(median_time(weasy_alone, 1)[0])
        t_whole, t_weasy = statistics.median(wholes), statistics.median(weasies)
        pages = pdf_pages(pdf)
        print(f"{name:<6}{leaves:>8}{queries:>9}{t_assemble:>9.3f}s{t_html:>7.3f}s{t_whole:>9.3f}s{t_weasy:>7.3f}s"
              f"{t_whole / t_weasy:>7.3f}{pages:>7}")


if __name__ == "__main__":
    main()
