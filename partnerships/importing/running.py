"""Running an import or an export: the outcome by row and column, files, the command line."""

from __future__ import annotations

import csv
import io
import re
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import tablib
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import NON_FIELD_ERRORS
from django.core.management.base import CommandError
from import_export.results import RowResult

from accounts import roles

from . import formulae
from .resource import ExchangeResource


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
    left_out: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # rows left out and why, links still to make

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def error_rows(self) -> int:
        return len({p.row for p in self.problems if p.row})

    def summary(self) -> str:
        what = self.kind[:1].upper() + self.kind[1:]
        if not self.ok and not self.error_rows:
            return (
                f"{what}: nothing imported — the file as a whole has a problem (above). Correct it and import it again."
            )
        if not self.ok:
            return (
                f"{what}: nothing imported — {self.error_rows} of {self.rows} rows have problems "
                f"({len(self.problems)} in all). Correct them and import the file again."
            )
        tail = "dry run: nothing was written" if self.dry_run else "saved"
        left_out = f", {self.left_out} left out (below)" if self.left_out else ""
        return (
            f"{what}: {self.rows} row{'s' if self.rows != 1 else ''} — {self.created} created, {self.updated} updated, "
            f"{self.skipped} unchanged (skipped){left_out}, 0 errors; {tail}."
        )


@dataclass
class ProblemGroup:
    """Problems with one cause: the same column and the same reason once the values quoted in it
    are set aside ("“X” appears twice" and "“Y” appears twice" are one cause)."""

    column: str
    cause: str
    example: str  # the first problem's own words, values and all
    rows: list[int] = field(default_factory=list)

    def line(self, *, noun: str = "row", first: int = 8) -> str:
        count = len(self.rows) or 1
        what = f"{count} {noun}{'s' if count != 1 else ''}" if self.rows else "The file"
        column = f"column “{self.column}”: " if self.column else ""
        reason = self.example if count == 1 else self.cause
        shown = ", ".join(str(r) for r in self.rows[:first]) + (" …" if len(self.rows) > first else "")
        where = f" — {noun}{'s' if count != 1 else ''} {shown}" if self.rows else ""
        return f"{what}: {column}{reason}{where}"


QUOTED = re.compile(r"“[^”]*”|(?<![\w-])£?\d+(?:[.,/]\d+)*(?![\w-])")


def group_problems(problems: Iterable[RowProblem]) -> list[ProblemGroup]:
    """Problems grouped by cause, the most frequent first; rows in file order within a group."""
    groups: dict[tuple[str, str], ProblemGroup] = {}
    for problem in problems:
        cause = QUOTED.sub("…", problem.reason).replace("“…”", "…")
        group = groups.setdefault((problem.column, cause), ProblemGroup(problem.column, cause, problem.reason))
        if problem.row and problem.row not in group.rows:
            group.rows.append(problem.row)
    return sorted(groups.values(), key=lambda g: (-len(g.rows), g.rows[:1], g.column))


def grouped_report(problems: Iterable[RowProblem], *, noun: str = "row", first: int = 8) -> list[str]:
    """One line per cause: `629 rows: column “Identifier”: … appears twice in this file — rows 4, 9, 12 …`."""
    return [group.line(noun=noun, first=first) for group in group_problems(problems)]


def rejected_rows_dataset(headers: list[str], rows: list[tuple[int, list, list[str]]]) -> tablib.Dataset:
    """The rows that were not imported, as they came, with a last column saying why (the file can be
    corrected and imported again: the extra column is ignored on the way in)."""
    dataset = tablib.Dataset(headers=[*headers, "Problems"])
    for number, values, reasons in rows:
        padded = list(values)[: len(headers)] + [""] * max(0, len(headers) - len(values))
        dataset.append([*padded, f"Row {number}: " + "; ".join(reasons)])
    return dataset


def problems_of(result) -> list[RowProblem]:
    problems = []
    for error in result.base_errors:
        problems.append(RowProblem(0, "", plain_error(error.error)))
    for number, errors in result.row_errors():
        for error in errors:
            problems.append(RowProblem(number, "", plain_error(error.error)))
    for invalid in result.invalid_rows:
        for column_name, messages in invalid.error_dict.items():
            for message in messages:
                problems.append(
                    RowProblem(invalid.number, "" if column_name == NON_FIELD_ERRORS else column_name, message)
                )
    return sorted(problems, key=lambda p: (p.row, p.column))


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
        outcome.left_out = len(resource.left_out)
        outcome.skipped = totals[RowResult.IMPORT_TYPE_SKIP] - outcome.left_out
        outcome.notes = resource.notes()
    if progress:
        progress(outcome.rows, outcome.rows)
    return outcome


# Files ----------------------------------------------------------------------------------------

FORMATS = {".csv": formulae.CSV, ".xlsx": formulae.XLSX, ".json": formulae.JSON}  # exports neutralise formulae


def format_for(path: str | Path):
    suffix = Path(path).suffix.lower()
    if suffix not in FORMATS:
        raise ValueError(f"“{Path(path).name}”: use a .csv, .xlsx or .json file.")
    return FORMATS[suffix]()


def import_max_bytes() -> int:
    return int(getattr(settings, "IMPORT_MAX_BYTES", 50 * 1024 * 1024))


def check_import_size(name: str, size: int) -> None:
    """Refuse a file over the import size limit before reading it (ValueError, in words)."""
    limit = import_max_bytes()
    if size > limit:
        raise ValueError(
            f"“{name}” is {size / 1024 / 1024:.1f} MB; a file to import can be at most "
            f"{limit / 1024 / 1024:.0f} MB. Split it into smaller files."
        )


def decode_text(data: bytes, *, name: str, kind: str) -> str:
    """UTF-8 (with or without the mark Excel adds), else Windows-1252: GIAS serves its extracts in it and
    Excel on Windows saves CSV in it. ValueError in words when it is neither."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        try:
            return data.decode("cp1252")
        except UnicodeDecodeError:
            raise ValueError(f"{name} is not a text {kind} file (save it as CSV UTF-8).") from None


def numbers_text(numbers: list[int], *, first: int = 8) -> str:
    """`11 to 20`, `4, 9, 12`, `4, 9, 12 … (30 in all)`: row numbers as a person reads them."""
    if len(numbers) > 2 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"{numbers[0]} to {numbers[-1]}"
    shown = ", ".join(str(n) for n in numbers[:first])
    return shown if len(numbers) <= first else f"{shown} … ({len(numbers):,} in all)"


def csv_shape_problem(text: str) -> str | None:
    """Rows with more cells than the first row has column names, in words (tablib only says
    "InvalidDimensions"). Real files do this when rows of a newer layout are pasted under an older header;
    the cells cannot be matched to columns, so the file is refused rather than read wrongly. Shorter
    rows are fine: a spreadsheet leaves out empty cells at the end."""
    try:
        rows = csv.reader(io.StringIO(text))
        width = len(next(rows, []))
        long: dict[int, list[int]] = {}
        for number, row in enumerate(rows, 2):
            if len(row) > width and any(cell.strip() for cell in row[width:]):
                long.setdefault(len(row), []).append(number)
    except csv.Error:
        return None
    if not long:
        return None
    parts = [
        f"row{'s' if len(numbers) > 1 else ''} {numbers_text(numbers)} "
        f"{'have' if len(numbers) > 1 else 'has'} {cells:,} cells"
        for cells, numbers in sorted(long.items())
    ]
    one = sum(len(numbers) for numbers in long.values()) == 1
    return (
        f"{'; '.join(parts).capitalize()}, but the first row names {width:,} columns: "
        f"{'this row seems' if one else 'these rows seem'} to come from another version of the file, so "
        f"{'its' if one else 'their'} cells cannot be matched to columns. Make every row match the column "
        "names (or download the file again) and import it again."
    )


def parse_dataset(data: bytes, fmt, name: str) -> tablib.Dataset:
    """Bytes of a .csv/.xlsx/.json file as a dataset with a header row, or ValueError in plain words
    (a file that is not what its name says, text in an unknown encoding, JSON that is not a list of rows)."""
    check_import_size(name, len(data))
    kind = fmt.get_title().upper()
    if kind in ("CSV", "JSON"):
        data = decode_text(data, name=f"“{name}”", kind=kind)
    try:
        dataset = fmt.create_dataset(data)
    except Exception as error:  # tablib and openpyxl raise many kinds for a damaged file; all mean the same
        shape = csv_shape_problem(data) if kind == "CSV" else None
        if shape:
            raise ValueError(f"“{name}”: {shape}") from error
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
    label = f"{'Checking' if dry_run else 'Importing'} {resource.kind}"
    outcome = run_import(
        resource, dataset, dry_run=dry_run, file_name=Path(path).name, progress=text_progress(label, command.stderr)
    )
    for line in grouped_report(outcome.problems):
        command.stderr.write(line)
    if not outcome.ok:
        raise CommandError(outcome.summary())
    command.stdout.write(outcome.summary())
    for note in outcome.notes:
        command.stdout.write(note)
