"""List downloads: any list page, as filtered, as a CSV or Excel file (`?download=csv` or `?download=xlsx`
on the page's own URL, so the rows are the page's own selector and filters: the same people see the same
rows). Cells go through the export formats of partnerships.importing.formulae, so a name starting with
"=" opens as text, never as a formula, and numbers stay numbers.

At most DOWNLOAD_MAX_ROWS rows (default: the lists' count cap, 10,000): a longer list is refused with a
sentence asking for a narrower filter, rather than building a huge file in the request."""

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import tablib
from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse, HttpResponseRedirect

from workflow import clock
from workflow.pagination import count_cap

from .importing import formulae

KINDS = {
    "csv": (formulae.CSV, "text/csv; charset=utf-8"),
    "xlsx": (formulae.XLSX, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
}


@dataclass(frozen=True)
class Column:
    header: str
    value: Callable[[Any], Any]


def max_rows() -> int:
    return int(getattr(settings, "DOWNLOAD_MAX_ROWS", count_cap()))


def requested(request) -> str | None:
    """ "csv" or "xlsx" when the person asked to download the list, else None."""
    kind = request.GET.get("download")
    return kind if kind in KINDS else None


def too_many(request, count: int) -> HttpResponseRedirect:
    messages.error(
        request,
        f"This list has more than {max_rows():,} rows, too many to download at once: "
        "choose a filter to narrow it, then download again.",
    )
    params = request.GET.copy()
    params.pop("download", None)
    return HttpResponseRedirect(request.path + ("?" + params.urlencode() if params else ""))


def _cell(value):
    if value is None:
        return ""
    if hasattr(value, "isoformat") and not isinstance(value, str):
        return value.isoformat()
    return value


def download(request, rows: Iterable, columns: Sequence[Column], *, name: str) -> HttpResponse:
    """The rows as the file asked for. `rows` is a queryset (read in one query, at most max_rows() + 1
    rows) or a list already in memory."""
    kind = requested(request) or "csv"
    limit = max_rows()
    taken = list(rows[: limit + 1]) if hasattr(rows, "query") else list(rows)  # type: ignore[index]
    if len(taken) > limit:
        return too_many(request, len(taken))
    dataset = tablib.Dataset(headers=[c.header for c in columns])
    for row in taken:
        dataset.append([_cell(c.value(row)) for c in columns])
    format_class, content_type = KINDS[kind]
    response = HttpResponse(format_class().export_data(dataset), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="exchange-{name}-{clock.today():%Y-%m-%d}.{kind}"'
    response["Cache-Control"] = "private, no-store"
    return response


__all__ = ["KINDS", "Column", "download", "max_rows", "requested"]
