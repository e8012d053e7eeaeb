"""Award or project: the two kinds of funded work that partners report on and managers evaluate.

The one place that knows how the two differ. An award is owned by its recipient and managed by its
programme's managing organisation; a project is owned by its lead organisation and managed by its
partnership's lead. Updates, schedules, indicators and evaluations point at exactly one of them through
a foreign key named after the kind ("award" or "project"). Everyone else asks a `Subject`:

    subject = Subject.of(update)          # the award or project an update is about
    subject.manages(user), subject.owner, subject.reference, subject.lookup()

It lives in grants, the lowest layer that sees both models (grants sits on partnerships), so grants
and everything above it can use it without importing upward.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.db.models import CheckConstraint, F, Q, QuerySet, Value
from django.db.models.functions import Coalesce

from accounts import roles
from partnerships.models import Project
from partnerships.selectors import project_list

from .models import Award, BudgetCategory
from .selectors import award_list


@dataclass(frozen=True)
class SubjectKind:
    """What is the same for every award (or every project): names, lookups, the model."""

    name: str  # "award" or "project": also the foreign key's name on reporting's models and in URLs
    model: type
    reference_field: str  # the public reference: an award's identifier, a project's reference
    owner_field: str  # the organisation that delivers and reports on it
    manager_organisation_path: str  # the organisation whose programme managers manage it
    frequency_field: str | None  # where the work keeps its own reporting frequency, if it does
    selector: Callable[..., QuerySet]  # selector(user=…): the ones a person may see (not archived)

    def queryset(self) -> QuerySet:
        return self.model.objects.all()

    def lookup(self, path: str = "") -> str:
        """The foreign key to this kind, under `path` ("update__" gives "update__award")."""
        return f"{path}{self.name}"

    def owner_lookup(self, path: str = "") -> str:
        """From a holder (an update, an indicator) to the owning organisation: "award__recipient"."""
        return f"{path}{self.name}__{self.owner_field}"

    def manager_lookup(self, path: str = "") -> str:
        """From a holder to the managing organisation: "award__programme__managed_by"."""
        return f"{path}{self.name}__{self.manager_organisation_path}"


AWARD = SubjectKind(
    name="award",
    model=Award,
    reference_field="identifier",
    owner_field="recipient",
    manager_organisation_path="programme__managed_by",
    frequency_field="reporting_frequency",
    selector=award_list,
)
PROJECT = SubjectKind(
    name="project",
    model=Project,
    reference_field="reference",
    owner_field="lead_organisation",
    manager_organisation_path="partnership__lead_organisation",
    frequency_field=None,
    selector=project_list,
)
KINDS = {kind.name: kind for kind in (AWARD, PROJECT)}


def kind_named(name: str) -> SubjectKind:
    """The kind called `name` ("award" or "project"); KeyError for anything else."""
    return KINDS[name]


def key_of(holder: Any) -> tuple[str, int]:
    """("award", id) or ("project", id) for a holder: a model instance or a .values() row."""
    award_id = holder.get("award_id") if isinstance(holder, dict) else holder.award_id
    if award_id:
        return (AWARD.name, award_id)
    return (PROJECT.name, holder.get("project_id") if isinstance(holder, dict) else holder.project_id)


def either(path: str = "", **lookups: Any) -> Q:
    """The same lookup on the award side or the project side of a holder, e.g.
    either(owner_id__in=[1, 2]) matches updates whose award's recipient or whose project's lead is 1 or 2."""
    q = Q(pk__in=[])
    for kind in (AWARD, PROJECT):
        translated = {}
        for name, value in lookups.items():
            field, _, rest = name.partition("__")
            target = {"owner_id": f"{kind.owner_field}_id", "owner": kind.owner_field}.get(field, field)
            translated[f"{path}{kind.name}__{target}" + (f"__{rest}" if rest else "")] = value
        q |= Q(**{f"{path}{kind.name}__isnull": False}, **translated)
    return q


def subject_column(path: str, what: str) -> Coalesce:
    """A holder's subject's "reference" or "title" as one column, whichever kind it is, for .annotate()
    or .values(): subject_column("evaluation__", "reference") is the evaluated award's identifier or
    project's reference ("" when neither)."""
    return Coalesce(
        *(F(f"{path}{kind.name}__{kind.reference_field if what == 'reference' else what}") for kind in KINDS.values()),
        Value(""),
    )


class Subject:
    """One award or one project, answering the questions reporting asks of either."""

    def __init__(self, obj: Award | Project):
        if isinstance(obj, Award):
            self.kind = AWARD
        elif isinstance(obj, Project):
            self.kind = PROJECT
        else:
            raise TypeError(f"A subject is an award or a project, not {type(obj).__name__}.")
        self.obj = obj

    @classmethod
    def of(cls, holder: Any) -> Subject:
        """The subject of a holder with `award` and `project` foreign keys (exactly one set)."""
        return cls(holder.award if holder.award_id else holder.project)

    @classmethod
    def given(cls, award: Award | None = None, project: Project | None = None) -> Subject:
        """From a service's keyword arguments: exactly one of award or project."""
        if (award is None) == (project is None):
            raise TypeError("Give exactly one of award or project.")
        return cls(award if award is not None else project)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Subject) and (self.kind, self.obj.pk) == (other.kind, other.obj.pk)

    def __hash__(self) -> int:
        return hash((self.kind.name, self.obj.pk))

    def __str__(self) -> str:
        return str(self.obj)

    @property
    def pk(self) -> int:
        return self.obj.pk

    @property
    def reference(self) -> str:
        return getattr(self.obj, self.kind.reference_field)

    @property
    def title(self) -> str:
        return self.obj.title

    @property
    def owner(self):
        """The organisation that delivers the work and reports on it."""
        return getattr(self.obj, self.kind.owner_field)

    @property
    def owner_id(self) -> int:
        return getattr(self.obj, f"{self.kind.owner_field}_id")

    @property
    def manager_organisation_id(self) -> int:
        if self.kind is AWARD:
            return self.obj.programme.managed_by_id
        return self.obj.partnership.lead_organisation_id

    def manages(self, user) -> bool:
        """Whether `user` is a programme manager of this work (or an administrator)."""
        r = roles.of(user)
        if self.kind is AWARD:
            return r.manages_programme(self.obj.programme)
        return r.manages_partnership(self.obj.partnership)

    def is_owned_by(self, user) -> bool:
        """Whether `user` is a partner of the organisation that reports on this work."""
        return roles.of(user).is_partner_of(self.owner_id)

    def lookup(self, path: str = "") -> dict[str, Any]:
        """Keyword arguments selecting holders of this work: {"award": award}."""
        return {self.kind.lookup(path): self.obj}

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for a service taking `award=` or `project=`."""
        return {self.kind.name: self.obj}

    @property
    def reports_through_award(self) -> bool:
        """A project funded by a committed award reports on the award's schedule, not its own."""
        if self.kind is AWARD:
            return False
        return self.obj.awards.filter(state__in=Award.COMMITTED_STATES).exists()

    @property
    def own_frequency(self) -> str | None:
        """The reporting frequency the work itself records (an award's), or None."""
        return getattr(self.obj, self.kind.frequency_field) if self.kind.frequency_field else None

    def budget_categories(self) -> QuerySet:
        """The budget lines an update on this work reports its spend against (grants/money): an award's
        programme's; none for a project, which has no budget of its own."""
        if self.kind is AWARD:
            return self.obj.programme.budget_categories.all()
        return BudgetCategory.objects.none()

    def indicator_sources(self) -> list[Q]:
        """Where its indicators come from, in order of preference: an award's own, else its project's;
        a project's awards' (when funded and they have some), else its own."""
        if self.kind is AWARD:
            sources = [Q(award=self.obj)]
            if self.obj.project_id:
                sources.append(Q(project_id=self.obj.project_id))
            return sources
        return [Q(award__project=self.obj), Q(project=self.obj)]


def holder_constraint(prefix: str) -> CheckConstraint:
    """A holder (an update, an indicator, a schedule, an evaluation) is about exactly one award or project."""
    return CheckConstraint(
        condition=(Q(project__isnull=False, award__isnull=True) | Q(project__isnull=True, award__isnull=False)),
        name=f"{prefix}_for_project_or_award",
    )
