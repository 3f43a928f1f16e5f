"""Django on a throw-away database for the benchmarks (bench/import.py, bench/rounds.py)."""
import atexit
import os
import secrets
import shutil
import tempfile
from pathlib import Path


def setup_django():
    """Set Django up on a temporary SQLite file (unless DATABASE_URL is set) and migrate it."""
    if "DATABASE_URL" not in os.environ:
        tmp = Path(tempfile.mkdtemp())
        atexit.register(shutil.rmtree, tmp, ignore_errors=True)  # a throw-away database
        os.environ["DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    # Settings need a key when DEBUG is off; a throw-away one does for a benchmark.
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(48))
    import django
    from django.core.management import call_command

    django.setup()
    # migrate also creates the role groups (post_migrate), Sở Nội vụ among them.
    call_command("migrate", verbosity=0)
