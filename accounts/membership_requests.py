"""Membership requests from single sign-on: who may see and decide them, and the decision itself.

Which organisations a manager answers for is decided in the layer that knows partnerships; it registers
`confirmable_organisations(user) -> queryset of organisation ids` (partnerships/apps.py). Administrators
answer for every organisation.
"""

from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from . import roles
from .audit import record_permission_change
from .models import MembershipRequest, OrganisationMembership

_scope: list[Callable] = []


def register_scope(confirmable_organisations: Callable) -> None:
    _scope[:] = [confirmable_organisations]


def pending_for(*, user):
    pending = MembershipRequest.objects.filter(state=MembershipRequest.State.PENDING).select_related(
        "user", "organisation"
    )
    r = roles.of(user)
    if r.is_admin:
        return pending
    if not r.is_manager or not _scope:
        return pending.none()
    return pending.filter(organisation__in=_scope[0](user=user))


@transaction.atomic
def request_confirm(*, request_: MembershipRequest, role: str, actor, request=None) -> OrganisationMembership:
    if role == OrganisationMembership.Role.ADMINISTRATOR and not roles.of(actor).is_admin:
        raise PermissionError("Only administrators make administrators.")
    membership, _ = OrganisationMembership.objects.get_or_create(
        user=request_.user, organisation=request_.organisation, role=role
    )
    MembershipRequest.objects.filter(pk=request_.pk).update(
        state=MembershipRequest.State.CONFIRMED, decided_by=actor, decided_at=timezone.now()
    )
    roles.forget(request_.user)
    record_permission_change(
        actor=actor,
        subject_user=request_.user,
        detail=f"{membership.get_role_display()} role in {request_.organisation} granted (single sign-on request)",
        request=request,
    )
    return membership


@transaction.atomic
def request_decline(*, request_: MembershipRequest, actor, request=None) -> None:
    MembershipRequest.objects.filter(pk=request_.pk).update(
        state=MembershipRequest.State.DECLINED, decided_by=actor, decided_at=timezone.now()
    )
    record_permission_change(
        actor=actor,
        subject_user=request_.user,
        detail=f"Membership of {request_.organisation} declined (single sign-on request)",
        request=request,
    )
