"""The resource every import and export shares: the rules are in the package docstring."""

from __future__ import annotations

from collections.abc import Callable

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.utils import timezone
from import_export import resources
from import_export.results import Error, Result, RowResult

from accounts import roles
from workflow.lookups import in_values, key_chunks
from workflow.services import log_money_changes, log_money_set_in_bulk
from workflow.signals import rows_written

from .cells import LookupWidget, cell_text, lookup_key
from .columns import ColumnsMixin


class PlainError(Error):
    """A problem shown by its message alone (the admin would print a Python traceback with server paths)."""

    @property
    def traceback(self):
        return ""


class ExchangeResult(Result):
    """Rows numbered as a spreadsheet shows them (the header is row 1), in the admin preview as in commands."""

    def append_invalid_row(self, number, row, validation_error):
        super().append_invalid_row(number + 1, row, validation_error)

    def append_error_row(self, number, row, errors):
        super().append_error_row(number + 1, row, errors)


class ExchangeResource(ColumnsMixin, resources.ModelResource):
    """Base for every import/export: see the module docstring for the rules it keeps."""

    kind = ""  # "awards": the word a command and a summary use
    key_attribute = "identifier"  # the stable key the file identifies rows by
    required_columns: tuple[str, ...] = ()
    money_fields: tuple[str, ...] = ()

    class Meta:
        use_bulk = True
        batch_size = None  # write once, after every row has been checked
        skip_diff = True
        skip_html_diff = True
        clean_model_instances = False  # validate() below: the same checks without a query per row
        use_transactions = True
        report_skipped = True

    def __init__(self, *, user=None, **kwargs):
        super().__init__(**kwargs)
        self.user = user
        self.progress: Callable[[int, int], None] | None = None
        self.file_name = ""
        self._existing: dict = {}
        self._seen: dict = {}
        self._created: list = []
        self._updated: list = []
        self._row_number = 0
        self._total = 0
        self._file_refused = False
        self._imported: list[str] | None = None
        self._plan: list | None = None
        self._simple: list | None = None
        self._blank_record: tuple | None = None
        self._now = timezone.now()
        self.left_out: dict[int, str] = {}  # row number (1 = first data row) → why it is not imported

    def get_result_class(self):
        return ExchangeResult

    def get_error_result_class(self):
        return PlainError

    # Permission and scope ---------------------------------------------------------------------

    @property
    def roles(self) -> roles.Roles:
        return roles.of(self.user)

    def may_import(self) -> bool:
        return self.roles.is_manager

    def scope_lookups(self) -> None:
        """Set `widget.allowed` on lookups the person may use only in part (their programmes…)."""

    export_related: tuple[str, ...] = ()
    export_ordering: tuple[str, ...] = ()  # by the stable key, so two exports of the same data are the same file

    def export_queryset(self, *, user):
        """What an export holds: everything the person may see (everything, with no person: a command)."""
        if user is None:
            qs = self._meta.model.objects.select_related(*self.export_related)
        else:
            qs = self.scoped_export(user=user)
        return qs.order_by(*(self.export_ordering or (self.key_attribute, "pk")))

    def scoped_export(self, *, user):
        raise NotImplementedError

    # Hooks for each kind ---------------------------------------------------------------------

    def prepare_dataset(self, dataset: tablib.Dataset) -> None:
        """Reshape a file before import (the GIAS school list does); rows to pass over go in `left_out`
        (they stay in the dataset, so every problem keeps the row number the file shows)."""

    def notes(self) -> list[str]:
        """What a person should know about an import that worked: rows left out and why, links pending."""
        reasons: dict[str, int] = {}
        for reason in self.left_out.values():
            reasons[reason] = reasons.get(reason, 0) + 1
        return [f"{count:,} row{'s' if count != 1 else ''} left out: {reason}." for reason, count in reasons.items()]

    def key_of_row(self, row) -> str:
        return lookup_key(row.get(self.key_column))

    def instance_key(self, instance) -> str:
        """The stable key of a checked row, to find the same record twice in one file."""
        return lookup_key(getattr(instance, self.key_attribute, ""))

    def instance_label(self, instance) -> str:
        return cell_text(getattr(instance, self.key_attribute, ""))

    def existing_queryset(self, keys: list[str]):
        model = self._meta.model
        return model.objects.filter(in_values(model, self.key_attribute, keys))

    def on_create(self, instance, row) -> None:
        """Set who created it (created_by, proposed_by) and what an import never supplies."""

    def check(self, instance, new: bool, before: dict | None) -> dict[str, str]:
        """Rules across columns and against the workflow: {attribute: reason in words}."""
        return {}

    def after_write(self) -> None:
        """Links that need the new rows' ids (a school's trust in the same file)."""

    # The import flow -------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
        self._file_refused = True  # until the file as a whole is accepted: then rows are read
        self.left_out = {}
        self.user = self.user or kwargs.get("user")
        self.file_name = kwargs.get("file_name") or self.file_name
        if not self.may_import():
            raise PermissionError(f"You do not have permission to import {self.kind}.")
        self.prepare_dataset(dataset)
        aliases = self.header_aliases()
        headers = [cell_text(h).lstrip("\ufeff") for h in dataset.headers or []]
        dataset.headers = [aliases.get(lookup_key(h), h) for h in headers]
        missing = [c for c in (self.key_column, *self.required_columns) if c not in dataset.headers]
        if missing:
            raise ValueError(
                "The file has no " + ", ".join(f"“{c}”" for c in missing) + " column"
                f"{'s' if len(missing) > 1 else ''}; the first row must hold the column names."
            )
        while len(dataset) and not any(cell_text(c) for c in dataset[-1]):
            del dataset[-1]  # spreadsheets often end with empty rows
        self._total = len(dataset)
        self._now = timezone.now()
        self._seen, self._created, self._updated = {}, [], []
        for f in self.fields.values():
            if isinstance(f.widget, LookupWidget):
                f.widget.load()
        self.scope_lookups()
        self._existing = self.load_existing(dataset)
        self._file_refused = False

    def load_existing(self, dataset) -> dict:
        """Every record the file names, in as few queries as the database's parameter limit allows (one on
        PostgreSQL, one per 899 keys on SQLite), keyed as rows are."""
        index = dataset.headers.index(self.key_column)
        raw = sorted({cell_text(r[index]) for r in dataset if cell_text(r[index])})
        found = {}
        for keys in key_chunks(self._meta.model, raw):
            for obj in self.existing_queryset(keys):
                found[lookup_key(getattr(obj, self.key_attribute))] = obj
        return found

    def get_instance(self, instance_loader, row):
        return self._existing.get(self.key_of_row(row))

    def init_instance(self, row=None):
        """A new record with the model's defaults, built by position (as Django builds rows it reads):
        the defaults are worked out once per file, not once per row."""
        model = self._meta.model
        if self._blank_record is None:
            fields = model._meta.concrete_fields
            if any(callable(f.default) for f in fields if f.has_default()):
                self._blank_record = ()
            else:
                self._blank_record = tuple(f.get_default() for f in fields)
        return model(*self._blank_record) if self._blank_record else model()

    def after_init_instance(self, instance, new, row, **kwargs):
        self._row_number = kwargs.get("row_number", 0)
        if self.progress and self._row_number % 500 == 0:
            self.progress(self._row_number, self._total)
        if not new:
            instance._exchange_before = self.snapshot(instance)

    def snapshot(self, instance) -> dict:
        if not hasattr(self, "_attnames"):
            self._attnames = [(a, instance._meta.get_field(a).attname) for a in self.imported_attributes()]
        return {a: getattr(instance, attname) for a, attname in self._attnames}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        before = getattr(instance, "_exchange_before", None)
        return not import_validation_errors and before is not None and before == self.snapshot(instance)

    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors: dict[str, list[str]] = {}
        for attribute, problems in (import_validation_errors or {}).items():
            for problem in problems:
                messages = problem.messages if isinstance(problem, ValidationError) else [str(problem)]
                errors.setdefault(attribute, []).extend(messages)
        for f in self._simple_fields(instance):  # Model.clean_fields(), on the imported columns only
            if f.name in errors:
                continue
            raw = getattr(instance, f.attname)
            if f.blank and raw in f.empty_values:
                continue
            try:
                setattr(instance, f.attname, f.clean(raw, instance))
            except ValidationError as e:
                errors[f.name] = list(e.messages)
        new = instance._state.adding
        key = self.instance_key(instance) if not errors else ""
        if key:
            if key in self._seen:
                errors.setdefault(self.key_attribute, []).append(
                    f"“{self.instance_label(instance)}” appears twice in this file (also row {self._seen[key]})"
                )
            else:
                self._seen[key] = self._row_number + 1
        try:
            rules = self.check(instance, new, getattr(instance, "_exchange_before", None))
        except (AttributeError, TypeError, ObjectDoesNotExist):
            if not errors:
                raise
            rules = {}  # a rule needs a column that is already reported as wrong
        for attribute, reason in rules.items():
            if attribute not in errors:
                errors.setdefault(attribute, []).append(reason)
        if errors:
            raise ValidationError(
                {self.column_for(a) or NON_FIELD_ERRORS: [plain_message(m) for m in ms] for a, ms in errors.items()}
            )

    def before_save_instance(self, instance, row, **kwargs):
        if instance._state.adding:
            self.on_create(instance, row)
        elif hasattr(instance, "updated_at"):
            instance.updated_at = self._now

    def get_bulk_update_fields(self):
        names = [a for a in self.imported_attributes() if a != self.key_attribute]
        if any(f.name == "updated_at" for f in self._meta.model._meta.fields):
            names.append("updated_at")
        return names

    def _file_is_clean(self, result) -> bool:
        return result is None or not (result.has_validation_errors() or result.has_errors())

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self._file_is_clean(result):
            self.create_instances.clear()
            return
        self._created.extend(self.create_instances)
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        if not self._file_is_clean(result):
            self.update_instances.clear()
            return
        self._updated.extend(self.update_instances)
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)

    def after_import(self, dataset, result, **kwargs):
        if not self._file_is_clean(result):
            return
        if self._created and self._created[0].pk is None:  # no RETURNING on this database: read the ids back
            ids = dict(
                self.existing_queryset([getattr(o, self.key_attribute) for o in self._created]).values_list(
                    self.key_attribute, "pk"
                )
            )
            for obj in self._created:
                obj.pk = ids.get(getattr(obj, self.key_attribute))
        self.after_write()
        self.log_money()
        written = [o.pk for o in (*self._created, *self._updated) if o.pk is not None]
        created = [o for o in self._created if o.pk is not None]
        rows_written.send(sender=self._meta.model, pks=written, created=created)
        result.exchange_notes = self.notes()  # the admin's preview says what the command line says

    repr_expression = None  # an expression equal to str(record), so the database can write the money log

    def log_money(self) -> None:
        """Every amount the import set or changed, in the money log under the importer's name."""
        note = f"Imported from {self.file_name}" if self.file_name else "Imported"
        changes = []
        created = self._created
        if self.repr_expression is not None and created:
            model, ids = self._meta.model, [obj.pk for obj in created]
            for field_name in self.money_fields:
                for chunk in key_chunks(model, ids):
                    log_money_set_in_bulk(
                        model.objects.filter(in_values(model, model._meta.pk.name, chunk)),
                        field=field_name,
                        object_repr=self.repr_expression,
                        actor=self.user,
                        note=note,
                    )
            created = []
        for field_name in self.money_fields:
            for obj in created:
                changes.append((obj, field_name, None, getattr(obj, field_name)))
            for obj in self._updated:
                changes.append((obj, field_name, obj._exchange_before.get(field_name), getattr(obj, field_name)))
        log_money_changes(changes, actor=self.user, note=note)

    def import_row(self, row, instance_loader, **kwargs):
        """django-import-export's row step without what these imports never use (deletes, diffs,
        deep copies): find or start the record, read every cell, check, queue it for the bulk write."""
        if kwargs.get("retain_instance_in_row_result"):
            self._meta.store_instance = True
        row_result = self.get_row_result_class()()
        if self._file_refused or kwargs.get("row_number") in self.left_out:
            row_result.import_type = RowResult.IMPORT_TYPE_SKIP  # a file's problem is reported once
            return row_result
        try:
            instance = self.get_instance(instance_loader, row)
            new = instance is None
            if new:
                instance = self.init_instance(row)
            self.after_init_instance(instance, new, row, **kwargs)
            row_result.import_type = RowResult.IMPORT_TYPE_NEW if new else RowResult.IMPORT_TYPE_UPDATE
            cell_errors = {}
            try:
                self.import_instance(instance, row, **kwargs)
            except ValidationError as e:
                cell_errors = e.update_error_dict(cell_errors)
            if self.skip_row(instance, None, row, cell_errors):
                row_result.import_type = RowResult.IMPORT_TYPE_SKIP
            else:
                self.validate_instance(instance, cell_errors)
                self.save_instance(instance, new, row, **kwargs)
            row_result.add_instance_info(instance)
            if self._meta.store_instance:
                row_result.instance = instance
        except ValidationError as e:
            row_result.import_type = RowResult.IMPORT_TYPE_INVALID
            row_result.validation_error = e
        except Exception as e:  # reported as the row's error, as django-import-export does
            row_result.import_type = RowResult.IMPORT_TYPE_ERROR
            row_result.errors.append(self.get_error_result_class()(e, row=row, number=kwargs.get("row_number")))
        return row_result

    def import_instance(self, instance, row, **kwargs):
        """Each cell through its widget straight onto the record; a cell's ValueError is its reason."""
        if self._plan is None:
            self._plan = [(f.attribute, f.column_name, f.widget) for f in self.get_import_fields()]
        errors = {}
        for attribute, column_name, widget in self._plan:
            if column_name not in row:
                continue
            try:
                setattr(instance, attribute, widget.clean(row[column_name], row=row))
            except ValueError as e:
                errors[attribute] = ValidationError(str(e), code="invalid")
        for attribute, reason in self.after_cells(instance, row).items():
            errors.setdefault(attribute, ValidationError(reason, code="invalid"))
        if errors:
            raise ValidationError(errors)

    def after_cells(self, instance, row) -> dict[str, str]:
        """Cells that are not a field of the record (a partnership's members): {attribute: reason}."""
        return {}

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.readonly or not field.attribute or field.column_name not in row:
            return
        field.save(instance, row, is_m2m, **kwargs)


PLAIN = {
    "This field cannot be blank.": "this column is empty, and it is needed",
    "This field cannot be null.": "this column is empty, and it is needed",
    "Enter a valid URL.": "this is not a web address",
}


def plain_message(message: str) -> str:
    if message.startswith("Ensure this value is greater than or equal to 0"):
        return "this cannot be negative"
    return PLAIN.get(message, message)
