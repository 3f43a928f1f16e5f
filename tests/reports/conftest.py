import shutil
import subprocess

import pytest
from django.test import Client

from tests.conftest import DEMO_PASSWORD


@pytest.fixture
def client_for():
    def _client(user):
        c = Client()
        c.force_login(user)
        return c
    return _client


@pytest.fixture
def pdf_text():
    """Text of a PDF as pdftotext reads it (poppler-utils), lines joined."""
    if not shutil.which("pdftotext"):
        pytest.skip("pdftotext (poppler-utils) không có trên máy")

    def _text(pdf: bytes, layout: bool = False) -> str:
        args = ["pdftotext"] + (["-layout"] if layout else []) + ["-", "-"]
        return subprocess.run(args, input=pdf, capture_output=True, check=True).stdout.decode("utf-8")
    return _text


__all__ = ["DEMO_PASSWORD"]


@pytest.fixture
def record_2025(period_2025):
    """A signed record for the illustrative 2025 period (the demo has none): publishable."""
    from datetime import date

    from reports.models import ReportRecord

    record, _ = ReportRecord.objects.update_or_create(period=period_2025, defaults={
        "number": "05/BC-SNV", "date": date(2026, 4, 8), "place": "Điện Biên", "parent_body": "UBND TỈNH ĐIỆN BIÊN",
        "issuer": "SỞ NỘI VỤ", "signer_title": "GIÁM ĐỐC", "signer_name": "Lò Văn B",
        "solutions": "Tiếp tục nâng cao chất lượng tài liệu kiểm chứng.", "recommendations": "Đề nghị Bộ Nội vụ hướng dẫn sớm.",
        "recipients": "Bộ Nội vụ;\nUBND tỉnh;\nLưu: VT, CCHC."})
    return record


@pytest.fixture
def published(period_2024, officer):
    """The 2024 report as published by the demo (version 1), or published here."""
    from reports.models import ReportPublication
    from reports.services.publication import publish_report

    existing = ReportPublication.objects.filter(period=period_2024).order_by("version").first()
    return existing or publish_report(period_2024.pk, actor=officer)
