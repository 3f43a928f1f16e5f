"""Demo report record: the staff-written parts of report 661/BC-SNV for the 2024 period.

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
        return ReportRecord.objects.create(period=period, **wanted)
    changed = [k for k, v in wanted.items() if getattr(record, k) != v]
    if changed:
        for k in changed:
            setattr(record, k, wanted[k])
        record.save(update_fields=changed)
    return record
