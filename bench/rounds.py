"""Benchmark of a province's own round at scale: 200 subjects × 100 leaves = 20 000 scores.

    .venv/bin/python bench/rounds.py [--subjects 200] [--repeat 3]

Runs in a throw-away SQLite database (unless DATABASE_URL is set), migrated first. Builds
a generated round (one group, a framework of 10 fields × 2 criteria × 5 leaves of one
point, field 10 from surveys) and prints:

(a) creating its 20 000 score rows with scorecards.services.rounds.create_score_rows
    (rows and their history, one step per batch) against a bare Score.objects.bulk_create
    of the same rows, the floor measured in the same run, interleaved; target ratio ≤ 3;
(b) the SQL queries of the round's board, its ranking page, a subject's scorecard (Sở Nội
    vụ officer) and the appraisal screen (the scorecard as a council appraiser during
    appraisal), with 10 and with 200 subjects; target: the same count;
(c) the ranking annex PDF of the 200 units (reports.services.round_docs.render_annex_pdf:
    queries, template and WeasyPrint) against WeasyPrint alone on the same HTML
    (annex_html), interleaved; target ratio ≤ 1.15.

A page or document that is not built yet prints "not available". Figures, not a test: the
test suite never runs this file.
"""
import argparse
import shutil
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import throwaway  # noqa: E402  (bench/, the script's own folder)

FIELDS, CRITERIA, LEAVES = 10, 2, 5
TARGET_ROWS = Decimal("3")
TARGET_PDF = Decimal("1.15")
NOT_AVAILABLE = "not available"


def setup_django():
    throwaway.setup_django()
    from django.conf import settings

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def timed(fn):
    start = time.perf_counter()
    result = fn()
    return time.perf_counter() - start, result


# ---- data ------------------------------------------------------------------------------------

def make_users():
    from django.contrib.auth.models import Group

    from scorecards.models import User
    from scorecards.permissions import HOME_AFFAIRS

    officer = User.objects.create_user("bench-officer", password="bench-pass-123", first_name="Cán bộ", last_name="Sở Nội vụ")
    officer.groups.add(Group.objects.get(name=HOME_AFFAIRS))
    appraiser = User.objects.create_user("bench-appraiser", password="bench-pass-123", first_name="Thẩm định viên")
    return officer, appraiser


def build_framework(code: str):
    """10 fields × 2 criteria × 5 leaves of one point (100 points); field 10 from surveys."""
    from scorecards.models import Criterion, Framework, ScoringSource
    from scorecards.text import code_sort_key

    fw = Framework.objects.create(code=code, name=f"Bộ chỉ số thử tải {code}", total_points=Decimal(100), year_from=2025)

    def node(code, parent, max_points, level, order, source=ScoringSource.EVIDENCE):
        return Criterion(framework=fw, parent=parent, code=code, name=f"Tiêu chí {code}", max_points=max_points, level=level,
                         order=order, sort_key=code_sort_key(code), search_text=code, scoring_source=source)

    fields = Criterion.objects.bulk_create([node(str(f), None, Decimal(CRITERIA * LEAVES), 1, f) for f in range(1, FIELDS + 1)])
    mids = Criterion.objects.bulk_create([node(f"{f.code}.{c}", f, Decimal(LEAVES), 2, c)
                                          for f in fields for c in range(1, CRITERIA + 1)])
    Criterion.objects.bulk_create([
        node(f"{m.code}.{n}", m, Decimal(1), 3, n,
             ScoringSource.SURVEY if m.code.split(".")[0] == str(FIELDS) else ScoringSource.EVIDENCE)
        for m in mids for n in range(1, LEAVES + 1)])
    return fw


def build_round(tag: str, subjects: int, officer, appraiser):
    """A round in draft with one group of `subjects` departments and their scorecards
    (periods), without score rows yet; the appraiser sits on its council."""
    from scorecards.choices import CouncilRole
    from scorecards.models import Agency, EvaluationPeriod, GradeBand, Province, Round, SubjectGroup

    province, _created = Province.objects.get_or_create(code="bench", defaults={"name": "Tỉnh thử tải"})
    round_ = Round.objects.create(province=province, year=2025, name=f"Đợt thử tải {tag}", is_illustrative=True)
    fw = build_framework(f"bench-{tag}")
    group = SubjectGroup.objects.create(round=round_, code="so", name="Sở, ban, ngành", framework=fw,
                                        bonus_cap=Decimal(3), penalty_cap=Decimal(5))
    GradeBand.objects.bulk_create([GradeBand(group=group, label=label, min_points=Decimal(m))
                                   for label, m in (("Tốt", 90), ("Khá", 80), ("Trung bình", 65), ("Yếu", 0))])
    agencies = Agency.objects.bulk_create([Agency(code=f"bench-{tag}-{i}", name=f"Sở thử tải {tag} số {i:03}", order=i)
                                           for i in range(subjects)])
    periods = EvaluationPeriod.objects.bulk_create([
        EvaluationPeriod(year=2025, framework=fw, subject=a, status=round_.status, round=round_, group=group,
                         is_illustrative=True) for a in agencies])
    round_.council.create(name="Thẩm định viên (thử tải)", role=CouncilRole.APPRAISER, user=appraiser)
    return round_, periods


def fill_points(round_):
    """Self-assessed and appraised points on every leaf (survey leaves: appraised only), by
    primary key in one executemany, varied so that ranks and grades differ."""
    from django.db import connection

    from scorecards.models import Score, ScoringSource

    rows = Score.objects.filter(period__round=round_).values_list("pk", "period_id", "criterion__scoring_source")
    params = []
    for pk, period_id, source in rows:
        appraised = Decimal((period_id * 7 + pk) % 5) / 4  # 0, 0.25 … 1
        self_points = None if source == ScoringSource.SURVEY else min(Decimal(1), appraised + Decimal("0.25"))
        params.append([None if self_points is None else str(self_points), str(appraised), pk])
    with connection.cursor() as cursor:
        cursor.executemany(f"UPDATE {Score._meta.db_table} SET self_points = %s, appraised_points = %s WHERE id = %s", params)


def drop_rows(periods):
    from scorecards.models import Score

    ids = [p.pk for p in periods]
    Score.objects.filter(period_id__in=ids)._raw_delete(Score.objects.db)
    Score.history.filter(period_id__in=ids)._raw_delete(Score.objects.db)


# ---- (a) score rows -----------------------------------------------------------------------------

def bench_rows(periods, officer, repeat: int):
    from django.db import transaction

    from scorecards.models import Criterion, Score
    from scorecards.services.rounds import create_score_rows

    def ours():
        with transaction.atomic():
            return create_score_rows(periods, actor=officer)

    def bare():
        with transaction.atomic():
            leaves = list(Criterion.objects.filter(framework_id=periods[0].framework_id).leaves())
            rows = [Score(period_id=p.pk, criterion_id=c.pk, responsible_agency_id=p.subject_id, updated_by=officer)
                    for p in periods for c in leaves]
            return len(Score.objects.bulk_create(rows, batch_size=2000))

    ours_t, bare_t = [], []
    for _ in range(repeat):  # interleaved, so that load from other processes hits both alike
        t, n_bare = timed(bare)
        bare_t.append(t)
        drop_rows(periods)
        t, n_ours = timed(ours)
        ours_t.append(t)
        drop_rows(periods)
    assert n_bare == n_ours == len(periods) * FIELDS * CRITERIA * LEAVES, (n_bare, n_ours)
    create_score_rows(periods, actor=officer)  # the rows the pages below read
    t_ours, t_bare = statistics.median(ours_t), statistics.median(bare_t)
    ratio = Decimal(t_ours / t_bare).quantize(Decimal("0.01"))
    print(f"(a) {n_ours} score rows ({len(periods)} subjects × {FIELDS * CRITERIA * LEAVES} leaves), median of {repeat}")
    print(f"    create_score_rows (rows + history) {t_ours:8.3f}s")
    print(f"    bare bulk_create (floor)           {t_bare:8.3f}s")
    print(f"    ratio {ratio}  (target ≤ {TARGET_ROWS}: {'ok' if ratio <= TARGET_ROWS else 'OVER'})")


# ---- (b) queries ----------------------------------------------------------------------------------

def _url(name, *args):
    from django.urls import NoReverseMatch, reverse

    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return None


def page_queries(client, url):
    """(queries, seconds, status) of one GET, or None when the URL is not there."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if url is None:
        return None
    client.get(url)  # warm-up: templates, caches
    with CaptureQueriesContext(connection) as ctx:
        start = time.perf_counter()
        response = client.get(url)
        seconds = time.perf_counter() - start
    return len(ctx.captured_queries), seconds, response.status_code


def pages(round_, officer, appraiser) -> dict:
    from django.test import Client

    officer_client, appraiser_client = Client(), Client()
    officer_client.force_login(officer)
    appraiser_client.force_login(appraiser)
    period = round_.periods.order_by("pk").first()
    appraisal = _url("rounds:appraisal", round_.pk) or _url("round_scorecard:appraise", period.pk) \
        or _url("round_scorecard:detail", period.pk)
    return {
        "board (rounds:board)": page_queries(officer_client, _url("rounds:board", round_.pk)),
        "ranking (rounds:ranking)": page_queries(officer_client, _url("rounds:ranking", round_.pk)),
        "scorecard (round_scorecard:detail)": page_queries(officer_client, _url("round_scorecard:detail", period.pk)),
        "appraisal screen (appraiser)": page_queries(appraiser_client, appraisal),
    }


def print_pages(small: dict, large: dict, n_small: int, n_large: int):
    print(f"(b) SQL queries per page, {n_small} vs {n_large} subjects (target: the same)")
    print(f"    {'page':<38}{n_small:>8}{n_large:>8}   {'time ' + str(n_small):>10}{'time ' + str(n_large):>10}  status")
    for name in small:
        a, b = small[name], large[name]
        if a is None or b is None:
            print(f"    {name:<38}{NOT_AVAILABLE:>16}")
            continue
        verdict = "same" if a[0] == b[0] else f"DIFFERS by {b[0] - a[0]}"
        print(f"    {name:<38}{a[0]:>8}{b[0]:>8}   {a[1]:>9.3f}s{b[1]:>9.3f}s  {a[2]}/{b[2]}  {verdict}")


# ---- (c) ranking PDF ------------------------------------------------------------------------------

def bench_pdf(round_, repeat: int):
    try:
        from reports.services.render_pdf import BASE_URL, static_fetcher
        from reports.services.round_docs.render_annex_pdf import annex_html, render_annex_pdf
    except ImportError:
        print(f"(c) ranking annex PDF: {NOT_AVAILABLE}")
        return
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from scorecards.models import Round

    def fresh():
        return Round.objects.select_related("province").get(pk=round_.pk)

    def weasy_alone():
        fc = FontConfiguration()
        return weasyprint.HTML(string=html, base_url=BASE_URL, url_fetcher=static_fetcher()).write_pdf(font_config=fc)

    html = annex_html(fresh())
    weasy_alone()  # warm-up: imports, fonts, templates
    render_annex_pdf(fresh())
    ours_t, weasy_t, html_t = [], [], []
    for _ in range(repeat):  # interleaved
        t, pdf = timed(lambda: render_annex_pdf(fresh()))
        ours_t.append(t)
        weasy_t.append(timed(weasy_alone)[0])
        html_t.append(timed(lambda: annex_html(fresh()))[0])
    t_ours, t_weasy, t_html = statistics.median(ours_t), statistics.median(weasy_t), statistics.median(html_t)
    ratio = Decimal(t_ours / t_weasy).quantize(Decimal("0.001"))
    print(f"(c) ranking annex PDF of {round_.periods.count()} units ({len(pdf) // 1024} KB, {pdf_pages(pdf)} pages), "
          f"median of {repeat}")
    print(f"    render_annex_pdf (queries + HTML + PDF) {t_ours:8.3f}s")
    print(f"    WeasyPrint alone on the same HTML       {t_weasy:8.3f}s")
    print(f"    annex_html alone (queries + HTML)       {t_html:8.3f}s")
    print(f"    ratio {ratio}  (target ≤ {TARGET_PDF}: {'ok' if ratio <= TARGET_PDF else 'OVER'})")


def pdf_pages(pdf: bytes) -> str:
    """Page count by pdfinfo (poppler-utils); "?" where it is not installed."""
    import re
    import subprocess

    if not shutil.which("pdfinfo"):
        return "?"
    out = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True).stdout.decode()
    match = re.search(r"^Pages:\s+(\d+)", out, flags=re.M)
    return match.group(1) if match else "?"


# ---- main -----------------------------------------------------------------------------------------

def advance(round_, officer, *statuses):
    from scorecards.services.rounds import change_round_status

    for status in statuses:
        change_round_status(round_.pk, status, actor=officer)
    round_.refresh_from_db()


def publish(round_, officer):
    from datetime import date

    from scorecards.choices import PeriodStatus

    round_.decision_number = "1/QĐ-UBND (thử tải)"
    round_.decision_date = date(2026, 1, 15)
    round_.decision_signer = "Người ký (thử tải)"
    round_.save(update_fields=["decision_number", "decision_date", "decision_signer"])
    advance(round_, officer, PeriodStatus.PUBLISHED)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--subjects", type=int, default=200)
    parser.add_argument("--small", type=int, default=10)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    setup_django()

    from scorecards.choices import PeriodStatus
    from scorecards.services.rounds import create_score_rows

    officer, appraiser = make_users()
    large, large_periods = build_round("lon", args.subjects, officer, appraiser)
    bench_rows(large_periods, officer, args.repeat)
    small, small_periods = build_round("nho", args.small, officer, appraiser)
    create_score_rows(small_periods, actor=officer)
    for round_ in (small, large):
        fill_points(round_)
        advance(round_, officer, PeriodStatus.SELF_ASSESSMENT, PeriodStatus.APPRAISAL)
    print()
    print_pages(pages(small, officer, appraiser), pages(large, officer, appraiser), args.small, args.subjects)
    print()
    publish(large, officer)
    bench_pdf(large, args.repeat)


if __name__ == "__main__":
    main()
