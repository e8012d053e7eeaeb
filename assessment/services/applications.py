"""Applications: starting one, who may edit it, saving its sections, sending it, the first stage's outcome."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from grants import services as grant_services
from grants.models import Award
from partnerships.models import Organisation
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import lock, log_money_change, log_transition, set_fields

from ..models import Application, Call
from ..rules import checklist, closed_refusal, eligibility_refusal
from .common import _require_manager

SECTION_FIELDS = ("project_summary", "outcomes", "match_funding", "budget_summary")
AWARD_FIELDS = ("title", "amount_requested", "planned_start", "planned_end")


def application_start(
    *, call: Call, actor: User, organisation: Organisation, title: str, amount_requested: Decimal
) -> Application:
    """Start an application (an award in draft) for `organisation` to an open call it is eligible for."""
    from ..selectors import call_list

    if not call_list(user=actor).filter(pk=call.pk).exists():
        raise PermissionRefused(f"This call is open to the members of {call.programme.partnership or call.programme}.")
    refusal = closed_refusal(call)
    if refusal:
        raise TransitionRefused(refusal)
    reason = eligibility_refusal(call, organisation)
    if reason:
        raise TransitionRefused(reason)
    with transaction.atomic():
        award = grant_services.award_create(
            actor=actor,
            programme=call.programme,
            recipient=organisation,
            title=title,
            amount_requested=Decimal(amount_requested),
            partnership=call.programme.partnership,
        )
        stage = Application.Stage.EOI if call.stages == Call.Stages.TWO else Application.Stage.FULL
        application = Application.objects.create(award=award, call=call, stage=stage, created_by=actor)
        log_transition(
            award, name="start_application", source=award.state, actor=actor, note=f"Applied to {call.title}"
        )
        return application


def application_edit_refusal(application: Application, actor: User) -> TransitionRefused | None:
    """Why `actor` may not change the application now, or None. The people of the lead and of every
    co-applicant organisation may, and the programme's managers, while it is a draft."""
    r = roles.of(actor)
    entries = list(application.organisations.all())
    team = {application.award.recipient_id} | {o.organisation_id for o in entries if o.is_team}
    if not (r.manages_programme(application.call.programme) or team & r.partner_orgs):
        invited = [o for o in entries if o.is_pending and r.is_partner_of(o.organisation_id)]
        if invited:
            return PermissionRefused(
                f"{invited[0].organisation} is invited to apply as a co-applicant: "
                "accept the invitation before you edit the application."
            )
        return PermissionRefused(
            "Only the applying organisations and the programme's managers can change this application."
        )
    if application.award.state != Award.State.DRAFT:
        return TransitionRefused(
            f"This application is {application.award.get_state_display().lower()}: it can no longer be changed."
        )
    if application.stage == Application.Stage.EOI and application.eoi_outcome:
        return TransitionRefused(
            f"The expression of interest is {application.get_eoi_outcome_display().lower()}: "
            "it can no longer be changed."
        )
    return None


def application_update(*, application: Application, actor: User, **fields) -> Application:
    """Save what the team typed (sections, and the award's title, amount and dates)."""
    unknown = set(fields) - set(SECTION_FIELDS) - set(AWARD_FIELDS)
    if unknown:
        raise TypeError(f"These details cannot be changed here: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        award = lock(Award, application.award_id)
        application = lock(Application, application.pk)
        application.award = award
        refusal = application_edit_refusal(application, actor)
        if refusal is not None:
            raise refusal
        set_fields(application, {k: v for k, v in fields.items() if k in SECTION_FIELDS}, SECTION_FIELDS)
        application.full_clean()
        application.save()
        old_amount = award.amount_requested
        set_fields(award, {k: v for k, v in fields.items() if k in AWARD_FIELDS}, AWARD_FIELDS)
        award.full_clean(exclude=["state"])
        award.save()
        log_money_change(award, field="amount_requested", old=old_amount, new=award.amount_requested, actor=actor)
        return application


def application_submit(*, application: Application, actor: User) -> Application:
    """Send the application: an expression of interest (first stage of two) or the full application,
    which is the award's own Submit step (the closing time and the checklist are its conditions)."""
    application = Application.objects.select_related("call", "award__recipient").get(pk=application.pk)
    if application.stage == Application.Stage.FULL:
        # Asked first so the applicant reads the call's words (the award's own conditions ask them again).
        closed = closed_refusal(application.call, application)
        if closed:
            raise TransitionRefused(closed)
        missing = checklist(application)
        if missing:
            raise TransitionRefused("The application is not ready to submit: " + " ".join(missing))
        grant_services.award_transition(award=application.award, name="submit", actor=actor)
        return Application.objects.get(pk=application.pk)
    with transaction.atomic():
        award = lock(Award, application.award_id)
        application = lock(Application, application.pk)
        application.award = award
        refusal = application_edit_refusal(application, actor) or (
            None
            if roles.of(actor).is_partner_of(award.recipient_id)
            else PermissionRefused("Only the lead applicant can send the expression of interest.")
        )
        if refusal is not None:
            raise refusal
        closed = closed_refusal(application.call, application)
        if closed:
            raise TransitionRefused(closed)
        missing = checklist(application)
        if missing:
            raise TransitionRefused("The expression of interest is not ready to send: " + " ".join(missing))
        application.eoi_outcome = Application.EoiOutcome.SUBMITTED
        application.save(update_fields=["eoi_outcome", "updated_at"])
        log_transition(
            award, name="submit_interest", source=award.state, actor=actor, note="Expression of interest sent"
        )
        return application


def interest_decide(*, application: Application, actor: User, invite: bool, note: str = "") -> Application:
    """The first stage's outcome: invite a full application, or not (the draft award is then withdrawn)."""
    _require_manager(application.call.programme, actor, "decide on expressions of interest")
    if not invite and not note.strip():
        raise ValidationError({"note": "Please give the reason the applicant will read."})
    with transaction.atomic():
        application = lock(Application, application.pk)
        if application.eoi_outcome != Application.EoiOutcome.SUBMITTED:
            raise TransitionRefused("Only an expression of interest that was sent and not yet decided can be decided.")
        award = lock(Award, application.award_id)
        if invite:
            application.eoi_outcome = Application.EoiOutcome.INVITED
            application.stage = Application.Stage.FULL
            log_transition(award, name="invite_full_application", source=award.state, actor=actor, note=note)
        else:
            application.eoi_outcome = Application.EoiOutcome.NOT_INVITED
            application.feedback, application.feedback_shared = note, True
            grant_services.award_transition(award=award, name="withdraw", actor=actor, note=note)
        application.save()
        return application
