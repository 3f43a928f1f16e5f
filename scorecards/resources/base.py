"""What every resource (one kind of importable and exportable rows) shares, on the library.

A resource declares its `Column`s (a django-import-export Field with the Vietnamese
header, the aliases users type, whether it is a key or export-only, its width and how to
fill it in) and its natural key. On import the base class:

- renames the file's headers to the columns (accents, case and aliases ignored) and
  drops unknown columns; a missing key column or a key repeated in the file is an error
  with its row;
- finds existing rows by natural key from one query (`existing`), never one per row;
- checks each row with the widgets and the model's rules (errors go to the row and column);
- refuses a row that someone changed since the preview the user confirmed (`seen`);
- writes nothing row by row: `after_import` checks the file as a whole and, only when
  every row passed and this is not a dry run, hands all changes to the service layer
  (services.records, or services.scoring for scores) with the importing user, so that
  permissions, period state, version checks and the audit log are the ones of every
  other write. The library's transaction then keeps all or nothing.
"""
from __future__ import annotations

from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.db.models import CheckConstraint
from django.utils.translation import gettext as _
from import_export import fields, resources
from import_export.results import RowResult

from scorecards.permissions import can_manage
from scorecards.services.records import fingerprint, frozen_refusal
from scorecards.text import fold

from . import cells
from .preview import RowError


class FileErrors(Exception):
    """Problems of the file as a whole (missing column, repeated key, a broken tree)."""

    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


class Column(fields.Field):
    """A column of a resource's sheet (see the module docstring)."""

    def __init__(self, attribute, header, widget, *, key: bool = False, required: bool = False, readonly: bool = False,
                 aliases=(), width: int = 14, guide=None):
        super().__init__(attribute=attribute, column_name=header, widget=widget, readonly=readonly)
        self.header = header  # lazy: column_name becomes text in the current language per import
        self.key = key
        self.header_required = required
        self.aliases = aliases
        self.width = width
        self.guide = guide

    @property
    def label(self) -> str:
        return str(self.column_name)

    def names(self) -> set[str]:
        """What a header may say: the label in every language of the site (a file made with
        the English pages imports on the Vietnamese ones), the field name, the aliases."""
        from django.conf import settings
        from django.utils import translation

        labels = set()
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                labels.add(fold(str(self.header)))
        return labels | {fold(self.attribute or "")} | {fold(a) for a in self.aliases}

    @property
    def required(self) -> bool:
        """The file must have this column (the key, and what the kind cannot do without)."""
        return self.key or self.header_required


class ScorecardResource(resources.ModelResource):
    """Base of every resource; subclasses declare columns and the hooks below."""

    slug = ""
    label = ""
    sheet_title = ""
    scope_kind = None  # None, "period" or "framework"
    # The province's own periods in the national index only, not a round unit's scorecard
    # (SIPAS values and lead-agency assignments belong to the national index).
    national_periods_only = False
    audit_action = ""
    check_constraints = True  # evaluate CheckConstraints per row (one query each)
    # A new row whose every cell to fill in is blank is a row of the template left as it
    # came (a leaf nobody scored, an indicator without a value): skipped, not an error.
    skips_blank_new_rows = True
    file_label = ""  # the kind in file names when not `label` ("Bộ chỉ số": the criteria's file)

    class Meta:
        abstract = True
        skip_unchanged = True
        report_skipped = True
        skip_html_diff = True
        store_instance = True
        store_row_values = True
        # Rows are not written one by one (after_import hands them all to the service
        # layer), so no savepoint per row: the library's "bulk" mode skips them.
        use_bulk = True
        use_transactions = True

    def __init__(self, scope=None, actor=None, seen: dict | None = None):
        super().__init__()
        for column in self.fields.values():
            # Headers in the current language, translated once (the library compares them
            # with the row's keys dozens of times a row).
            column.column_name = str(column.column_name)
        self.scope = scope
        self.actor = actor
        self.seen = seen
        self.row_numbers: list[int] = []  # spreadsheet row of each dataset row
        self.missing: set = set()  # (data row, column index) of formulas Excel never computed
        self.sheet = ""  # the title of the sheet read when it is not ours
        self.fingerprints: dict[str, str | None] = {}
        self.pending: list = []
        self.existing: dict = {}
        self.headers: list[str] = []  # the columns of the file, as renamed to ours
        self.file_name = ""
        self.keys_by_line: dict[int, str] = {}  # the key of each spreadsheet row (errors name it)
        self.progress = None  # progress(rows checked, rows in the file): the worker's job page
        self._total = 0

    # ---- description -------------------------------------------------------------
    @classmethod
    def columns(cls) -> list[Column]:
        """The columns in the sheet's order (Meta.fields)."""
        return [cls.fields[name] for name in cls._meta.fields if isinstance(cls.fields.get(name), Column)]

    def columns_of(self) -> list[Column]:
        """This resource's columns (its own copies of the fields)."""
        return [self.fields[name] for name in self._meta.fields if isinstance(self.fields.get(name), Column)]

    def key_columns(self) -> list[Column]:
        return [c for c in self.columns_of() if c.key]

    def column_for(self, attribute: str) -> Column | None:
        return next((c for c in self.columns_of() if c.attribute == attribute), None)

    # ---- hooks for subclasses ----------------------------------------------------
    def get_queryset(self):
        """The rows of the scope, with what the export columns need (no query per row)."""
        return super().get_queryset()

    def natural_key(self, instance) -> tuple:
        return tuple(cells.clean_text(c.widget.render(c.get_value(instance))) for c in self.key_columns())

    def row_key(self, row) -> tuple:
        return tuple(cells.clean_text(row.get(c.column_name)) for c in self.key_columns())

    def new_instance(self, row):
        return self._meta.model()

    def prepare_existing(self, instance) -> None:
        """Set what the columns read on a stored row (codes of related rows), once per import."""

    def has_column(self, name: str) -> bool:
        """True when the file has the column of field `name` (a column left out keeps the stored values)."""
        return self.fields[name].column_name in self.headers

    def check_file(self, result) -> list[RowError]:
        """Checks across rows, after every row passed (a tree's sums)."""
        return []

    def warnings(self, result) -> list[str]:
        return []

    def scope_refusal(self) -> str | None:
        """Why the scope's rows cannot change now (a published or closed period), or None."""
        return frozen_refusal(self.scope)

    def audit_data(self) -> dict:
        """What the import's summary event says besides the counts (the scope, when not a period)."""
        return {}

    # ---- the template to fill in -----------------------------------------------------
    def template_objects(self):
        """What the template's rows are, in the sheet's order: by default the scope's stored
        rows, as the export writes them (a template filled in and imported unchanged changes
        nothing). A kind whose file has a row per leaf criterion, indicator or province
        lists every one, stored or not (unsaved instances: their cells to fill in are blank).
        None: the header row only (no scope chosen)."""
        if self.scope_kind is not None and self.scope is None:
            return None
        return self.get_queryset()

    def template_dataset(self):
        objects = self.template_objects()
        if objects is None:
            import tablib

            return tablib.Dataset(headers=self.get_export_headers())
        return self.export(queryset=objects)

    def write(self, pending: list) -> None:
        """Save the checked rows through the service layer (default: one record at a time)."""
        from scorecards.services.records import save_record

        for instance, m2m in pending:
            save_record(instance, actor=self.actor, m2m=m2m)

    # ---- the library's hooks -----------------------------------------------------
    def import_data(self, dataset, dry_run=False, **kwargs):
        """All or nothing: a single invalid row rolls the whole file back. Only Sở Nội vụ
        writes (PermissionDenied); a dry run from the command line may have no actor."""
        if (self.actor is not None or not dry_run) and (self.actor is None or not can_manage(self.actor)):
            raise PermissionDenied(_("Chỉ cán bộ Sở Nội vụ được nhập dữ liệu."))
        kwargs.update(raise_errors=False, rollback_on_validation_errors=True, collect_failed_rows=False,
                      retain_instance_in_row_result=True)
        self._dataset, self._rows_started = dataset, False
        result = super().import_data(dataset, dry_run=dry_run, **kwargs)
        result.scorecard_resource = self  # the admin builds the preview from it
        return result

    def row_number(self, index: int) -> int:
        """The spreadsheet row of the dataset's row `index` (1-based)."""
        return self.row_numbers[index - 1] if index <= len(self.row_numbers) else index + 1

    def before_import(self, dataset, **kwargs):
        from .files import FileRefused, RawUpload, prepare

        self.file_name = kwargs.get("file_name") or ""
        if isinstance(dataset, RawUpload):
            try:
                prepared = prepare(type(self), dataset)
            except FileRefused as exc:
                raise FileErrors([RowError(str(exc))]) from None
            self.row_numbers, self.missing, self.sheet = prepared.row_numbers, prepared.missing, prepared.sheet
        self._match_headers(dataset)
        self.headers = list(dataset.headers or [])
        self._total = len(dataset)
        self._report(0)
        self.existing = {self.natural_key(obj): obj for obj in self.get_queryset()}
        for obj in self.existing.values():
            self.prepare_existing(obj)
        errors, first_row = [], {}
        keys = self.key_columns()
        for index, values in enumerate(dataset, 1):
            row = dict(zip(dataset.headers, values, strict=False))
            key = self.row_key(row)
            if any(k == "" for k in key):
                continue  # the widget reports the blank key on the row
            if key in first_row:
                errors.append(RowError(_("trùng với dòng %(row)s (%(key)s).") % {
                    "row": first_row[key], "key": " · ".join(key)}, self.row_number(index), keys[0].label))
            else:
                first_row[key] = self.row_number(index)
        if errors:
            raise FileErrors(errors)

    def _match_headers(self, dataset):
        columns = [c for c in self.columns_of() if not c.readonly]
        names = {id(c): c.names() for c in columns}
        renamed, seen, twice = [], set(), []
        for header in dataset.headers or []:
            name = fold(cells.clean_text(header))
            column = next((c for c in columns if name and name in names[id(c)]), None)
            if column is not None and column.column_name in seen:
                twice.append(column.label)
                column = None
            if column is None:
                renamed.append(None)
            else:
                renamed.append(column.column_name)
                seen.add(column.column_name)
        if twice:
            raise FileErrors([RowError(_("Cột “%(column)s” có hai lần trong dòng tiêu đề: giữ một cột rồi tải lên lại.") % {
                "column": label}) for label in twice])
        missing = [f"“{c.label}”" for c in columns if c.required and c.column_name not in seen]
        if missing and self.sheet:
            raise FileErrors([RowError(_("Trang tính “%(sheet)s” không phải trang “%(expected)s”: thiếu cột bắt buộc %(columns)s.") % {
                "sheet": self.sheet, "expected": self.sheet_title, "columns": ", ".join(missing)})])
        if missing:
            raise FileErrors([RowError(_("Thiếu cột bắt buộc: %(columns)s.") % {"columns": ", ".join(missing)})])
        from .files import MISSING_VALUE

        errors = [RowError(str(MISSING_VALUE), self.row_number(index), str(renamed[column]))
                  for index, column in sorted(self.missing) if column < len(renamed) and renamed[column] is not None]
        if errors:
            raise FileErrors(errors)
        keep = [i for i, name in enumerate(renamed) if name is not None]  # unknown columns are ignored
        rows = [[row[i] for i in keep] for row in dataset]
        dataset.wipe()
        dataset.headers = [renamed[i] for i in keep]
        for row in rows:
            dataset.append(row)

    def _check_import_id_fields(self, headers):
        pass  # the key columns are checked by before_import, in Vietnamese

    def get_import_id_fields(self):
        return [c.attribute for c in self.key_columns()]

    def get_instance(self, instance_loader, row):
        return self.existing.get(self.row_key(row))

    def init_instance(self, row=None):
        return self.new_instance(row)

    def after_init_instance(self, instance, new, row, **kwargs):
        key = " · ".join(self.row_key(row))
        now = None if new else fingerprint(instance)
        self.fingerprints[key] = now
        if self.seen is not None and key in self.seen and self.seen[key] != now:
            raise ValidationError(_("“%(key)s” đã được thay đổi sau khi bạn xem trước; không nhập gì. Hãy tải tệp lên lại "
                                    "để xem trước dữ liệu mới nhất.") % {"key": key})

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        """Field rules, the model's clean() and its check constraints, each error under its
        column. (Unique keys are checked by before_import and the database: no query per row.)"""
        errors = dict(import_validation_errors or {})
        # Relations come from our widgets' lookups (or the scope): Django's check of each
        # foreign key would cost a query per row and field.
        relations = [f.name for f in instance._meta.fields if f.is_relation]
        try:
            instance.full_clean(exclude=list(errors) + relations, validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            errors = exc.update_error_dict(errors)
        if self.check_constraints:
            for constraint in instance._meta.constraints:
                if not isinstance(constraint, CheckConstraint):
                    continue
                try:
                    constraint.validate(type(instance), instance)
                    continue
                except ValidationError as exc:
                    message = exc.messages[0]
                except ValueError:
                    # A message with a bare "%" ("100%") breaks Django's "% {name}"
                    # formatting; the message itself is what we want.
                    message = str(constraint.violation_error_message)
                name = next((f.name for f in instance._meta.fields if f.name in str(constraint.condition)), NON_FIELD_ERRORS)
                errors.setdefault(name, []).append(message)
        self._m2m = {}
        for column in self.columns_of():
            if not column.readonly and self._is_m2m(column) \
                    and column.column_name in self._row and column.attribute not in errors:
                try:
                    self._m2m[column.attribute] = column.clean(self._row)
                except ValueError as exc:
                    errors[column.attribute] = [str(exc)]
        if errors:
            raise ValidationError(errors)

    def before_import_row(self, row, **kwargs):
        self._rows_started = True
        number = kwargs.get("row_number") or 1
        self._report(number - 1)
        self._row = row
        self._m2m = {}
        self.keys_by_line[self.row_number(number)] = " · ".join(k for k in self.row_key(row) if k)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if self.skips_blank_new_rows and instance.pk is None and self.blank_row(row):
            return True
        return super().skip_row(instance, original, row, import_validation_errors)

    def blank_row(self, row) -> bool:
        """True when the row has cells to fill in and every one of them is blank."""
        cells_to_fill = [c for c in self.columns_of() if not c.readonly and not c.key and c.column_name in row]
        return bool(cells_to_fill) and all(cells.is_blank(row[c.column_name]) for c in cells_to_fill)

    def save_instance(self, instance, is_create, row, **kwargs):
        # Nothing is written here: after_import hands every checked row to the service layer.
        self.pending.append((instance, self._m2m))

    def save_m2m(self, instance, row, **kwargs):
        pass  # handed to the service with the instance (save_instance)

    def _is_m2m(self, field) -> bool:
        try:
            return field.attribute and self._meta.model._meta.get_field(field.attribute).many_to_many
        except Exception:
            return False

    def after_import_row(self, row, row_result, **kwargs):
        row_result.number = kwargs.get("row_number")
        row_result.key = " · ".join(self.row_key(row))
        row_result.present = [c for c in self.columns_of() if not c.readonly and c.column_name in row]

    def _report(self, done: int) -> None:
        if self.progress is not None:
            self.progress(done, self._total)

    def after_import(self, dataset, result, **kwargs):
        self._report(self._total)
        if result.has_validation_errors() or result.has_errors():
            return
        errors = self.check_file(result)
        changed = [r for r in result.rows if r.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)]
        if changed and self.scope is not None:
            refusal = self.scope_refusal()
            if refusal:
                errors.append(RowError(refusal))
        elif changed:
            # No scope (published results): each row may belong to a published year.
            for row in changed:
                refusal = frozen_refusal(row.instance)
                if refusal:
                    errors.append(RowError(refusal, self.row_number(row.number)))
        if errors:
            raise FileErrors(errors)
        result.scorecard_warnings = self.warnings(result)
        if not self._is_dry_run(kwargs) and self.pending:
            self.write(self.pending)
            self.audit(result, kwargs.get("file_name") or "")

    def audit(self, result, file_name: str) -> None:
        from scorecards.models import AuditEvent

        if not self.audit_action:
            return
        rows = [r for r in result.rows if r.import_type in (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE)]
        AuditEvent.log(self.audit_action, actor=self.actor, period=self.scope if self.scope_kind == "period" else None,
                       file=file_name, new=sum(r.import_type == RowResult.IMPORT_TYPE_NEW for r in rows),
                       changed=sum(r.import_type == RowResult.IMPORT_TYPE_UPDATE for r in rows),
                       keys=[getattr(r, "key", "") for r in rows][:200], **self.audit_data())

    def handle_import_error(self, result, error, raise_errors=False):
        # FileErrors and refusals of the service layer are messages for the user, not crashes.
        result.append_base_error(self.get_error_result_class()(error))
        if not getattr(self, "_rows_started", True) and getattr(self, "_dataset", None) is not None:
            # Refused before the first row (a missing column, a repeated key): the library would
            # still read every row, and report each as a consequence of the file's one fault.
            self._dataset.wipe()
