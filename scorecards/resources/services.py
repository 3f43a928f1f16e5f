"""Import and export as service functions: the admin pages and the commands call these.

`run_import` previews (a dry run: the library's transaction is rolled back, nothing is
written) or imports a file, all or nothing; every row reaches the database only through
the service layer, with `actor` as the author. `export` writes the rows of a queryset (the
admin list's filters) or of a whole scope.
"""
from __future__ import annotations

from . import files
from .files import FileRefused
from .preview import Preview, build


def scope_label(scope) -> str:
    return "" if scope is None else str(scope)


def run_import(slug: str, data: bytes, filename: str, *, scope=None, actor=None, dry_run: bool = True,
               seen: dict[str, str | None] | None = None) -> Preview:
    """Preview an import, or apply it when dry_run is False and the file has no error.

    `actor` must be a Sở Nội vụ officer (PermissionDenied otherwise; a dry run from the
    command line may have no actor). `seen`: the preview's `seen` fingerprints; when
    given, the import is refused (nothing written, the rows named) if any row changed
    since the preview. Returns the Preview (`applied` True when written); a file the
    reader refuses is a Preview with that one error.
    """
    try:
        dataset = files.read_raw(data, filename)
    except FileRefused as exc:
        preview = Preview(kind=slug, filename=filename, scope_label=scope_label(scope))
        preview.error(str(exc))
        return preview
    return import_dataset(slug, dataset, filename, scope=scope, actor=actor, dry_run=dry_run, seen=seen)


def import_dataset(slug: str, dataset: files.RawUpload, filename: str, *, scope=None, actor=None, dry_run: bool = True,
                   seen: dict[str, str | None] | None = None, progress=None) -> Preview:
    """`run_import` on a file already read (files.read_raw; the background worker reads it
    first to tell a refused file from a checked one). `progress(done, total)` is called as
    rows are checked (rows of the dataset; often, the caller throttles)."""
    from . import get_resource

    resource = get_resource(slug)(scope=scope, actor=actor, seen=seen)
    resource.progress = progress
    result = resource.import_data(dataset, dry_run=dry_run, file_name=filename, user=actor)
    preview = build(resource, result, filename=filename, scope_label=scope_label(scope))
    preview.applied = not dry_run and preview.ok
    return preview


def export(slug: str, fmt: str, *, scope=None, queryset=None) -> bytes:
    """The rows of `queryset` (the current filters) or of the whole scope, as XLSX or CSV bytes."""
    from . import get_resource

    resource_class = get_resource(slug)
    resource = resource_class(scope=scope)
    base = resource.get_queryset()
    # The caller's filters, with the resource's own joins and order (no query per row).
    rows = base if queryset is None else base.filter(pk__in=queryset.values("pk"))
    dataset = resource.export(queryset=rows)
    return files.write(resource_class, dataset, fmt)


def template(slug: str, fmt: str, scope=None) -> bytes:
    """The template to fill in of a kind, with the scope's rows (files.template)."""
    from . import get_resource

    return files.template(get_resource(slug), fmt, scope=scope)
