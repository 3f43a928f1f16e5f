"""Demo report record: the staff-written parts of report 661/BC-SNV for the 2024 period,
and its publication (version 1, PDF and DOCX stored with their SHA-256) as Sở Nội vụ would
have published it.

Called by scorecards' load_demo; idempotent like it (a second run writes nothing). The
texts are copied into reports/fixtures so the project never reads outside itself.
"""
import json
from datetime import date
from pathlib import Path

from scorecards.models import EvaluationPeriod

from .models import ReportRecord

DATA_FILE = Path(__file__).resolve().parent / "fixtures" / "report_661_demo.json"


def load_texts() -> dict:
    with open(DATA_FILE, encoding="utf-8") as fh:
        return json.load(fh)


def load_report_demo(data: dict) -> ReportRecord | None:
    texts = load_texts()
    period = (
        EvaluationPeriod.objects.for_year(texts["year"])
        .filter(subject__province__code=data["province"]["code"]).order_by("pk").first()
    )
    if period is None:
        return None
    wanted = dict(texts["record"])
    wanted["date"] = date.fromisoformat(wanted["date"]) if wanted.get("date") else None
    record = ReportRecord.objects.filter(period=period).first()
    if record is None:
        record = ReportRecord.objects.create(period=period, **wanted)
    else:
        changed = [k for k, v in wanted.items() if getattr(record, k) != v]
        if changed:
            for k in changed:
                setattr(record, k, wanted[k])
            record.save(update_fields=changed)
    publish_demo_report(period)
    return record


def publish_demo_report(period: EvaluationPeriod) -> None:
    """Publish the demo report once (by the demo's loader account, inactive, so no real
    officer is shown publishing); nothing when a version exists or it cannot be published."""
    from scorecards.services.demo_rounds import demo_loader

    from .models import ReportPublication
    from .services.publication import publication_problems, publish_report

    if ReportPublication.objects.filter(period=period).exists() or publication_problems(period):
        return
    publish_report(period.pk, actor=demo_loader())
