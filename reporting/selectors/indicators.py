"""Reads of indicators and their actuals (from accepted updates only), and roll-ups across work."""

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q, QuerySet

from grants.subjects import Subject
from partnerships.selectors import scoped

from ..models import Indicator, IndicatorResult, ProgressUpdate
from .scopes import award_or_project


def indicator_list(*, user) -> QuerySet:
    return scoped(
        # the programme and partnership answer "who manages it" (a proposed one's Confirm step) without a query a row
        Indicator.objects.select_related("project__partnership", "award__programme"),
        award_or_project(user),
    )


def _shadowed_project_indicators() -> QuerySet:
    """A funded project reports through its award: when the award has indicators, the project's own
    (usually the same measures) are not reported on or counted, so nothing counts twice."""
    return Indicator.objects.filter(project__awards__indicators__isnull=False).values("pk")


def subject_indicators(subject) -> QuerySet:
    """The indicators reported on for an award or project: an award's own, or its project's when it has none;
    a project's own, or its awards' when it is funded and they have some."""
    *preferred, last = Subject(subject).indicator_sources()
    for source in preferred:
        found = Indicator.objects.filter(source)
        if found.exists():
            return found
    return Indicator.objects.filter(last)


def indicators_for_update(update: ProgressUpdate) -> QuerySet:
    return subject_indicators(update.subject.obj)


@dataclass
class IndicatorActual:
    indicator: Indicator
    actual: Decimal | None  # None: nothing accepted yet
    accepted_results: int = 0


@dataclass
class RollupRow:
    """One measure across many indicators (grouped by name and unit)."""

    name: str
    unit: str
    cumulative: bool
    is_percentage: bool
    parts: list[IndicatorActual] = field(default_factory=list)

    @property
    def baseline(self) -> Decimal:
        return self._combine([p.indicator.baseline for p in self.parts]) or Decimal("0")

    @property
    def target(self) -> Decimal:
        return self._combine([p.indicator.target for p in self.parts]) or Decimal("0")

    @property
    def actual(self) -> Decimal | None:
        return self._combine([p.actual for p in self.parts if p.actual is not None])

    def _combine(self, values):
        # Counts add up across projects; a percentage is averaged, never added.
        if not values:
            return None
        total = sum(values, Decimal("0"))
        return (total / len(values)).quantize(Decimal("0.01")) if self.is_percentage else total


def indicator_actuals(indicators) -> list[IndicatorActual]:
    """Actuals from accepted updates only: cumulative indicators sum their results, the others take
    the result of the latest accepted period."""
    indicators = list(indicators)
    values = defaultdict(list)
    results = (
        IndicatorResult.objects.filter(indicator__in=[i.pk for i in indicators], update__state="accepted")
        .order_by("update__period_end", "update_id")
        .values_list("indicator_id", "value")
    )
    for indicator_id, value in results:
        values[indicator_id].append(value)
    actuals = []
    for indicator in indicators:
        found = values[indicator.pk]
        if not found:
            actual = None
        elif indicator.cumulative:
            actual = sum(found, Decimal("0"))
        else:
            actual = found[-1]
        actuals.append(IndicatorActual(indicator, actual, len(found)))
    return actuals


def _indicator_in(*, project=None, partnership=None, programme=None) -> Q:
    q = Q()
    if project is not None:
        q &= Q(project=project) | Q(award__project=project)
    if partnership is not None:
        q &= (
            Q(project__partnership=partnership)
            | Q(award__partnership=partnership)
            | Q(award__programme__partnership=partnership)
            | Q(award__project__partnership=partnership)
        )
    if programme is not None:
        q &= Q(award__programme=programme) | Q(project__awards__programme=programme)
    return q


def indicator_rollup(*, user, project=None, partnership=None, programme=None) -> list[RollupRow]:
    """Indicators of a project, a partnership or a programme, rolled up by name and unit."""
    pks = (
        indicator_list(user=user)
        .filter(_indicator_in(project=project, partnership=partnership, programme=programme))
        .exclude(pk__in=_shadowed_project_indicators())
    )
    indicators = Indicator.objects.filter(pk__in=pks.values("pk")).select_related("project", "award")
    rows: dict[tuple, RollupRow] = {}
    for part in indicator_actuals(indicators):
        ind = part.indicator
        key = (ind.name.strip().lower(), ind.unit.strip().lower(), ind.cumulative)
        row = rows.setdefault(key, RollupRow(ind.name, ind.unit, ind.cumulative, ind.is_percentage))
        row.parts.append(part)
    return sorted(rows.values(), key=lambda r: r.name.lower())
