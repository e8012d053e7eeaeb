"""What a person is, organisation by organisation: the base of every object-level permission.

Computed once per user object (one query) and cached on it, so permission checks in a
list of fifty rows do not cost fifty queries.
"""

from dataclasses import dataclass, field

from .models import OrganisationMembership

_CACHE_ATTR = "_exchange_roles"


@dataclass(frozen=True)
class Roles:
    is_admin: bool = False
    manager_orgs: frozenset[int] = field(default_factory=frozenset)
    funder_orgs: frozenset[int] = field(default_factory=frozenset)
    partner_orgs: frozenset[int] = field(default_factory=frozenset)

    @property
    def all_orgs(self) -> frozenset[int]:
        return self.manager_orgs | self.funder_orgs | self.partner_orgs

    @property
    def is_manager(self) -> bool:
        return self.is_admin or bool(self.manager_orgs)

    @property
    def is_funder(self) -> bool:
        return bool(self.funder_orgs)

    @property
    def is_partner(self) -> bool:
        return bool(self.partner_orgs)

    def manages_partnership(self, partnership) -> bool:
        return self.is_admin or partnership.lead_organisation_id in self.manager_orgs

    def manages_programme(self, programme) -> bool:
        return self.is_admin or programme.managed_by_id in self.manager_orgs

    def is_partner_of(self, organisation_id) -> bool:
        return organisation_id in self.partner_orgs

    def funds_programme(self, programme) -> bool:
        return programme.funder_id in self.funder_orgs


ANONYMOUS = Roles()


def of(user) -> Roles:
    if user is None or not getattr(user, "is_authenticated", False):
        return ANONYMOUS
    cached = getattr(user, _CACHE_ATTR, None)
    if cached is not None:
        return cached
    buckets: dict[str, set[int]] = {role: set() for role in OrganisationMembership.Role.values}
    for org_id, role in OrganisationMembership.objects.filter(user=user).values_list("organisation_id", "role"):
        buckets[role].add(org_id)
    Role = OrganisationMembership.Role
    result = Roles(
        is_admin=bool(user.is_superuser or buckets[Role.ADMINISTRATOR]),
        manager_orgs=frozenset(buckets[Role.MANAGER]),
        funder_orgs=frozenset(buckets[Role.FUNDER]),
        partner_orgs=frozenset(buckets[Role.PARTNER]),
    )
    setattr(user, _CACHE_ATTR, result)
    return result


def forget(user) -> None:
    """Drop the cached roles after a membership changes."""
    if hasattr(user, _CACHE_ATTR):
        delattr(user, _CACHE_ATTR)
