"""Consistency checks: framework sums and computed totals against published figures."""
from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scorecards.formatting import fmt_points
from scorecards.models import EvaluationPeriod, Framework, NationalResult
from scorecards.services.scorecard import build_scorecard, framework_sum_problems, load_tree, published_gap


@dataclass
class Finding:
    level: str  # "error": the data is wrong; "warning": differs from a published figure
    message: str


def check_framework(framework: Framework) -> list[Finding]:
    findings = []
    for parent, total in framework_sum_problems(framework.pk):
        findings.append(Finding("error", _(
            "%(framework)s: tiêu chí %(code)s có điểm tối đa %(max)s nhưng tổng các tiêu chí con là %(total)s."
        ) % {"framework": framework.code, "code": parent.code, "max": fmt_points(parent.max_points), "total": fmt_points(total)}))
    criteria, _children = load_tree(framework.pk)
    root_total = sum((c.max_points for c in criteria if c.parent_id is None), Decimal(0))
    if root_total != framework.total_points:
        findings.append(Finding("error", _(
            "%(framework)s: tổng điểm tối đa các lĩnh vực là %(total)s, khác tổng điểm của bộ chỉ số %(max)s."
        ) % {"framework": framework.code, "total": fmt_points(root_total), "max": fmt_points(framework.total_points)}))
    return findings


def check_period_against_published(period: EvaluationPeriod) -> list[Finding]:
    province_id = period.subject.province_id
    published = NationalResult.objects.filter(year=period.year, province_id=province_id).first() if province_id else None
    if published is None or published.par_score is None:
        return []
    gap = published_gap(build_scorecard(period).totals, published.par_score)
    if gap is None:  # the grid's rule: equal once rounded as the Ministry publishes
        return []
    return [Finding("warning", _("Kỳ %(year)s – %(subject)s: %(gap)s") % {
        "year": period.year, "subject": period.subject, "gap": gap.sentence()})]


def run_all_checks() -> list[Finding]:
    findings = []
    for framework in Framework.objects.all():
        findings += check_framework(framework)
    for period in EvaluationPeriod.objects.select_related("subject"):
        findings += check_period_against_published(period)
    return findings
