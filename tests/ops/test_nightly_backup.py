"""scripts/nightly-backup.sh: today's backup, the monthly copy, and the retention of 14 daily
and 12 monthly backups; an interrupted backup (no manifest) is not kept."""
import json
import os
import subprocess
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """An empty, migrated SQLite site of its own (the test database is not a file)."""
    base = tmp_path_factory.mktemp("nightly")
    env = {"PATH": os.environ["PATH"], "LANG": "C.UTF-8", "SECRET_KEY": "x" * 50,
           "DATABASE_URL": f"sqlite:///{base / 'db.sqlite3'}", "MEDIA_ROOT": str(base / "media")}
    subprocess.run([str(ROOT / ".venv/bin/python"), "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True,
                   timeout=300)
    return env


def fake_backup(folder: Path, manifest: bool = True):
    folder.mkdir(parents=True)
    if manifest:
        (folder / "manifest.json").write_text(json.dumps({"format": 1}))


def run(env, root: Path, **extra):
    return subprocess.run(["bash", str(ROOT / "scripts/nightly-backup.sh"), str(root)], cwd=ROOT,
                          env={**env, **extra}, capture_output=True, text=True, timeout=300)


def test_keeps_the_newest_daily_backups_and_drops_interrupted_ones(site, tmp_path):
    root = tmp_path / "backups"
    for day in range(1, 16):
        fake_backup(root / "daily" / f"2020-01-{day:02d}")
    fake_backup(root / "daily" / "2020-02-01", manifest=False)  # an interrupted run
    fake_backup(root / "daily" / "manual-keep")  # a copy kept by hand: not counted, not removed
    done = run(site, root, KEEP_DAILY="14")
    assert done.returncode == 0, done.stderr
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()
    kept = sorted(p.name for p in (root / "daily").iterdir() if p.name != "manual-keep")
    assert (root / "daily" / "manual-keep").is_dir()
    assert len(kept) == 14 and kept[-1] == today
    assert "2020-02-01" not in kept and "2020-01-01" not in kept and "2020-01-02" not in kept
    assert (root / "daily" / today / "manifest.json").is_file()
    manifest = json.loads((root / "daily" / today / "manifest.json").read_text())
    assert manifest["files"]  # the real backup command wrote it, with the database file listed


def test_a_second_run_the_same_day_keeps_the_first_backup(site, tmp_path):
    root = tmp_path / "backups"
    assert run(site, root).returncode == 0
    today = next((root / "daily").iterdir())
    before = (today / "manifest.json").read_bytes()
    again = run(site, root)
    assert again.returncode == 0 and "giữ nguyên" in again.stderr
    assert (today / "manifest.json").read_bytes() == before


def test_monthly_copies_are_kept_twelve(site, tmp_path):
    root = tmp_path / "backups"
    months = [f"2019-{m:02d}" for m in range(1, 13)] + ["2020-01"]
    for month in months:
        fake_backup(root / "monthly" / month)
    fake_backup(root / "monthly" / "kept-by-hand")
    assert run(site, root, KEEP_MONTHLY="12").returncode == 0
    # The month's first backup is its monthly copy, whatever the day (a server off on the 1st).
    this_month = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date().isoformat()[:7]
    assert (root / "monthly" / this_month / "manifest.json").is_file()
    kept = sorted(p.name for p in (root / "monthly").iterdir())
    assert kept == sorted([*months, this_month])[-12:] + ["kept-by-hand"]
