"""Import and export as service functions: the admin page and the commands call these.

`run_import` builds the preview (a dry run reads, never writes) and, when asked to
commit, rebuilds it inside one transaction and applies it only if there is not a single
error: a file with one bad row imports nothing.
"""
from __future__ import annotations

from contextlib import contextmanager
from types import SimpleNamespace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from scorecards.permissions import can_manage
from scorecards.services.records import fingerprint

from . import writers
from .kinds import get_kind
from .preview import Preview
from .readers import FileRefused, read_upload


@contextmanager
def history_user(user):
    """Make django-simple-history attribute saves to `user` outside a web request
    (the command line); inside a request the middleware already does."""
    from simple_history.models import HistoricalRecords

    context = HistoricalRecords.context
    previous = getattr(context, "request", None)
    if user is None or getattr(previous, "user", None) is not None:
        yield
        return
    context.request = SimpleNamespace(user=user)
    try:
        yield
    finally:
        if previous is None:
            del context.request
        else:
            context.request = previous


def scope_label(kind, scope) -> str:
    return "" if scope is None else str(scope)


def build_preview(kind, data: bytes, filename: str, scope) -> tuple[Preview, dict | None]:
    preview = Preview(kind=kind.slug, filename=filename, scope_label=scope_label(kind, scope))
    try:
        workbook = read_upload(data, filename)
    except FileRefused as exc:
        preview.error(str(exc))
        return preview, None
    rows = kind.read_rows(workbook, preview)
    if rows is None:
        return preview, None
    ctx = kind.plan(rows, scope, preview)
    return preview, ctx


def seen_rows(preview: Preview) -> dict[str, str | None]:
    """What the preview showed of each row's target: {row key: fingerprint, or None for new}.

    Kept with the upload between preview and confirm, so that the confirm can refuse rows
    that someone changed in between instead of silently overwriting the newer values.
    """
    return {change.key: (fingerprint(change.target) if change.target is not None else None) for change in preview.rows}


def check_unchanged_since(preview: Preview, seen: dict[str, str | None]) -> None:
    """Add an error to `preview` for every row whose target changed since `seen` was taken."""
    for change in preview.rows:
        now = fingerprint(change.target) if change.target is not None else None
        if change.key in seen and seen[change.key] != now:
            preview.error(_("“%(key)s” đã được thay đổi sau khi bạn xem trước; không nhập gì. Hãy tải tệp lên lại "
                            "để xem trước dữ liệu mới nhất.") % {"key": change.key}, change.row)


def run_import(slug: str, data: bytes, filename: str, *, scope=None, actor=None, dry_run: bool = True,
               seen: dict[str, str | None] | None = None) -> Preview:
    """Preview an import, and apply it when dry_run is False and the file has no error.

    `actor` must be a Sở Nội vụ officer (PermissionDenied otherwise; a dry run from the
    command line may have no actor); every row is written
    through the service layer with the actor as author. `seen`: the preview's
    `seen_rows`; when given, the import is refused (nothing written, the rows named) if
    any row changed since the preview.
    """
    if (actor is not None or not dry_run) and (actor is None or not can_manage(actor)):
        raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ được nhập dữ liệu."))
    kind = get_kind(slug)
    if dry_run:
        return build_preview(kind, data, filename, scope)[0]
    with transaction.atomic():
        preview, ctx = build_preview(kind, data, filename, scope)
        if seen is not None:
            check_unchanged_since(preview, seen)
        if not preview.ok:
            return preview
        try:
            with history_user(actor):
                kind.apply(preview, scope, ctx, actor)
        except (ValidationError, PermissionDenied) as exc:
            # A rule the preview could not see (someone else's save in between): nothing is kept.
            transaction.set_rollback(True)
            for message in exc.messages:
                preview.error(message)
            return preview
        preview.applied = True
    return preview


def export(slug: str, fmt: str, *, scope=None, queryset=None) -> bytes:
    """The rows of `queryset` (the current filters) or of the whole scope, as a file."""
    kind = get_kind(slug)
    base = kind.queryset(scope)
    # The caller's filters, with the kind's own joins and order (no query per row).
    queryset = base if queryset is None else base.filter(pk__in=queryset.values("pk"))
    return writers.write(kind, kind.export_rows(queryset, scope), fmt)
