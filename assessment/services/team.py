"""The organisations in a bid beside the lead: schools taking part, and co-applicants the lead invites,
whose people edit the application only once one of them has accepted. Each step is logged on the award."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from grants.models import Award
from partnerships.models import Organisation
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import lock, log_transition

from ..models import Application, ApplicationOrganisation
from .applications import application_edit_refusal

Invitation = ApplicationOrganisation.Invitation


def application_add_organisation(
    *,
    application: Application,
    actor: User,
    organisation: Organisation,
    role: str,
    gives_support: bool = False,
    receives_support: bool = False,
) -> ApplicationOrganisation:
    """Invite a co-applicant (the lead organisation's people only; it answers before it can edit) or name
    a school taking part. An organisation that declined may be invited again."""
    with transaction.atomic():
        application = lock(Application, application.pk)
        refusal = application_edit_refusal(application, actor)
        if refusal is not None:
            raise refusal
        r = roles.of(actor)
        inviting = role == ApplicationOrganisation.Role.CO_APPLICANT
        if inviting and not (
            r.is_partner_of(application.award.recipient_id) or r.manages_programme(application.call.programme)
        ):
            raise PermissionRefused("Only the lead applicant can invite co-applicants.")
        if organisation.pk == application.award.recipient_id:
            raise ValidationError({"organisation": f"{organisation} is already the lead applicant."})
        if organisation.kind == Organisation.Kind.FUNDER:
            raise ValidationError(
                {"organisation": f"{organisation} is a funder: a bid names the schools and partners doing the work."}
            )
        if role == ApplicationOrganisation.Role.SCHOOL and not (gives_support or receives_support):
            raise ValidationError({"gives_support": "Say whether the school gives support, receives it, or both."})
        entry = application.organisations.filter(organisation=organisation).first()
        if entry is not None and not (inviting and entry.invitation == Invitation.DECLINED):
            raise ValidationError({"organisation": f"{organisation} is already in this bid."})
        entry = entry or ApplicationOrganisation(application=application, organisation=organisation)
        entry.role, entry.added_by = role, actor
        entry.gives_support, entry.receives_support = gives_support, receives_support
        entry.invitation = Invitation.PENDING if inviting else Invitation.NONE
        entry.answered_by, entry.answered_at = None, None
        entry.full_clean()
        entry.save()
        award = application.award
        what = "Invited as a co-applicant" if inviting else "Named as a school taking part"
        name = "invite_co_applicant" if inviting else "add_school"
        log_transition(award, name=name, source=award.state, actor=actor, note=f"{what}: {organisation}")
        return entry


def invitation_answer_refusal(entry: ApplicationOrganisation, actor: User) -> TransitionRefused | None:
    """Why `actor` may not answer the invitation now, or None (the page offers the answer on None)."""
    if entry.role != ApplicationOrganisation.Role.CO_APPLICANT or entry.invitation != Invitation.PENDING:
        return TransitionRefused(f"There is no invitation waiting for {entry.organisation}'s answer.")
    if not roles.of(actor).is_partner_of(entry.organisation_id):
        return PermissionRefused(f"Only the people of {entry.organisation} can answer its invitation.")
    award = entry.application.award
    if award.state != Award.State.DRAFT:
        return TransitionRefused(
            f"This application is {award.get_state_display().lower()}: the invitation can no longer be answered."
        )
    return None


def invitation_answer(*, entry: ApplicationOrganisation, actor: User, accept: bool) -> ApplicationOrganisation:
    """The invited organisation's answer: accepting puts its people in the team that writes the application;
    declining takes it out of the bid (the lead reads the answer; it can be invited again)."""
    with transaction.atomic():
        lock(Application, entry.application_id)
        entry = lock(ApplicationOrganisation, entry.pk)
        refusal = invitation_answer_refusal(entry, actor)
        if refusal is not None:
            raise refusal
        entry.invitation = Invitation.ACCEPTED if accept else Invitation.DECLINED
        entry.answered_by, entry.answered_at = actor, clock.now()
        entry.save(update_fields=["invitation", "answered_by", "answered_at"])
        award = entry.application.award
        verb = "accepted" if accept else "declined"
        log_transition(
            award,
            name=f"co_applicant_{verb}",
            source=award.state,
            actor=actor,
            note=f"{entry.organisation} {verb} the invitation to apply as a co-applicant",
        )
        return entry


def application_remove_organisation(*, entry: ApplicationOrganisation, actor: User) -> None:
    with transaction.atomic():
        application = lock(Application, entry.application_id)
        refusal = application_edit_refusal(application, actor)
        if refusal is not None:
            raise refusal
        award = application.award
        log_transition(
            award, name="remove_from_bid", source=award.state, actor=actor, note=f"{entry.organisation} removed"
        )
        entry.delete()
