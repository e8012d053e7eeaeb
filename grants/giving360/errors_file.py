"""The rows a 360Giving import left out, as they came, with the reasons: corrected, the same file imports
again (the extra “Problems” column, or “problems” key, is not part of the standard and is ignored)."""

from __future__ import annotations

import json
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

from partnerships.importing import RowProblem, rejected_rows_dataset, write_dataset

from .reading import SourceFile


def reasons_by_row(problems: list[RowProblem]) -> dict[int, list[str]]:
    reasons: dict[int, list[str]] = defaultdict(list)
    for p in problems:
        if p.row:
            reasons[p.row].append(f"{p.column}: {p.reason}" if p.column else p.reason)
    return reasons


def rejected_content(source: SourceFile, problems: list[RowProblem]) -> tuple[bytes, str]:
    """The left-out rows in the file's own shape: (content, file suffix)."""
    reasons = reasons_by_row(problems)
    if source.is_json:
        grants = []
        for grant, row in zip(source.grants, source.rows, strict=True):
            if row in reasons:
                grants.append({**grant, "problems": [f"Grant {row}: {r}" for r in reasons[row]]})
        text = json.dumps({"grants": grants}, indent=2, ensure_ascii=False, default=_number)
        return text.encode("utf-8"), ".json"
    rows = [
        (row, values, reasons[row]) for row, values in zip(source.rows, source.raw_rows, strict=True) if row in reasons
    ]
    dataset = rejected_rows_dataset(source.headers, rows)
    suffix = ".xlsx" if source.shape == "XLSX" else ".csv"
    content = dataset.export(suffix.lstrip("."))
    return (content if isinstance(content, bytes) else content.encode("utf-8")), suffix


def write_rejected(source: SourceFile, problems: list[RowProblem], path: str | Path) -> None:
    path = Path(path)
    if source.is_json or path.suffix.lower() == ".json":
        content, _ = rejected_content(source, problems)
        path.write_bytes(content)
        return
    reasons = reasons_by_row(problems)
    rows = [
        (row, values, reasons[row]) for row, values in zip(source.rows, source.raw_rows, strict=True) if row in reasons
    ]
    write_dataset(rejected_rows_dataset(source.headers, rows), path)


def _number(value):
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return str(value)
