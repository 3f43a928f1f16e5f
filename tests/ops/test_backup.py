"""`manage.py backup` / `restore` (scorecards.services.backup).

One end-to-end round trip on the session's database vendor (SQLite, or PostgreSQL when
DATABASE_URL points there), in subprocesses with their own database and media folder:
the restored copy renders the same report and holds the same published PDF. The other
tests run the service in-process: the manifest checks, the refusals, and the media through
the storage API only (an in-memory storage with no file-system path).
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.conf import settings as django_settings
from django.core.files.base import ContentFile
from django.core.files.storage import InMemoryStorage, default_storage, storages

from reports.models import ReportPublication
from scorecards.services import backup
from scorecards.services.backup import BackupError, RestoreIncomplete, create_backup, restore_backup, verify_backup

ROOT = Path(django_settings.BASE_DIR)
SESSION_URL = os.environ.get("DATABASE_URL", "")
ON_POSTGRES = SESSION_URL.startswith("postgres")
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
MEDIA = {
    "evidence/2026/Báo cáo kiểm chứng.pdf": PDF,
    "reports/published/9/v1/Bao-cao.docx": bytes(range(256)) * 40,
    "reports/drafts/9/rong.txt": b"",
    "top-level.bin": b"\x00\xff" * 3000,
}


class PathlessMemoryStorage(InMemoryStorage):
    """Django's InMemoryStorage whose path() fails, like object storage: any caller that
    reached for a file-system path would fail the test."""

    def path(self, name):
        raise NotImplementedError("Bộ lưu trữ này không có đường dẫn trên đĩa.")

    def _relative_path(self, name):  # InMemoryStorage's own bookkeeping uses its path()
        return os.path.relpath(InMemoryStorage.path(self, name), self.location)


@pytest.fixture
def memory_storage(settings, tmp_path):
    """STORAGES["default"] set to PathlessMemoryStorage, holding MEDIA. Changing the setting
    resets `storages` and `default_storage` (Django's setting_changed receiver)."""
    settings.MEDIA_ROOT = tmp_path / "media-root-unused"
    settings.STORAGES = {**settings.STORAGES, "default": {"BACKEND": f"{__name__}.PathlessMemoryStorage"}}
    storage = storages["default"]
    assert isinstance(storage, PathlessMemoryStorage) and isinstance(default_storage, PathlessMemoryStorage)
    for name, content in MEDIA.items():
        assert storage.save(name, ContentFile(content)) == name
    return storage


@pytest.fixture
def made_backup(demo, memory_storage, tmp_path):
    """A backup of the test database and the in-memory media, made in-process."""
    summary = create_backup(tmp_path / "bk")
    return summary.directory


# --- media through the storage API --------------------------------------------------------


def test_media_round_trip_through_the_storage_api_only(made_backup, memory_storage, settings):
    manifest = json.loads((made_backup / "manifest.json").read_text(encoding="utf-8"))
    listed = {item["path"]: item for item in manifest["files"]}
    for name, content in MEDIA.items():
        item = listed[f"media/{name}"]
        assert item["size"] == len(content)
        assert item["sha256"] == hashlib.sha256(content).hexdigest()
        assert (made_backup / "media" / name).read_bytes() == content
    assert manifest["media"] == {"storage": f"{__name__}.PathlessMemoryStorage", "count": len(MEDIA),
                                 "bytes": sum(map(len, MEDIA.values()))}
    assert manifest["database"]["vendor"] == ("postgresql" if ON_POSTGRES else "sqlite")
    assert manifest["database"]["migrations"]["scorecards"].startswith("00")

    target = PathlessMemoryStorage()
    _manifest, entries = verify_backup(made_backup)
    saved = backup.copy_media_in(target, made_backup, [e for e in entries if e.path.startswith("media/")])
    assert sorted(saved) == sorted(MEDIA)
    for name, content in MEDIA.items():
        with target.open(name, "rb") as stream:
            assert stream.read() == content
    assert sorted(backup.iter_storage_files(target)) == sorted(MEDIA)
    assert not settings.MEDIA_ROOT.exists()  # nothing went through the file system


def test_a_storage_that_renames_a_file_is_caught_and_the_restore_undoes_its_files(made_backup, db, monkeypatch):
    class RenamingStorage(PathlessMemoryStorage):
        def get_available_name(self, name, max_length=None):
            return name + ".renamed" if name.endswith(".pdf") else name

    target = RenamingStorage()
    # The database step is not what this test is about: pretend the target is empty and restored.
    monkeypatch.setattr(backup, "target_problems", lambda connection, storage: [])
    monkeypatch.setattr(backup, "load_database", lambda connection, source: None)
    with pytest.raises(RestoreIncomplete) as refused:
        restore_backup(made_backup, storage=target)
    message = str(refused.value)
    assert "Báo cáo kiểm chứng.pdf.renamed" in message
    assert "Cơ sở dữ liệu ĐÃ được khôi phục" in message and "chạy restore lại" in message
    assert list(backup.iter_storage_files(target)) == []  # the files it saved were removed again


# --- backup refusals and failures ---------------------------------------------------------


def test_backup_refuses_a_directory_that_is_not_empty_or_a_file(demo, memory_storage, tmp_path):
    full = tmp_path / "full"
    full.mkdir()
    (full / "old.txt").write_text("giữ nguyên")
    with pytest.raises(BackupError, match="đã có nội dung"):
        create_backup(full)
    assert [p.name for p in full.iterdir()] == ["old.txt"]
    a_file = tmp_path / "a-file"
    a_file.write_text("x")
    with pytest.raises(BackupError, match="không phải là thư mục"):
        create_backup(a_file)
    with pytest.raises(BackupError, match="không tồn tại"):
        create_backup(tmp_path / "missing-parent" / "bk")

    empty = tmp_path / "empty"
    empty.mkdir()
    create_backup(empty)  # an empty directory is accepted
    assert (empty / "manifest.json").is_file()


def test_a_failed_backup_leaves_nothing_that_looks_complete(demo, memory_storage, tmp_path, monkeypatch):
    def broken_open(name, mode="rb"):
        raise OSError("đĩa hỏng")

    monkeypatch.setattr(memory_storage, "open", broken_open)
    with pytest.raises(BackupError, match="đĩa hỏng"):
        create_backup(tmp_path / "bk")
    assert list(tmp_path.iterdir()) == []  # neither the target nor its temporary sibling


# --- restore refusals: the manifest is checked before anything is touched -------------------


def _flip_byte(path: Path) -> None:
    data = bytearray(path.read_bytes())
    data[len(data) // 2] ^= 0x01
    path.write_bytes(bytes(data))


def _edit_manifest(directory: Path, change) -> None:
    path = directory / "manifest.json"
    manifest = json.loads(path.read_text(encoding="utf-8"))
    change(manifest)
    path.write_text(json.dumps(manifest), encoding="utf-8")


def _escape(directory: Path) -> None:
    (directory.parent / "outside.bin").write_bytes(b"\x00\xff" * 3000)

    def change(manifest):
        for item in manifest["files"]:
            if item["path"] == "media/top-level.bin":
                item["path"] = "../outside.bin"
    _edit_manifest(directory, change)
    (directory / "media" / "top-level.bin").unlink()


def _symlink(directory: Path) -> None:
    copy = directory.parent / "copy.bin"
    shutil.copy(directory / "media" / "top-level.bin", copy)
    (directory / "media" / "top-level.bin").unlink()
    (directory / "media" / "top-level.bin").symlink_to(copy)


TAMPERING = {
    "changed media file": (lambda d: _flip_byte(d / "media" / "reports/published/9/v1/Bao-cao.docx"),
                           "“media/reports/published/9/v1/Bao-cao.docx” có SHA-256 khác"),
    "changed database": (lambda d: _flip_byte(next(d.glob("database.*"))), "có SHA-256 khác"),
    "truncated file": (lambda d: (d / "media" / "top-level.bin").write_bytes(b"\x00"), "có 1 byte, bản kê ghi 6000"),
    "missing file": (lambda d: (d / "media" / "evidence/2026/Báo cáo kiểm chứng.pdf").unlink(),
                     "thiếu tệp “media/evidence/2026/Báo cáo kiểm chứng.pdf”"),
    "extra file": (lambda d: (d / "media" / "evidence" / "them.pdf").write_bytes(PDF),
                   "“media/evidence/them.pdf” có trong thư mục nhưng không có trong bản kê"),
    "path escaping the directory": (_escape, "“../outside.bin” ra ngoài thư mục sao lưu"),
    "symbolic link": (_symlink, "“media/top-level.bin” không phải là tệp thường"),
    "no manifest": (lambda d: (d / "manifest.json").unlink(), "không có manifest.json"),
    "newer software": (lambda d: _edit_manifest(d, lambda m: m["database"]["migrations"].update(scorecards="9999_future")),
                       "phiên bản phần mềm mới hơn"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_restore_refuses_a_backup_that_does_not_match_its_manifest(case, made_backup):
    tamper, expected = TAMPERING[case]
    tamper(made_backup)
    publications = ReportPublication.objects.count()
    target = PathlessMemoryStorage()
    with pytest.raises(BackupError) as refused:
        restore_backup(made_backup, storage=target)
    assert expected in str(refused.value)
    assert not isinstance(refused.value, RestoreIncomplete)
    assert "đích phải trống" not in str(refused.value)  # refused on the backup, before looking at the target
    assert list(backup.iter_storage_files(target)) == []
    assert ReportPublication.objects.count() == publications


def test_restore_refuses_a_database_or_storage_that_is_not_empty(made_backup):
    target = PathlessMemoryStorage()
    with pytest.raises(BackupError) as refused:
        restore_backup(made_backup, storage=target)  # the test database holds the demo
    message = str(refused.value)
    assert "Cơ sở dữ liệu đích" in message and "không trống" in message
    assert ("createdb" if ON_POSTGRES else "xoá tệp") in message
    assert list(backup.iter_storage_files(target)) == []

    from django.db import connection

    target.save("evidence/old.pdf", ContentFile(PDF))
    problems = backup.target_problems(connection, target)
    assert len(problems) == 2 and "“evidence/old.pdf”" in problems[1]
    assert backup.target_problems(connection, PathlessMemoryStorage())[0] == problems[0]


# --- end to end, in subprocesses -----------------------------------------------------------


class Database:
    """A throw-away database for a subprocess: a SQLite file, or a PostgreSQL database with a
    unique name on the session's server (created empty, dropped afterwards)."""

    def __init__(self, tmp_path: Path, label: str):
        self.name = f"cchc_backup_{label}_{uuid.uuid4().hex[:10]}"
        if ON_POSTGRES:
            self.url = urlsplit(SESSION_URL)._replace(path=f"/{self.name}").geturl()
            self._admin(f'CREATE DATABASE "{self.name}"')
        else:
            self.file = tmp_path / f"{self.name}.sqlite3"
            self.url = f"sqlite:///{self.file}"

    def _admin(self, sql: str):
        import psycopg

        parts = urlsplit(SESSION_URL)
        with psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                             password=parts.password, dbname="postgres", autocommit=True) as conn:
            conn.execute(sql)

    def table_count(self) -> int:
        if ON_POSTGRES:
            import psycopg

            parts = urlsplit(SESSION_URL)
            with psycopg.connect(host=parts.hostname, port=parts.port or 5432, user=parts.username,
                                 password=parts.password, dbname=self.name) as conn:
                return conn.execute("SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").fetchone()[0]
        if not self.file.exists():
            return 0
        with sqlite3.connect(self.file) as conn:
            return conn.execute("SELECT count(*) FROM sqlite_master WHERE type = 'table'").fetchone()[0]

    def drop(self):
        if ON_POSTGRES:
            self._admin(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')


@pytest.fixture
def databases(tmp_path):
    made = []

    def make(label):
        made.append(Database(tmp_path, label))
        return made[-1]
    yield make
    for database in made:
        database.drop()


def _env(database: Database, media: Path) -> dict:
    env = {key: value for key, value in os.environ.items()
           if key not in {"DATABASE_URL", "MEDIA_ROOT", "MEDIA_STORAGE", "MEDIA_STORAGE_OPTIONS", "TASKS_BACKEND", "DEBUG"}}
    return {**env, "SECRET_KEY": "x", "DATABASE_URL": database.url, "MEDIA_ROOT": str(media),
            "STATIC_ROOT": str(media.parent / "static-root")}


def _manage(env: dict, *args: str, ok: bool = True) -> subprocess.CompletedProcess:
    result = subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=600)
    if ok:
        assert result.returncode == 0, f"{args}: {result.stdout}\n{result.stderr}"
    return result


PUBLISHED_PDF = (
    "import hashlib\n"
    "from reports.models import ReportPublication\n"
    "from scorecards.models import EvaluationPeriod\n"
    "p = ReportPublication.objects.get(period=EvaluationPeriod.objects.for_year(2024).get(), version=1)\n"
    "print(p.pdf.name, p.pdf_sha256, hashlib.sha256(p.pdf.open('rb').read()).hexdigest())\n"
)


def _published_pdf(env: dict) -> list[str]:
    """[storage name, recorded SHA-256, SHA-256 of the stored bytes] of the 2024 report's PDF, version 1."""
    output = _manage(env, "shell", "--no-imports", "-v", "0", "-c", PUBLISHED_PDF).stdout
    return output.strip().splitlines()[-1].split()


def test_a_backup_restored_elsewhere_renders_the_same_report(tmp_path, databases):
    source_db, target_db = databases("src"), databases("dst")
    source = _env(source_db, tmp_path / "media-src")
    target = _env(target_db, tmp_path / "media-dst")
    _manage(source, "migrate", "-v", "0")
    _manage(source, "load_demo", "--password", "x")
    _manage(source, "render_report", "--year", "2024", "--format", "html", "--output", str(tmp_path / "A.html"))
    made = _manage(source, "backup", str(tmp_path / "bk"))
    copied = re.search(r"đã chép (\d+) tệp", made.stdout)
    assert copied and int(copied[1]) >= 2, made.stdout  # at least the published 2024 report: PDF and DOCX
    before = _published_pdf(source)

    # A tampered copy, then a target whose media are not empty: refused, the database untouched.
    shutil.copytree(tmp_path / "bk", tmp_path / "bk-tampered")
    _flip_byte(next((tmp_path / "bk-tampered" / "media").rglob("*.pdf")))
    refused = _manage(target, "restore", str(tmp_path / "bk-tampered"), ok=False)
    assert refused.returncode == 1 and "có SHA-256 khác" in refused.stderr, refused.stderr
    stray = tmp_path / "media-dst" / "stray.txt"
    stray.parent.mkdir()
    stray.write_text("x")
    refused = _manage(target, "restore", str(tmp_path / "bk"), ok=False)
    assert refused.returncode == 1 and "“stray.txt”" in refused.stderr, refused.stderr
    assert target_db.table_count() == 0
    stray.unlink()

    restored = _manage(target, "restore", str(tmp_path / "bk"))
    assert f"đã khôi phục {copied[1]} tệp" in restored.stdout, restored.stdout
    _manage(target, "render_report", "--year", "2024", "--format", "html", "--output", str(tmp_path / "B.html"))
    assert (tmp_path / "B.html").read_text(encoding="utf-8") == (tmp_path / "A.html").read_text(encoding="utf-8")
    after = _published_pdf(target)
    assert after == before and before[1] == before[2]  # same name, recorded SHA-256 and stored bytes

    again = _manage(target, "restore", str(tmp_path / "bk"), ok=False)
    assert again.returncode == 1 and "không trống" in again.stderr
