"""Choosing what a report covers: every lookup goes through a selector scoped to the reader, so a report
shows what its reader may see and nothing else (and a subject they may not see is ReportNotFound)."""

from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify

from accounts import roles
from grants.models import Award
from grants.money.cofunding.selectors import co_funded, funder_share
from grants.selectors import award_list
from partnerships.models import Organisation
from partnerships.selectors import partnership_list, project_list

from .gather import gather
from .items import NOT_RECORDED, partnership_of
from .period import Period
from .store import Report, fingerprint

KINDS = ("award", "project", "partnership", "portfolio")


class ReportNotFound(LookupError):
    """The subject does not exist or the reader may not see it (pages and API answer 404 alike)."""


# Archived work is finished work: it keeps its place in the reports that account for the money.
def _projects(user):
    return project_list(user=user, include_archived=True)


def _awards(user):
    return award_list(user=user, include_archived=True).select_related(
        "project__partnership", "programme__partnership", "recipient__local_authority__sub_region"
    )


def _one(qs, **lookup):
    try:
        return qs.get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as missing:
        raise ReportNotFound(f"No {qs.model._meta.verbose_name} you can see matches {lookup}.") from missing


def award_report(*, user, pk=None, identifier: str | None = None, period: Period | None = None) -> Report:
    award = _one(_awards(user), **({"pk": pk} if pk is not None else {"identifier": identifier}))
    projects = _projects(user).filter(pk=award.project_id)
    data = gather(user, [award], projects, period)
    funder = award.programme.funder
    data.update(
        kind="award",
        title=award.title,
        subject={"identifier": award.identifier, "recipient": award.recipient.name},
        funders=[funder.name, *sorted({s["funder"] for s in data["shares"]} - {funder.name})],
        partnerships=[p for p in [partnership_of(award)] if p],
    )
    return _report("award", data, award.identifier)


def project_report(*, user, pk=None, reference: str | None = None, period: Period | None = None) -> Report:
    qs = _projects(user)
    if pk is None and reference is not None and not str(reference).isdigit():
        project = _one(qs, reference=reference)
    else:
        project = _one(qs, pk=pk if pk is not None else reference)
    awards = list(_awards(user).filter(project=project))
    data = gather(user, awards, _projects(user).filter(pk=project.pk), period)
    data.update(
        kind="project",
        title=project.title,
        subject={"reference": project.reference, "lead": project.lead_organisation.name},
        funders=sorted({a.programme.funder.name for a in awards}),
        partnerships=[project.partnership.name],
    )
    return _report("project", data, project.reference)


def partnership_report(*, user, pk, period: Period | None = None) -> Report:
    partnership = _one(partnership_list(user=user), pk=pk)
    in_partnership = Q(partnership=partnership) | Q(project__partnership=partnership)
    in_partnership |= Q(partnership__isnull=True, project__isnull=True, programme__partnership=partnership)
    awards = list(_awards(user).filter(in_partnership))
    projects = _projects(user).filter(Q(partnership=partnership) | Q(awards__in=[a.pk for a in awards]))
    data = gather(user, awards, projects.distinct(), period)
    data.update(
        kind="partnership",
        title=partnership.name,
        subject={"lead": partnership.lead_organisation.name, "aims": partnership.aims},
        funders=sorted({a.programme.funder.name for a in awards}),
        partnerships=[partnership.name],
    )
    return _report("partnership", data, partnership.name)


def portfolio_funder(*, user, pk=None, identifier: str | None = None) -> Organisation:
    """The funder whose portfolio `user` may read: a member of the funder, an administrator, or a
    programme manager of a programme it funds (who then sees only the programmes they manage)."""
    lookup = {"pk": pk} if pk is not None else {"identifier": identifier}
    r = roles.of(user)
    try:
        funder = Organisation.objects.get(**lookup)
    except (Organisation.DoesNotExist, ValueError, TypeError) as missing:
        raise ReportNotFound("No such funder.") from missing
    if r.is_admin or funder.pk in r.funder_orgs:
        return funder
    if r.manager_orgs and funder.funded_programmes.filter(managed_by_id__in=r.manager_orgs).exists():
        return funder
    raise ReportNotFound("You cannot see this funder's portfolio.")


def portfolio_funders(*, user):
    """The funders whose portfolio `user` may read (see portfolio_funder)."""
    r = roles.of(user)
    qs = Organisation.objects.filter(funded_programmes__isnull=False)
    if not r.is_admin:
        qs = qs.filter(Q(pk__in=r.funder_orgs) | Q(funded_programmes__managed_by_id__in=r.manager_orgs))
    return qs.distinct().order_by("name")


def report_choices(*, user, limit: int = 200) -> dict:
    """What the reports page offers `user`: every subject here is one they may download."""
    return {
        "portfolios": list(portfolio_funders(user=user)),
        "partnerships": list(partnership_list(user=user).order_by("name")[:limit]),
        "projects": list(_projects(user).order_by("reference")[:limit]),
        "awards": list(_awards(user).order_by("identifier")[:limit]),
    }


def portfolio_report(*, user, pk=None, identifier: str | None = None, period: Period | None = None) -> Report:
    funder = portfolio_funder(user=user, pk=pk, identifier=identifier)
    r = roles.of(user)
    # Its programmes' awards and the awards they co-fund (grants/money/cofunding/).
    # Only awards: live and finished ones (approved to closed); applications, drafts, declined and withdrawn
    # requests are not money the funder has given.
    qs = _awards(user).filter(Q(programme__funder=funder) | co_funded(programme__funder=funder))
    qs = qs.filter(state__in=Award.COMMITTED_STATES)
    if not (r.is_admin or funder.pk in r.funder_orgs):
        qs = qs.filter(programme__managed_by_id__in=r.manager_orgs)
    awards = list(qs)
    projects = _projects(user).filter(pk__in=[a.project_id for a in awards if a.project_id])
    data = gather(user, awards, projects, period)
    data["funder_share"] = funder_share(funder_id=funder.pk, awards=awards, shares=data["shares"])
    data.update(
        kind="portfolio",
        title=f"{funder.name}: portfolio",
        subject={"funder": funder.name, "identifier": funder.identifier},
        funders=[funder.name],
        partnerships=sorted({g["name"] for g in data["by_partnership"] if g["name"] != NOT_RECORDED}),
    )
    return _report("portfolio", data, f"portfolio-{funder.identifier}")


def report_for(*, kind: str, user, pk, period: Period | None = None) -> Report:
    """The report of `kind` for object `pk` as `user` may see it, over `period` (None: the whole life of the
    work); ReportNotFound otherwise."""
    builders = {
        "award": award_report,
        "project": project_report,
        "partnership": partnership_report,
        "portfolio": portfolio_report,
    }
    if kind not in builders:
        raise ReportNotFound(f"There is no {kind} report.")
    return builders[kind](user=user, pk=pk, period=period)


def _report(kind: str, data: dict, name: str) -> Report:
    """The period is in the data (gather puts it there), so it is in the fingerprint and the stored file's
    name: two periods never share a file."""
    data["prepared_on"] = timezone.localdate()
    name = slugify(name) if kind in ("partnership",) else _safe(name)
    if data["period"]:
        name += f"-{data['period']['start']:%Y-%m-%d}-to-{data['period']['end']:%Y-%m-%d}"
    filename = f"impact-report-{name}-{data['prepared_on']}.pdf"
    return Report(kind=kind, data=data, fingerprint=fingerprint(data), filename=filename)


def _safe(name: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in name).strip("-")


def system_reader():
    """The reader a management command acts as: sees everything, like an administrator."""
    reader = get_user_model()(username="impact_report", is_superuser=True)
    setattr(reader, roles._CACHE_ATTR, roles.Roles(is_admin=True))
    return reader
