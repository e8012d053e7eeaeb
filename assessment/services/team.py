"""The organisations in a bid beside the lead: co-applicants and schools taking part."""

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from partnerships.models import Organisation
from workflow.errors import PermissionRefused
from workflow.services import lock

from ..models import Application, ApplicationOrganisation
from .applications import application_edit_refusal


def application_add_organisation(
    *,
    application: Application,
    actor: User,
    organisation: Organisation,
    role: str,
    gives_support: bool = False,
    receives_support: bool = False,
) -> ApplicationOrganisation:
    """Invite a co-applicant (the lead organisation's people only) or name a school taking part."""
    with transaction.atomic():
        application = lock(Application, application.pk)
        refusal = application_edit_refusal(application, actor)
        if refusal is not None:
            raise refusal
        r = roles.of(actor)
        if role == ApplicationOrganisation.Role.CO_APPLICANT and not (
            r.is_partner_of(application.award.recipient_id) or r.manages_programme(application.call.programme)
        ):
            raise PermissionRefused("Only the lead applicant can invite co-applicants.")
        if organisation.pk == application.award.recipient_id:
            raise ValidationError({"organisation": f"{organisation} is already the lead applicant."})
        if application.organisations.filter(organisation=organisation).exists():
            raise ValidationError({"organisation": f"{organisation} is already in this bid."})
        if role == ApplicationOrganisation.Role.SCHOOL and not (gives_support or receives_support):
            raise ValidationError({"gives_support": "Say whether the school gives support, receives it, or both."})
        entry = ApplicationOrganisation(
            application=application,
            organisation=organisation,
            role=role,
            gives_support=gives_support,
            receives_support=receives_support,
            added_by=actor,
        )
        entry.full_clean()
        entry.save()
        return entry


def application_remove_organisation(*, entry: ApplicationOrganisation, actor: User) -> None:
    with transaction.atomic():
        application = lock(Application, entry.application_id)
        refusal = application_edit_refusal(application, actor)
        if refusal is not None:
            raise refusal
        entry.delete()
