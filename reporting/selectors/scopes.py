"""Who sees which reporting rows: the scopes every list in reporting is built on."""

from django.db.models import Q

from accounts import roles
from grants.models import Award
from grants.selectors import award_scope
from partnerships.models import Project
from partnerships.selectors import NOTHING, _p, project_scope

from ..models import ProgressUpdate


def award_or_project(user, prefix: str = "") -> Q | None:
    a, p = award_scope(user, f"{prefix}award__"), project_scope(user, f"{prefix}project__")
    if a is None or p is None:
        return None
    return (_p(prefix, award__isnull=False) & a) | (_p(prefix, project__isnull=False) & p)


def update_scope(user, prefix: str = "") -> Q | None:
    r = roles.of(user)
    if r.is_admin:
        return None
    q = NOTHING
    if r.manager_orgs:
        # Managers see an update once it is submitted; a draft is the partner's own until then.
        managed = _p(prefix, award__programme__managed_by_id__in=r.manager_orgs) | _p(
            prefix, project__partnership__lead_organisation_id__in=r.manager_orgs
        )
        q |= managed & ~_p(prefix, state=ProgressUpdate.State.DRAFT)
    if r.partner_orgs:
        # Their own awards' and projects' ids, few whatever the size: joining both tables instead
        # (an OR across two outer joins) reads every award and project there is.
        q |= _p(prefix, award_id__in=Award.objects.filter(recipient_id__in=r.partner_orgs).values("pk")) | _p(
            prefix, project_id__in=Project.objects.filter(lead_organisation_id__in=r.partner_orgs).values("pk")
        )
    if r.funder_orgs:
        # Funders read what the programme has accepted, not partners' drafts or work in review.
        q |= _p(prefix, award__programme__funder_id__in=r.funder_orgs) & _p(prefix, state=ProgressUpdate.State.ACCEPTED)
    return q
