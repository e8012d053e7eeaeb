"""The period a report covers: a first and a last day, both included. No period: the whole life of the work.

With a period a report shows only what happened in it (see gather): accepted updates whose period overlaps
it, payments paid in it (or, not yet paid, due in it), the results, reach and evidence of those updates,
the steps taken in it and the evaluations completed in it."""

import datetime as dt
from dataclasses import dataclass
from urllib.parse import urlencode

from django.utils import timezone

from ..periods import period_words


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date

    @property
    def words(self) -> str:
        """ "1 April 2025 to 31 March 2026", the way a period is named everywhere."""
        return period_words(self.start, self.end)

    @property
    def query(self) -> str:
        """The query string that asks for this period (pages and API read it alike)."""
        return urlencode({"from": self.start.isoformat(), "to": self.end.isoformat()})

    @property
    def slug(self) -> str:
        return f"{self.start:%Y-%m-%d}-to-{self.end:%Y-%m-%d}"

    def as_data(self) -> dict:
        return {"start": self.start, "end": self.end, "words": self.words}

    def moments(self) -> tuple[dt.datetime, dt.datetime]:
        """The first moment of the first day and the first moment after the last day, in local time."""
        first = timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))
        after = timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))
        return first, after
