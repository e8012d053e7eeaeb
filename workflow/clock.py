"""What time it is, for every stamp the services write (logs, submitted/accepted/paid dates).

Normally the real time. The demo loader, and only it, replays a scenario whose steps happened in the
past: inside `clock.at(moment)` every service stamps that moment instead, so a history entry says when
the scenario says the step was taken. The rules and guards run exactly as they do for a person; only
the time on the stamp changes. A context variable, so it never leaks into another request or thread.
"""

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_moment: ContextVar[dt.datetime | None] = ContextVar("exchange_clock", default=None)


def now() -> dt.datetime:
    moment = _moment.get()
    return moment if moment is not None else timezone.now()


def today() -> dt.date:
    return timezone.localdate(now())


@contextmanager
def at(moment: dt.datetime) -> Iterator[dt.datetime]:
    """Stamp every write inside the block with `moment` (an aware datetime)."""
    if timezone.is_naive(moment):
        raise TypeError("clock.at() needs an aware datetime.")
    token = _moment.set(moment)
    try:
        yield moment
    finally:
        _moment.reset(token)
