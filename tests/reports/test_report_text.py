"""Vietnamese writing rules of the report: decimal comma, leading zeros, official date line."""
from datetime import date
from decimal import Decimal

import pytest

from reports.demo import load_report_demo
from reports.models import ReportRecord
from reports.services import assemble, find_period
from reports.services import numbers as n
from reports.services.context import date_line
from reports.services.narrative import sentence_case
from reports.services.text_blocks import blocks


def test_numbers_use_the_decimal_comma():
    assert n.score(Decimal("88.23")) == "88,23"
    assert n.pct(Decimal("80.1")) == "80,10%"
    assert n.points(Decimal("66.500")) == "66,5"
    assert n.pct_short(Decimal("100.00")) == "100%"
    assert n.count(9) == "09"
    assert n.signed(Decimal("-0.3")) == "-0,3"


def test_section_names_keep_acronyms_only():
    assert sentence_case("VIỆC CUNG ỨNG DVHCC") == "việc cung ứng DVHCC"
    assert sentence_case("VIỆC XÂY DỰNG, TỔ CHỨC THỰC HIỆN CHÍNH SÁCH (CS)") == "việc xây dựng, tổ chức thực hiện chính sách (CS)"


def test_date_line_pads_days_and_early_months(period_2024):
    data = assemble(find_period(2024))
    data.record.date = date(2025, 2, 5)
    assert date_line(data) == "Điện Biên, ngày 05 tháng 02 năm 2025"
    data.record.date = date(2025, 11, 5)
    assert date_line(data) == "Điện Biên, ngày 05 tháng 11 năm 2025"


def test_staff_text_blocks():
    got = blocks("## 5.1. Đối với sở\n- Làm tốt.\n\n*Một là*, tiếp tục.")
    assert [(b.kind, b.lead, b.text) for b in got] == [("heading", "", "5.1. Đối với sở"), ("item", "", "Làm tốt."),
                                                       ("para", "Một là", ", tiếp tục.")]


@pytest.mark.django_db
def test_demo_record_loads_once_and_prefills_the_reference(demo):
    record = ReportRecord.objects.get(period__year=2024)
    assert (record.number, record.signer_name, record.signer_title) == ("661/BC-SNV", "Nguyễn Tiến Đạt", "GIÁM ĐỐC")
    assert record.recipient_lines[-1] == "Lưu: VT, CCHC"
    from scorecards.services.demo import load_data

    load_report_demo(load_data())
    assert ReportRecord.objects.count() == 1
