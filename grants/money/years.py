"""Financial years (April to March) and school years (September to August): which one a date falls in."""

from datetime import date

KINDS = {"financial": ("Financial year (April to March)", 4), "school": ("School year (September to August)", 9)}


def year_of(day: date, kind: str = "financial") -> int:
    """The calendar year the year containing `day` starts in (2026 for 1 May 2026 and for 1 March 2027)."""
    start_month = KINDS[kind][1]
    return day.year if day.month >= start_month else day.year - 1


def year_label(start: int) -> str:
    return f"{start}–{(start + 1) % 100:02d}"


def year_bounds(start: int, kind: str = "financial") -> tuple[date, date]:
    """First and last day of the year starting in `start`."""
    month = KINDS[kind][1]
    first = date(start, month, 1)
    last = date(start + 1, month, 1).toordinal() - 1
    return first, date.fromordinal(last)
