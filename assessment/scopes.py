"""The one rule for who may see what of an assessment. Every door — the pages, the API, the CSV export,
the PDF summary and the admin — reads through these functions, so a conflicted assessor is kept out
everywhere at once.

- A conflict is either recorded (the assessor declared it, or Exchange found it when they were
  assigned) or *live*: the person belongs to an organisation in the bid (the applicant, a co-applicant, a
  school taking part, a partner in the project it funds), or to the same trust as one of them. The live
  test runs in the query itself, so a membership added after the assignment counts at once.
- A conflicted person never sees the scores of that application, whatever else they are (a programme
  manager included), and as an assessor cannot open it.
"""

from django.contrib.auth.models import AnonymousUser, User
from django.db.models import Q, QuerySet

from accounts import roles
from accounts.models import OrganisationMembership
from partnerships.models import Organisation, ProjectPartner
from partnerships.selectors import NOTHING

from .models import Application, ApplicationOrganisation, Assignment, Conflict

_FAMILY_ATTR = "_exchange_bid_family"
DECLINED = ApplicationOrganisation.Invitation.DECLINED
OPENED = (Assignment.State.OPEN, Assignment.State.SUBMITTED)


def bid_family(user: User | AnonymousUser | None) -> frozenset[int]:
    """The organisations a person is tied to: their own (any role) and the trusts those belong to.
    One query, cached on the user object like accounts.roles."""
    if user is None or not user.is_authenticated:
        return frozenset()
    cached = getattr(user, _FAMILY_ATTR, None)
    if cached is not None:
        return cached
    rows = OrganisationMembership.objects.filter(user=user).values_list("organisation_id", "organisation__trust_id")
    family = frozenset(org for row in rows for org in row if org is not None)
    setattr(user, _FAMILY_ATTR, family)
    return family


def _tied(family: frozenset[int], prefix: str) -> Q:
    return Q(**{f"{prefix}id__in": family}) | Q(**{f"{prefix}trust_id__in": family})


def conflicted_application_ids(user) -> QuerySet:
    """The ids of every application `user` has a conflict with (a subquery, never a list in Python)."""
    recorded = Conflict.objects.filter(assignment__assessor_id=getattr(user, "pk", None))
    q = Q(pk__in=recorded.values("assignment__application_id"))
    family = bid_family(user)
    if family:
        others = ApplicationOrganisation.objects.filter(_tied(family, "organisation__")).exclude(invitation=DECLINED)
        project_partners = ProjectPartner.objects.filter(_tied(family, "organisation__"))
        q |= (
            _tied(family, "award__recipient__")
            | Q(pk__in=others.values("application_id"))
            | Q(award__project_id__in=project_partners.values("project_id"))
        )
    return Application.objects.filter(q).values("pk")


def application_scope(user, prefix: str = "") -> Q | None:
    """Who may open an application (the bid itself): its programme's managers; the funder once it is
    submitted; the people of the lead and co-applicant organisations; and an assessor assigned to it who
    has declared no conflict and has none."""
    r = roles.of(user)
    if r.is_admin:
        return None

    def p(**lookups) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    q = NOTHING
    if r.manager_orgs:
        q |= p(call__programme__managed_by_id__in=r.manager_orgs)
    if r.funder_orgs:
        q |= p(call__programme__funder_id__in=r.funder_orgs) & ~p(award__state="draft")
    if r.partner_orgs:
        # Invited co-applicants read the bid before answering; one that declined is out of it.
        co_applying = ApplicationOrganisation.objects.filter(
            organisation_id__in=r.partner_orgs, role=ApplicationOrganisation.Role.CO_APPLICANT
        ).exclude(invitation=DECLINED)
        q |= p(award__recipient_id__in=r.partner_orgs) | p(pk__in=co_applying.values("application_id"))
    if user is not None and user.is_authenticated:
        assigned = Assignment.objects.filter(assessor=user, state__in=OPENED).values("application_id")
        q |= p(pk__in=assigned) & ~p(pk__in=conflicted_application_ids(user))
    return q


def assessment_scope(user, prefix: str = "") -> Q:
    """Which assignments' scores, comments and recommendations a person may read: their own (unless they
    stood aside) and, for a programme's managers, every one on its calls — never one on an application the
    person has a conflict with. Partners and funders see none (an applicant reads only shared feedback)."""
    r = roles.of(user)

    def p(**lookups) -> Q:
        return Q(**{f"{prefix}{key}": value for key, value in lookups.items()})

    q = p(assessor_id=getattr(user, "pk", None)) & ~p(state=Assignment.State.STOOD_ASIDE)
    if r.is_admin:
        q = Q()
    elif r.manager_orgs:
        q |= p(application__call__programme__managed_by_id__in=r.manager_orgs)
    return q & ~p(application_id__in=conflicted_application_ids(user))


def attachment_scope(user) -> Q | None:
    """Who may list and download an application's attached files: the applying team (lead and invited
    co-applicants); anyone else who may open the application, except a person with a conflict of interest
    with it (recorded or live, managers included: a stood-aside manager does not get the file either) and,
    on a blind call, an assessor (a letterhead would name the applicant)."""
    r = roles.of(user)
    if r.is_admin:
        return None
    co_applying = ApplicationOrganisation.objects.filter(
        organisation_id__in=r.partner_orgs, role=ApplicationOrganisation.Role.CO_APPLICANT
    ).exclude(invitation=DECLINED)
    team = Q(application__award__recipient_id__in=r.partner_orgs) | Q(
        application_id__in=co_applying.values("application_id")
    )
    opened = Application.objects.filter(application_scope(user) or Q()).values("pk")
    sees_who = Q(application__call__blind=False)
    if r.manager_orgs:
        sees_who |= Q(application__call__programme__managed_by_id__in=r.manager_orgs)
    if r.funder_orgs:
        sees_who |= Q(application__call__programme__funder_id__in=r.funder_orgs)
    others = Q(application_id__in=opened) & ~Q(application_id__in=conflicted_application_ids(user)) & sees_who
    return team | others


def conflict_scope(user) -> Q | None:
    """Who stood aside and why: the programme's managers and the person who stood aside."""
    r = roles.of(user)
    if r.is_admin:
        return None
    q = Q(assignment__assessor_id=getattr(user, "pk", None))
    if r.manager_orgs:
        q |= Q(assignment__application__call__programme__managed_by_id__in=r.manager_orgs)
    return q


def detected_conflict(user, application: Application) -> str | None:
    """Why Exchange finds `user` conflicted on `application`, in words, or None."""
    family = bid_family(user)
    if not family:
        return None
    award = application.award
    bid: list[tuple[Organisation, str]] = [(award.recipient, "the applicant")]
    for entry in application.organisations.select_related("organisation__trust").exclude(invitation=DECLINED):
        bid.append((entry.organisation, entry.get_role_display().lower()))
    if award.project_id:
        for partner in ProjectPartner.objects.filter(project_id=award.project_id).select_related("organisation"):
            bid.append((partner.organisation, "a partner in the project"))
    own = {m.organisation_id for m in OrganisationMembership.objects.filter(user=user)}
    for org, part in bid:
        if org.pk in own:
            return f"You belong to {org}, {part} in this bid."
        if org.pk in family or org.trust_id in family:
            return f"{org} ({part} in this bid) is in the same trust as your own organisation."
    return None


def shows_applicant(user, application: Application) -> bool:
    """Blind assessment: who is applying is hidden from assessors (not from managers or the applicants)."""
    if not application.call.blind:
        return True
    r = roles.of(user)
    if r.manages_programme(application.call.programme) or r.funds_programme(application.call.programme):
        return True
    return r.is_partner_of(application.award.recipient_id) or any(
        r.is_partner_of(entry.organisation_id) for entry in application.organisations.all()
    )
