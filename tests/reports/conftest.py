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
