"""Personas (healthchecks style): a Home Affairs officer, officers of Sở Tư pháp and Sở Tài
chính, a leader, and an outsider with no role; plus the loaded demo data."""
import gc
import os

import pytest
from django.contrib.auth.models import Group
from django.db.backends.base.base import BaseDatabaseWrapper

from scorecards import permissions
from scorecards.models import Agency, EvaluationPeriod
from scorecards.services.demo import load_demo

DEMO_PASSWORD = "demo-pass-123"


_MEDIA = None


def pytest_configure(config):
    global _MEDIA
    import tempfile

    from django.conf import settings

    # Demo users are created for nearly every test: a fast hasher keeps setup cheap.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    # Files the tests store (evidence, the demo's published report, draft renders) go to a
    # folder of this run, removed at the end: never into the project's private-media.
    _MEDIA = tempfile.mkdtemp(prefix="cchc-test-media-")
    settings.MEDIA_ROOT = _MEDIA
    # WhiteNoise looks for collected static files (none in a checkout; the test server and
    # WeasyPrint find them in the app folders): an empty folder of this run keeps it quiet.
    static_root = os.path.join(_MEDIA, "static-root")
    os.makedirs(static_root)
    settings.STATIC_ROOT = static_root


def pytest_unconfigure(config):
    import shutil

    if _MEDIA:
        shutil.rmtree(_MEDIA, ignore_errors=True)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Load the demo once per session; each test then runs in a rolled-back transaction."""
    with django_db_blocker.unblock():
        load_demo(password=DEMO_PASSWORD)
    yield
    # Playwright's sync API switches greenlets, each with its own contextvars, and
    # django.db.connections keeps one connection per context: ORM calls made after a
    # browser test can open a second connection that `connections` no longer reaches from
    # here. Close every one, or PostgreSQL refuses to drop the test database. (The raw
    # connection: a wrapper made by another thread refuses wrapper.close() here.)
    # type(), not isinstance(): isinstance() asks a lazy object (a request's session) for
    # its __class__, which would load it from the database.
    for wrapper in [obj for obj in gc.get_objects() if issubclass(type(obj), BaseDatabaseWrapper)]:
        if wrapper.connection is not None:
            wrapper.connection.close()


def pytest_collection_modifyitems(config, items):
    on_postgres = os.environ.get("DATABASE_URL", "").startswith("postgres")
    skip_pg = pytest.mark.skip(reason="chỉ chạy trên PostgreSQL")
    for item in items:
        if "postgres" in item.keywords and not on_postgres:
            item.add_marker(skip_pg)
    # Transactional tests (the browser tests, the concurrency test) last: such a test empties
    # the database when it ends, and every later test would then load the demo again inside
    # its own rolled-back transaction (2 s each since the demo holds the province's rounds).
    def transactional(item):
        marker = item.get_closest_marker("django_db")
        return "e2e" in item.keywords or bool(marker and marker.kwargs.get("transaction"))

    items[:] = [i for i in items if not transactional(i)] + [i for i in items if transactional(i)]


@pytest.fixture
def demo(db):
    """The Điện Biên demo data; returns the 2024 period.

    Loaded once per session (django_db_setup); a transactional (browser) test empties the
    database when it ends, so load again when it is missing: load_demo is idempotent.
    """
    if not EvaluationPeriod.objects.filter(year=2024).exists():
        load_demo(password=DEMO_PASSWORD)
    return EvaluationPeriod.objects.for_year(2024).select_related("framework", "subject").get()


@pytest.fixture
def period_2024(demo):
    return demo


@pytest.fixture
def appraisal_2024(period_2024):
    """The published 2024 period stepped back to appraisal, as Sở Nội vụ does to correct it
    (a published period is read-only everywhere)."""
    EvaluationPeriod.objects.filter(pk=period_2024.pk).update(status="appraisal")
    period_2024.refresh_from_db()
    return period_2024


@pytest.fixture
def period_2023(demo):
    return EvaluationPeriod.objects.for_year(2023).get()


@pytest.fixture
def period_2025(demo):
    """The 2025 period: published, on the revised (illustrative) framework, ranked out of 34."""
    return EvaluationPeriod.objects.for_year(2025).get()


@pytest.fixture
def open_period(demo):
    """The 2026 period, open for self-assessment: where agencies work today."""
    return EvaluationPeriod.objects.for_year(2026).get()


def _user(username):
    from scorecards.models import User

    return User.objects.get(username=username)


@pytest.fixture
def officer(demo):
    """Cán bộ Sở Nội vụ (sonoivu)."""
    return _user("sonoivu")


@pytest.fixture
def tuphap(demo):
    """Cán bộ Sở Tư pháp (sotuphap)."""
    return _user("sotuphap")


@pytest.fixture
def taichinh(demo):
    """Cán bộ Sở Tài chính (sotaichinh)."""
    return _user("sotaichinh")


@pytest.fixture
def leader(demo):
    """Lãnh đạo (lanhdao), read only."""
    return _user("lanhdao")


@pytest.fixture
def outsider(demo):
    """A logged-in user with no role and no agency."""
    from scorecards.models import User

    return User.objects.create_user("nguoila", password=DEMO_PASSWORD)


@pytest.fixture
def home_affairs_group(db):
    return Group.objects.get(name=permissions.HOME_AFFAIRS)


@pytest.fixture
def agency_tuphap(demo):
    return Agency.objects.get(code="so-tu-phap")


@pytest.fixture
def sysadmin(demo):
    """Quản trị hệ thống (quantri, a demo user): manages user accounts, no rights on scores."""
    return _user("quantri")


@pytest.fixture
def empty_plan(db):
    """Start from an empty improvement plan (the demo holds its illustrative items), so the
    counts a test asserts are its own. Inside the test's rolled-back transaction."""
    from scorecards.choices import AuditAction
    from scorecards.models import AuditEvent, ImprovementItem

    ImprovementItem.objects.all().delete()
    AuditEvent.objects.filter(action__in=[AuditAction.PLAN_ITEM_CREATED, AuditAction.PLAN_ITEM_CHANGED,
                                          AuditAction.PLAN_PROGRESS_REPORTED]).delete()
