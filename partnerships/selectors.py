"""Reads of partnerships and projects, already scoped to what a person may see.

Each `*_scope(user, prefix)` returns a Q that other layers reuse with a lookup prefix
(`award_scope(user, "award__")`), so one rule decides visibility for pages, API and reports.
"""

from typing import Literal

from django.db.models import Count, Q, QuerySet, Sum

from accounts import roles

from .models import LocalAuthority, Organisation, Partnership, PartnershipMember, Project, ProjectPartner

NOTHING = Q(pk__in=[])


def _p(prefix: str, **lookups) -> Q:
    return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})


def partnership_scope(user, prefix: str = "") -> Q | None:
    """None means everything (an administrator)."""
    r = roles.of(user)
    if r.is_admin:
        return None
    if not r.all_orgs:
        return NOTHING
    member_of = Partnership.objects.filter(
        Q(lead_organisation_id__in=r.manager_orgs)
        | Q(members__organisation_id__in=r.all_orgs)
        | Q(programmes__funder_id__in=r.funder_orgs)
    ).values("pk")
    return Q(**{f"{prefix or 'pk__'}in": member_of})


def project_scope(user, prefix: str = "") -> Q | None:
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        q |= _p(prefix, partnership__lead_organisation_id__in=r.manager_orgs)
    if r.partner_orgs:
        partnering = ProjectPartner.objects.filter(organisation_id__in=r.partner_orgs).values("project_id")
        q |= _p(prefix, lead_organisation_id__in=r.partner_orgs)
        # Partners of a project see it once it is proposed; a draft (and a draft withdrawn before it was
        # ever proposed) belongs to its lead alone.
        q |= _p(prefix, pk__in=partnering) & ~_p(prefix, state=Project.State.DRAFT) & ~never_proposed(prefix)
    if r.funder_orgs:
        funded = Project.objects.filter(awards__programme__funder_id__in=r.funder_orgs).values("pk")
        q |= _p(prefix, pk__in=funded) & ~_p(prefix, state=Project.State.DRAFT) & ~never_proposed(prefix)
    return q


def project_tally_scope(user) -> Q | None | Literal[False]:
    """`project_scope` said in terms of a partnership, for reading reporting's project tallies; False when
    the person's scope cannot be (partners and funders see projects one by one, not by partnership)."""
    r = roles.of(user)
    if r.is_admin:
        return None
    if r.partner_orgs or r.funder_orgs:
        return False
    return Q(partnership__lead_organisation_id__in=r.manager_orgs) if r.manager_orgs else NOTHING


def never_proposed(prefix: str = "") -> Q:
    """A project withdrawn while still a draft (its transition log says so: draft -> withdrawn)."""
    from django.contrib.contenttypes.models import ContentType

    from workflow.models import TransitionLog

    withdrawn_drafts = TransitionLog.objects.filter(
        content_type=ContentType.objects.get_for_model(Project),
        source=Project.State.DRAFT,
        target=Project.State.WITHDRAWN,
    ).values("object_id")
    return _p(prefix, state=Project.State.WITHDRAWN, pk__in=withdrawn_drafts)


def scoped(qs: QuerySet, scope: Q | None) -> QuerySet:
    return qs if scope is None else qs.filter(scope)


def organisation_list(*, user, search: str = "") -> QuerySet:
    """The organisation directory: names and identifiers are public information to signed-in users.
    Trusts carry their school count and pupils, for their size band, in the same query."""
    qs = Organisation.objects.select_related("local_authority__sub_region", "trust").annotate(
        school_count=Count("schools"), school_pupils=Sum("schools__pupil_count")
    )
    if search:
        qs = qs.filter(Q(name__icontains=search) | Q(identifier__icontains=search))
    return qs if roles.of(user) is not roles.ANONYMOUS else qs.none()


def partnership_list(*, user) -> QuerySet:
    return scoped(Partnership.objects.select_related("region", "lead_organisation"), partnership_scope(user))


def project_list(*, user, include_archived: bool = False) -> QuerySet:
    """Projects the person may see; archived ones only when asked for (they are kept, never deleted)."""
    qs = scoped(
        Project.objects.select_related("partnership", "lead_organisation__local_authority__sub_region"),
        project_scope(user),
    )
    return qs if include_archived else qs.filter(archived_at__isnull=True)


def local_authority_list() -> QuerySet:
    return LocalAuthority.objects.select_related("sub_region", "region")


def proposing_organisation_list(*, user) -> QuerySet:
    """Organisations a person may propose a project or apply for an award for: their own as a partner;
    any organisation for a programme manager (who may enter a proposal on a school's behalf)."""
    r = roles.of(user)
    if r.is_manager:
        return organisation_list(user=user)
    return Organisation.objects.filter(pk__in=r.partner_orgs).select_related("local_authority__sub_region")


def managed_organisation_list(*, user) -> QuerySet:
    """Organisations whose programmes and partnerships the person manages."""
    r = roles.of(user)
    if r.is_admin:
        return Organisation.objects.all()
    return Organisation.objects.filter(pk__in=r.manager_orgs)


def partnership_member_list(*, user) -> QuerySet:
    return scoped(
        PartnershipMember.objects.select_related("organisation__local_authority"),
        partnership_scope(user, "partnership__"),
    )


def project_partner_list(*, user) -> QuerySet:
    return scoped(
        ProjectPartner.objects.select_related("organisation__local_authority"), project_scope(user, "project__")
    )


def region_list() -> QuerySet:
    from .models import Region

    return Region.objects.all()
