"""Spreadsheet formula neutralising: the one function every export path uses (the admin's Export and
"Export selected", `export_data`, `export_360giving`'s flat CSV/XLSX), through the formats below.

A cell a spreadsheet would read as a formula or a command — starting with =, +, -, @, a tab or a carriage
return, however many of them (`==HYPERLINK(…)`, `+-@SUM(…)`) — gets a leading apostrophe, so the
spreadsheet shows it as the text it is. A number stays a number: cells that are numbers (Decimal, int)
are never touched, and a string that is only a number (a negative amount written "-250.00") is left as
it is, because no spreadsheet runs it.
"""

import re

from import_export.formats import base_formats

STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?")


def neutralise(cell):
    """`cell` as a spreadsheet can safely open it (see the module docstring)."""
    if not isinstance(cell, str) or not cell.startswith(STARTS):
        return cell
    if _PLAIN_NUMBER.fullmatch(cell):
        return cell
    return "'" + cell


def neutralise_dataset(dataset) -> None:
    """Every cell of a tablib Dataset, in place (numbers kept as numbers)."""
    for index in range(len(dataset)):
        row = dataset[index]
        if any(isinstance(cell, str) and cell.startswith(STARTS) for cell in row):
            dataset[index] = [neutralise(cell) for cell in row]


class _Neutralised:
    def export_data(self, dataset, **kwargs):
        neutralise_dataset(dataset)
        return super().export_data(dataset, **kwargs)

    def _escape_formulae(self, dataset):
        """import-export's own escaping removes one "=" only (and turns numbers into text): ours instead."""
        neutralise_dataset(dataset)


class CSV(_Neutralised, base_formats.CSV):
    pass


class XLSX(_Neutralised, base_formats.XLSX):
    pass


class JSON(base_formats.JSON):
    """JSON is not opened by spreadsheets as formulae: written as it is, numbers as numbers."""


FORMATS = [CSV, XLSX, JSON]
__all__ = ["FORMATS", "neutralise", "neutralise_dataset"]
