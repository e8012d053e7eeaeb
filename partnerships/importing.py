"""The import engine every resource shares (django-import-export underneath).

What it guarantees, for organisations, partnerships, projects, awards, payments and results:

- All or nothing: every row is read and checked first; if any row is wrong nothing is written,
  and each wrong row is reported with its row number (as a spreadsheet shows it, the header
  being row 1), the column and the reason in plain words.
- Re-importing a file updates rather than duplicates: each kind has a stable key (org-id, award
  identifier, project reference, partnership name…); rows whose values did not change are skipped.
- States are never imported: records enter at their workflow's first state, and the state
  columns of an export are ignored on the way back in.
- Money set or changed by an import is logged (MoneyChange) with the importing person.
- Fast: one query per lookup table (cached foreign keys), one query for the existing records,
  one bulk insert and one bulk update, no per-row SELECT.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.utils import timezone
from import_export import fields, resources, widgets
from import_export.formats import base_formats
from import_export.results import RowResult

from . import roles
from .models import LocalAuthority, Organisation

# Cells -------------------------------------------------------------------------------------


def cell_text(value) -> str:
    """A cell as text: spreadsheets give 123456.0 for an identifier typed as a number."""
    if value.__class__ is str:
        return value.strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def lookup_key(value) -> str:
    return cell_text(value).casefold()


class TextWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return cell_text(value)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class MoneyWidget(widgets.DecimalWidget):
    """Amounts as written by people: 1200, 1,200.50 or £1,200.50."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, Decimal):
            return value
        if isinstance(value, int | float):
            return Decimal(str(value))
        text = cell_text(value).replace(",", "").replace("£", "").replace(" ", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{cell_text(value)}” is not a number") from None
        if not number.is_finite():
            raise ValueError(f"“{cell_text(value)}” is not a number")
        return number

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


class WholeNumberWidget(widgets.IntegerWidget):
    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).replace(",", "")
        if not text:
            return None
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"“{cell_text(value)}” is not a whole number") from None
        if number != number.to_integral_value():
            raise ValueError(f"“{cell_text(value)}” is not a whole number")
        return int(number)

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(value)


DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%d/%m/%y")


def parse_date(value) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = cell_text(value)
    if not text:
        return None
    if len(text) > 10 and text[10] in "T ":  # a date-time, as 360Giving files may give
        text = text[:10]
    if len(text) == 10 and text[4] == "-":
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            pass
    for fmt in DATE_FORMATS:
        try:
            return dt.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    raise ValueError(f"“{cell_text(value)}” is not a date (write it as 2026-09-01 or 01/09/2026)")


class DateWidget(widgets.DateWidget):
    def clean(self, value, row=None, **kwargs):
        return parse_date(value)

    def render(self, value, obj=None, **kwargs):
        return value.isoformat() if value else ""


class YesNoWidget(widgets.BooleanWidget):
    TRUE = {"1", "true", "yes", "y", "x"}
    FALSE = {"", "0", "false", "no", "n"}

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, bool):
            return value
        key = lookup_key(value)
        if key in self.TRUE:
            return True
        if key in self.FALSE:
            return False
        raise ValueError(f"“{cell_text(value)}” is not yes or no")

    def render(self, value, obj=None, **kwargs):
        return "yes" if value else "no"


class ChoiceWidget(widgets.Widget):
    """A choice by its code or its label, in any case: `mat` or `Multi-academy trust`."""

    def __init__(self, choices, *, noun: str):
        super().__init__()
        self.noun = noun
        self.labels = [label for _, label in choices]
        self.by_key = {}
        for value, label in choices:
            self.by_key[lookup_key(value)] = value
            self.by_key[lookup_key(label)] = value

    def clean(self, value, row=None, **kwargs):
        key = lookup_key(value)
        if not key:
            return ""
        try:
            return self.by_key[key]
        except KeyError:
            raise ValueError(f"“{cell_text(value)}” is not a {self.noun} (one of: {', '.join(self.labels)})") from None

    def render(self, value, obj=None, **kwargs):
        return value or ""


class LookupWidget(widgets.ForeignKeyWidget):
    """A foreign key by a stable key (an org-id, a name, a code), looked up once for the whole
    file in one query, with a reason in words when the value is unknown or out of reach."""

    def __init__(self, model, field: str = "identifier", *, noun: str, keys: Iterable[str] = (), queryset=None):
        super().__init__(model, field=field)
        self.noun = noun
        self.keys = tuple(keys) or (field,)
        self.base_queryset = queryset
        self.allowed: set | None = None  # pks the importing person may use; None means any
        self.refusal = "“{value}” is not a {noun} you may import into"
        self._map: dict | None = None

    def get_queryset(self, value, row, *args, **kwargs):
        return self.base_queryset if self.base_queryset is not None else self.model.objects.all()

    def load(self, extra: Iterable = ()):
        self._map = {}
        for obj in list(self.get_queryset(None, None)) + list(extra):
            self.remember(obj)

    def remember(self, obj):
        if self._map is None:
            self.load()
        for key in self.keys:
            value = getattr(obj, key)
            if value not in (None, ""):
                self._map.setdefault(lookup_key(value), obj)

    def find(self, value):
        if self._map is None:
            self.load()
        return self._map.get(lookup_key(value))

    def clean(self, value, row=None, **kwargs):
        if not cell_text(value):
            return None
        obj = self.find(value)
        if obj is None:
            raise ValueError(f"unknown {self.noun} “{cell_text(value)}”")
        if self.allowed is not None and obj.pk not in self.allowed:
            raise ValueError(self.refusal.format(value=cell_text(value), noun=self.noun, obj=obj))
        return obj

    def render(self, value, obj=None, **kwargs):
        return "" if value is None else str(getattr(value, self.field) or "")


def local_authority_widget() -> LookupWidget:
    return LookupWidget(LocalAuthority, "name", noun="local authority", keys=("name", "dfe_code", "gss_code"))


def organisation_widget(noun: str = "organisation identifier") -> LookupWidget:
    return LookupWidget(Organisation, "identifier", noun=noun)


def column(name: str, attribute: str, widget=None, **kwargs) -> fields.Field:
    return fields.Field(attribute=attribute, column_name=name, widget=widget or TextWidget(), **kwargs)


def export_only(name: str, attribute: str, widget=None) -> fields.Field:
    """A column that an export writes and an import ignores (states, amounts set by approval)."""
    return fields.Field(attribute=attribute, column_name=name, widget=widget or TextWidget(), readonly=True)


# The resource base ----------------------------------------------------------------------------


class ExchangeResource(resources.ModelResource):
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
        self._imported: list[str] | None = None
        self._plan: list | None = None
        self._simple: set[str] | None = None
        self._not_simple: set[str] = set()

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

    # Columns ---------------------------------------------------------------------------------

    @property
    def key_column(self) -> str:
        return next(f.column_name for f in self.fields.values() if f.attribute == self.key_attribute)

    def column_for(self, attribute: str) -> str:
        for f in self.fields.values():
            if f.attribute == attribute:
                return f.column_name
        return "" if attribute == NON_FIELD_ERRORS else attribute

    def imported_attributes(self) -> list[str]:
        if self._imported is None:
            self._imported = [f.attribute for f in self.get_import_fields() if f.attribute and not f.readonly]
        return self._imported

    def _simple_attributes(self, model) -> set[str]:
        """Imported columns that clean_fields() checks without a query (not the foreign keys)."""
        if self._simple is None:
            imported = set(self.imported_attributes())
            self._simple = {f.name for f in model._meta.concrete_fields if f.name in imported and not f.is_relation}
            self._not_simple = {f.name for f in model._meta.fields} - self._simple
        return self._simple

    def header_aliases(self) -> dict[str, str]:
        """Other spellings of the headers people use: `local_authority` for `Local authority`."""
        aliases = {}
        for f in self.fields.values():
            aliases[lookup_key(f.column_name)] = f.column_name
            aliases[lookup_key(f.column_name).replace(" ", "_")] = f.column_name
            if f.attribute:
                aliases[lookup_key(f.attribute)] = f.column_name
        return aliases

    # Hooks for each kind ---------------------------------------------------------------------

    def prepare_dataset(self, dataset: tablib.Dataset) -> None:
        """Reshape a file before import (the GIAS school list does)."""

    def key_of_row(self, row) -> str:
        return lookup_key(row.get(self.key_column))

    def instance_key(self, instance) -> str:
        """The stable key of a checked row, to find the same record twice in one file."""
        return lookup_key(getattr(instance, self.key_attribute, ""))

    def instance_label(self, instance) -> str:
        return cell_text(getattr(instance, self.key_attribute, ""))

    def existing_queryset(self, keys: list[str]):
        return self._meta.model.objects.filter(**{f"{self.key_attribute}__in": keys})

    def on_create(self, instance, row) -> None:
        """Set who created it (created_by, proposed_by) and what an import never supplies."""

    def check(self, instance, new: bool, before: dict | None) -> dict[str, str]:
        """Rules across columns and against the workflow: {attribute: reason in words}."""
        return {}

    def after_write(self) -> None:
        """Links that need the new rows' ids (a school's trust in the same file)."""

    # The import flow -------------------------------------------------------------------------

    def before_import(self, dataset, **kwargs):
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
        self._total = len(dataset)
        self._seen, self._created, self._updated = {}, [], []
        for f in self.fields.values():
            if isinstance(f.widget, LookupWidget):
                f.widget.load()
        self.scope_lookups()
        self._existing = self.load_existing(dataset)

    def load_existing(self, dataset) -> dict:
        """Every record the file names, in one query per 2,000 keys, keyed as rows are."""
        index = dataset.headers.index(self.key_column)
        raw = sorted({cell_text(r[index]) for r in dataset if cell_text(r[index])})
        found = {}
        for start in range(0, len(raw), 2000):
            for obj in self.existing_queryset(raw[start : start + 2000]):
                found[lookup_key(getattr(obj, self.key_attribute))] = obj
        return found

    def get_instance(self, instance_loader, row):
        return self._existing.get(self.key_of_row(row))

    def init_instance(self, row=None):
        return self._meta.model()

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
        self._simple_attributes(instance)
        try:
            instance.clean_fields(exclude=self._not_simple | errors.keys())
        except ValidationError as e:
            for attribute, messages in e.message_dict.items():
                errors.setdefault(attribute, []).extend(messages)
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
            instance.updated_at = timezone.now()

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

    repr_expression = None  # an expression equal to str(record), so the database can write the money log

    def log_money(self) -> None:
        """Every amount the import set or changed, in the money log under the importer's name."""
        from workflow.services import log_money_changes, log_money_set_in_bulk

        note = f"Imported from {self.file_name}" if self.file_name else "Imported"
        changes = []
        created = self._created
        if self.repr_expression is not None and created:
            ids = [obj.pk for obj in created]
            for field_name in self.money_fields:
                for start in range(0, len(ids), 900):
                    log_money_set_in_bulk(
                        self._meta.model.objects.filter(pk__in=ids[start : start + 900]),
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

    def get_export_order(self):
        return tuple(self._meta.fields)

    def get_import_fields(self):
        return [f for f in self.fields.values() if not f.readonly and f.attribute]


# Running an import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class RowProblem:
    row: int  # as a spreadsheet numbers it: the header is row 1; 0 for the file as a whole
    column: str
    reason: str

    def __str__(self):
        where = f"Row {self.row}" if self.row else "The file"
        return f"{where}, column “{self.column}”: {self.reason}" if self.column else f"{where}: {self.reason}"


@dataclass
class ImportOutcome:
    kind: str
    dry_run: bool
    rows: int = 0
    created: int = 0
    updated: int = 0
    skipped: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def error_rows(self) -> int:
        return len({p.row for p in self.problems})

    def summary(self) -> str:
        what = self.kind[:1].upper() + self.kind[1:]
        if not self.ok:
            return (
                f"{what}: nothing imported — {self.error_rows} of {self.rows} rows have problems "
                f"({len(self.problems)} in all). Correct them and import the file again."
            )
        tail = "dry run: nothing was written" if self.dry_run else "saved"
        return (
            f"{what}: {self.rows} rows — {self.created} created, {self.updated} updated, "
            f"{self.skipped} unchanged (skipped), 0 errors; {tail}."
        )


def problems_of(result) -> list[RowProblem]:
    problems = []
    for error in result.base_errors:
        problems.append(RowProblem(0, "", plain_error(error.error)))
    for number, errors in result.row_errors():
        for error in errors:
            problems.append(RowProblem(number + 1, "", plain_error(error.error)))
    for invalid in result.invalid_rows:
        for column_name, messages in invalid.error_dict.items():
            for message in messages:
                problems.append(
                    RowProblem(invalid.number + 1, "" if column_name == NON_FIELD_ERRORS else column_name, message)
                )
    return sorted(problems, key=lambda p: (p.row, p.column))


PLAIN = {
    "This field cannot be blank.": "this column is empty, and it is needed",
    "This field cannot be null.": "this column is empty, and it is needed",
    "Enter a valid URL.": "this is not a web address",
}


def plain_message(message: str) -> str:
    if message.startswith("Ensure this value is greater than or equal to 0"):
        return "this cannot be negative"
    return PLAIN.get(message, message)


def plain_error(error) -> str:
    text = str(error)
    if "UNIQUE constraint" in text or "duplicate key" in text:
        return f"a record with the same identifier already exists ({text})"
    return text


def run_import(
    resource: ExchangeResource,
    dataset: tablib.Dataset,
    *,
    dry_run: bool,
    file_name: str = "",
    progress: Callable[[int, int], None] | None = None,
) -> ImportOutcome:
    """Import `dataset` all or nothing; the outcome lists every problem by row and column."""
    resource.progress = progress
    result = resource.import_data(
        dataset,
        dry_run=dry_run,
        raise_errors=False,
        use_transactions=True,
        rollback_on_validation_errors=True,
        user=resource.user,
        file_name=file_name,
    )
    totals = result.totals
    outcome = ImportOutcome(kind=resource.kind, dry_run=dry_run, rows=result.total_rows, problems=problems_of(result))
    if outcome.ok:
        outcome.created = totals[RowResult.IMPORT_TYPE_NEW]
        outcome.updated = totals[RowResult.IMPORT_TYPE_UPDATE]
        outcome.skipped = totals[RowResult.IMPORT_TYPE_SKIP]
    if progress:
        progress(outcome.rows, outcome.rows)
    return outcome


# Files ----------------------------------------------------------------------------------------

FORMATS = {".csv": base_formats.CSV, ".xlsx": base_formats.XLSX, ".json": base_formats.JSON}


def format_for(path: str | Path):
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"“{Path(path).name}”: use a .csv, .xlsx or .json file.")
    return FORMATS[suffix]()


def import_max_bytes() -> int:
    from django.conf import settings

    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def check_import_size(name: str, size: int) -> None:
    """Refuse a file over the import size limit before reading it (ValueError, in words)."""
    limit = import_max_bytes()
    if size > limit:
        raise ValueError(
            f"“{name}” is {size / 1024 / 1024:.1f} MB; a file to import can be at most "
            f"{limit / 1024 / 1024:.0f} MB. Split it into smaller files."
        )


def parse_dataset(data: bytes, fmt, name: str) -> tablib.Dataset:
    """Bytes of a .csv/.xlsx/.json file as a dataset with a header row, or ValueError in plain words
    (a file that is not what its name says, text in an unknown encoding, JSON that is not a list of rows)."""
    check_import_size(name, len(data))
    kind = fmt.get_title().upper()
    if not fmt.is_binary():
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError:  # a CSV saved by Excel on Windows
            try:
                data = data.decode("cp1252")
            except UnicodeDecodeError:
                raise ValueError(f"“{name}” is not a text {kind} file (save it as CSV UTF-8).") from None
    try:
        dataset = fmt.create_dataset(data)
    except Exception as error:  # tablib and openpyxl raise many kinds for a damaged file; all mean the same
        hint = " (a list of rows, each with the column names)" if kind == "JSON" else ""
        article = "an" if kind[0] in "AEIOUX" else "a"
        raise ValueError(f"“{name}” could not be read as {article} {kind} file{hint}.") from error
    if not dataset.headers:
        raise ValueError(f"“{name}” has no header row: the first row must hold the column names.")
    return dataset


def read_dataset(path: str | Path) -> tablib.Dataset:
    fmt = format_for(path)
    name = Path(path).name
    check_import_size(name, Path(path).stat().st_size)
    return parse_dataset(Path(path).read_bytes(), fmt, name)


def write_dataset(dataset: tablib.Dataset, path: str | Path) -> None:
    fmt = format_for(path)
    content = fmt.export_data(dataset)
    mode = "wb" if isinstance(content, bytes) else "w"
    with open(path, mode, **({} if mode == "wb" else {"encoding": "utf-8", "newline": ""})) as out:
        out.write(content)


def text_progress(label: str, stream=None) -> Callable[[int, int], None]:
    """A progress bar on stderr: `Importing awards  [#########-----------]  4,500/10,000`."""
    stream = getattr(stream, "_out", stream) or sys.stderr  # a command's OutputWrapper would add newlines

    def show(done: int, total: int):
        width = 30
        filled = int(width * done / total) if total else width
        stream.write(f"\r{label}  [{'#' * filled}{'-' * (width - filled)}]  {done:,}/{total:,}")
        if done >= total:
            stream.write("\n")
        stream.flush()

    return show


# Command-line helpers ----------------------------------------------------------------------------


def command_user(username: str | None, *, required: bool):
    """The person a command acts as: imports need one (the money log names them); exports without one
    see everything, as an administrator would."""
    from django.contrib.auth import get_user_model
    from django.core.management.base import CommandError

    if not username:
        if required:
            raise CommandError(
                "Say who is importing: --user USERNAME (an administrator or programme manager). "
                "Money set by the import is logged under that name."
            )
        return None
    try:
        user = get_user_model().objects.get(username=username)
    except get_user_model().DoesNotExist:
        raise CommandError(f"There is no user “{username}”.") from None
    if not roles.of(user).is_manager:
        raise CommandError(f"{username} may not import or export: only administrators and programme managers may.")
    return user


def command_import(command, resource: ExchangeResource, dataset: tablib.Dataset, *, path, dry_run: bool) -> None:
    """Run an import for a management command: a progress bar on stderr, then the summary and
    every problem; exits with an error status when the file has problems."""
    from django.core.management.base import CommandError

    label = f"{'Checking' if dry_run else 'Importing'} {resource.kind}"
    outcome = run_import(
        resource, dataset, dry_run=dry_run, file_name=Path(path).name, progress=text_progress(label, command.stderr)
    )
    for problem in outcome.problems:
        command.stderr.write(str(problem))
    if not outcome.ok:
        raise CommandError(outcome.summary())
    command.stdout.write(outcome.summary())


# The admin ---------------------------------------------------------------------------------------


def _admin_mixins():
    from django import forms
    from import_export.admin import ExportActionMixin, ImportExportMixin
    from import_export.forms import ImportForm

    class SizeLimitedImportForm(ImportForm):
        def clean_import_file(self):
            upload = self.cleaned_data["import_file"]
            try:
                check_import_size(upload.name, upload.size)
            except ValueError as error:
                raise forms.ValidationError(str(error)) from None
            return upload

    class ExchangeAdminMixin(ImportExportMixin, ExportActionMixin):
        """Import (with its preview) and export of the filtered list, for administrators and
        programme managers; the resource acts as the signed-in person (scope, money log)."""

        import_form_class = SizeLimitedImportForm  # over IMPORT_MAX_BYTES: refused before it is stored or read
        skip_admin_log = True  # the money log and the records' own fields say who imported what
        show_change_form_export = False  # a workflow's change page keeps its own template (transition buttons)

        def has_import_permission(self, request):
            return request.user.is_active and request.user.is_staff and roles.of(request.user).is_manager

        def has_export_permission(self, request):
            return self.has_import_permission(request)

        def process_import(self, request, **kwargs):
            """The confirm step reads the file kept from the preview: gone (confirmed twice, or a tampered
            name) is a message and the import page again, not a server error."""
            try:
                return super().process_import(request, **kwargs)
            except FileNotFoundError:
                from django.contrib import messages
                from django.http import HttpResponseRedirect
                from django.urls import reverse

                messages.error(request, "That import was already done or has expired: choose the file again.")
                opts = self.model._meta
                return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))

        def get_import_resource_kwargs(self, request, **kwargs):
            return {"user": request.user}

        def get_export_resource_kwargs(self, request, **kwargs):
            return {"user": request.user}

    return ExchangeAdminMixin


ExchangeAdminMixin = _admin_mixins()
