"""Every write on calls, applications, assessments and panel decisions.

State changes go through workflow.apply_transition (an assignment's declaration, submission and
reopening) or through grants' own award services (submitting, assessing, approving, declining an award),
so the transition log, the money log and the budget guard are the ones every other door uses."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from accounts import roles
from grants import services as grant_services
from grants.models import Award, FundingProgramme
from partnerships.models import Organisation
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import apply_transition, lock, log_money_change, log_transition, set_fields

from .models import Application, ApplicationOrganisation, Assignment, Call, Conflict, Criterion, Score
from .rules import checklist, closed_refusal, eligibility_refusal
from .scopes import detected_conflict

CALL_FIELDS = (
    "title",
    "opens_at",
    "closes_at",
    "guidance",
    "eligible_kinds",
    "eligible_size_bands",
    "max_amount",
    "stages",
    "full_closes_at",
    "blind",
    "disagreement_points",
)
SECTION_FIELDS = ("project_summary", "outcomes", "match_funding", "budget_summary")
AWARD_FIELDS = ("title", "amount_requested", "planned_start", "planned_end")


def _require_manager(programme: FundingProgramme, actor: User, what: str) -> None:
    if not roles.of(actor).manages_programme(programme):
        raise PermissionRefused(f"Only the programme managers of {programme} can {what}.")


# Calls -----------------------------------------------------------------------------------------


def call_create(*, actor: User, programme: FundingProgramme, sub_regions=(), local_authorities=(), **fields) -> Call:
    _require_manager(programme, actor, "open a call")
    with transaction.atomic():
        call = Call(programme=programme, created_by=actor)
        set_fields(call, fields, CALL_FIELDS)
        _check_call(call)
        call.full_clean()
        call.save()
        call.eligible_sub_regions.set(sub_regions)
        call.eligible_local_authorities.set(local_authorities)
        return call


def call_update(*, call: Call, actor: User, sub_regions=None, local_authorities=None, **fields) -> Call:
    with transaction.atomic():
        call = lock(Call, call.pk)
        _require_manager(call.programme, actor, "change the call")
        set_fields(call, fields, CALL_FIELDS)
        _check_call(call)
        call.full_clean()
        call.save()
        if sub_regions is not None:
            call.eligible_sub_regions.set(sub_regions)
        if local_authorities is not None:
            call.eligible_local_authorities.set(local_authorities)
        return call


def _check_call(call: Call) -> None:
    if call.opens_at and call.closes_at and call.closes_at <= call.opens_at:
        raise ValidationError({"closes_at": "The call must close after it opens."})
    if call.stages == Call.Stages.TWO and not call.full_closes_at:
        raise ValidationError({"full_closes_at": "A two-stage call needs a closing time for full applications."})
    if call.stages == Call.Stages.ONE:
        call.full_closes_at = None
    elif call.full_closes_at and call.closes_at and call.full_closes_at <= call.closes_at:
        raise ValidationError({"full_closes_at": "Full applications must close after expressions of interest."})


def criterion_add(*, call: Call, actor: User, **fields) -> Criterion:
    _require_manager(call.programme, actor, "set the criteria")
    with transaction.atomic():
        call = lock(Call, call.pk)
        if Score.objects.filter(criterion__call=call).exists():
            raise TransitionRefused("Assessors have started scoring this call: its criteria can no longer change.")
        position = call.criteria.count() + 1
        criterion = Criterion(call=call, position=position)
        set_fields(criterion, fields, ("title", "guidance", "weight", "scale_max", "score_guidance"))
        criterion.full_clean()
        criterion.save()
        return criterion


# Applications ----------------------------------------------------------------------------------


def application_start(
    *, call: Call, actor: User, organisation: Organisation, title: str, amount_requested: Decimal
) -> Application:
    """Start an application (an award in draft) for `organisation` to an open call it is eligible for."""
    from .selectors import call_list

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
    team = {application.award.recipient_id} | {
        o.organisation_id
        for o in application.organisations.all()
        if o.role == ApplicationOrganisation.Role.CO_APPLICANT
    }
    if not (r.manages_programme(application.call.programme) or team & r.partner_orgs):
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


# Assessors and conflicts -----------------------------------------------------------------------


def assessor_assign(*, application: Application, actor: User, assessor: User) -> Assignment:
    """Ask `assessor` to assess a submitted application. Exchange checks for a conflict at once: if the
    assessor's organisation is in the bid (or in the same trust), they stand aside before they can open it."""
    _require_manager(application.call.programme, actor, "assign assessors")
    with transaction.atomic():
        application = lock(Application, application.pk)
        award = lock(Award, application.award_id)
        if award.state == Award.State.SUBMITTED:
            award = grant_services.award_transition(
                award=award, name="start_assessment", actor=actor, note="Assessors assigned"
            )
        elif award.state != Award.State.IN_ASSESSMENT:
            raise TransitionRefused(
                "Assessors can be assigned only to a submitted application; "
                f"this one is {award.get_state_display().lower()}."
            )
        if application.assignments.filter(assessor=assessor).exists():
            raise ValidationError({"assessor": f"{assessor} is already assigned to this application."})
        assignment = Assignment.objects.create(application=application, assessor=assessor, assigned_by=actor)
        log_transition(award, name="assign_assessor", source=award.state, actor=actor, note="An assessor was assigned")
        reason = detected_conflict(assessor, application)
        if reason:
            _stand_aside(assignment, actor=actor, source=Conflict.Source.DETECTED, reason=reason)
        return assignment


def _stand_aside(assignment: Assignment, *, actor: User, source: str, reason: str) -> Assignment:
    Conflict.objects.update_or_create(
        assignment=assignment,
        defaults={"source": source, "reason": reason, "recorded_by": actor, "recorded_at": clock.now()},
    )
    return apply_transition(assignment, "stand_aside", actor=actor, note=reason, at=clock.now())


def assessment_declare(*, assignment: Assignment, actor: User, conflict: bool, reason: str = "") -> Assignment:
    """Before opening: declare a conflict of interest (and stand aside) or none. Declaring none does not
    open an application Exchange finds a conflict with: the assessor stands aside, told why."""
    with transaction.atomic():
        assignment = lock(Assignment, assignment.pk)
        if assignment.assessor_id != actor.pk:
            raise PermissionRefused("Only the assessor can declare their own interests.")
        if conflict:
            if not reason.strip():
                raise ValidationError(
                    {"reason": "Please say what the conflict of interest is; the programme team reads it."}
                )
            return _stand_aside(assignment, actor=actor, source=Conflict.Source.DECLARED, reason=reason.strip())
        found = detected_conflict(actor, assignment.application)
        if found:
            return _stand_aside(assignment, actor=actor, source=Conflict.Source.DETECTED, reason=found)
        return apply_transition(assignment, "declare_none", actor=actor, note="No conflict of interest", at=clock.now())


def _require_unconflicted(assignment: Assignment, actor: User) -> None:
    if assignment.assessor_id != actor.pk:
        raise PermissionRefused("Only the assigned assessor can score this application.")
    if assignment.state != Assignment.State.OPEN:
        raise TransitionRefused(
            f"These scores are {assignment.get_state_display().lower()}: they cannot be changed now."
        )
    found = detected_conflict(actor, assignment.application)
    if found:
        raise PermissionRefused(f"You have a conflict of interest with this application: {found}")


def scores_save(
    *,
    assignment: Assignment,
    actor: User,
    scores: dict[int, tuple[int | None, str]],
    recommendation: str = "",
    comment: str = "",
) -> Assignment:
    """Save an assessor's scores (criterion id -> (score or None, comment)), recommendation and comment.
    Each assessor's own row is locked, so two assessors scoring the same application at once never wait
    on, or overwrite, each other."""
    with transaction.atomic():
        assignment = lock(Assignment, assignment.pk)
        _require_unconflicted(assignment, actor)
        criteria = {c.pk: c for c in assignment.application.call.criteria.all()}
        errors = {}
        for criterion_id, (value, _text) in scores.items():
            criterion = criteria.get(criterion_id)
            if criterion is None:
                raise ValidationError({"scores": "A score was given for a criterion this call does not have."})
            if value is not None and not 0 <= value <= criterion.scale_max:
                errors[f"score_{criterion_id}"] = f"“{criterion.title}” is scored from 0 to {criterion.scale_max}."
        if recommendation and recommendation not in Assignment.Recommendation.values:
            errors["recommendation"] = "Choose fund, fund with conditions or do not fund."
        if errors:
            raise ValidationError(errors)
        for criterion_id, (value, text) in scores.items():
            if value is None:
                Score.objects.filter(assignment=assignment, criterion_id=criterion_id).delete()
                continue
            row = Score(assignment=assignment, criterion_id=criterion_id, score=value, comment=text)
            row.full_clean(exclude=["assignment", "criterion"], validate_unique=False)
            Score.objects.update_or_create(
                assignment=assignment, criterion_id=criterion_id, defaults={"score": value, "comment": text}
            )
        assignment.recommendation = recommendation
        assignment.comment = comment
        assignment.full_clean(exclude=["state"])
        assignment.save(update_fields=["recommendation", "comment"])
        return assignment


def assessment_submit(*, assignment: Assignment, actor: User) -> Assignment:
    """Scores are final once submitted (a manager can reopen them, with a reason in the log)."""
    with transaction.atomic():
        assignment = lock(Assignment, assignment.pk)
        _require_unconflicted(assignment, actor)
        return apply_transition(assignment, "submit", actor=actor, note="Scores submitted", at=clock.now())


def assessment_reopen(*, assignment: Assignment, actor: User, note: str) -> Assignment:
    with transaction.atomic():
        assignment = lock(Assignment, assignment.pk)
        return apply_transition(assignment, "reopen", actor=actor, note=note)


def assignment_transition(*, assignment: Assignment, name: str, actor: User, note: str = "") -> Assignment:
    """Any step by name (the API's generated actions): each goes through its own service."""
    if name == "declare_none":
        return assessment_declare(assignment=assignment, actor=actor, conflict=False)
    if name == "stand_aside":
        if assignment.assessor_id == actor.pk:
            return assessment_declare(assignment=assignment, actor=actor, conflict=True, reason=note)
        with transaction.atomic():
            assignment = lock(Assignment, assignment.pk)
            _require_manager(assignment.application.call.programme, actor, "stand an assessor aside")
            if not note.strip():
                raise ValidationError({"note": "Please say why the assessor stands aside."})
            return _stand_aside(assignment, actor=actor, source=Conflict.Source.DECLARED, reason=note.strip())
    if name == "submit":
        return assessment_submit(assignment=assignment, actor=actor)
    if name == "reopen":
        return assessment_reopen(assignment=assignment, actor=actor, note=note)
    raise TransitionRefused(f"“{name}” is not a step an assessment can take.")


# The panel -------------------------------------------------------------------------------------


def panel_decide(
    *, application: Application, actor: User, decision: str, reasons: str, amount: Decimal | None = None
) -> Application:
    """Record the panel's decision and its reasons, approving or declining the award through grants'
    own services — so an approval that would take the programme past its budget is refused, with the figures."""
    programme = application.call.programme
    _require_manager(programme, actor, "record the panel's decision")
    if not reasons.strip():
        raise ValidationError({"reasons": "Please give the panel's reasons; they are kept with the decision."})
    if decision not in (Application.Decision.APPROVED, Application.Decision.DECLINED):
        raise ValidationError({"decision": "Choose approve or decline."})
    if (
        detected_conflict(actor, application)
        or Conflict.objects.filter(assignment__application=application, assignment__assessor=actor).exists()
    ):
        raise PermissionRefused(
            "You have a conflict of interest with this application, so another manager must record the decision."
        )
    with transaction.atomic():
        application = lock(Application, application.pk)
        award = Award.objects.get(pk=application.award_id)
        if application.decision:
            raise TransitionRefused(f"The panel has already decided: {application.get_decision_display().lower()}.")
        if award.state == Award.State.SUBMITTED:
            award = grant_services.award_transition(award=award, name="start_assessment", actor=actor)
        if decision == Application.Decision.APPROVED:
            grant_services.award_approve(award=award, actor=actor, note=reasons, amount=amount)
        else:
            grant_services.award_transition(award=award, name="decline", actor=actor, note=reasons)
        application.decision = decision
        application.decision_reasons = reasons
        application.decided_by = actor
        application.decided_at = clock.now()
        application.full_clean()
        application.save()
        return application


def feedback_share(*, application: Application, actor: User, feedback: str, shared: bool) -> Application:
    """The feedback the applicant reads, once the manager chooses to share it (logged on the award)."""
    _require_manager(application.call.programme, actor, "write feedback")
    if shared and not feedback.strip():
        raise ValidationError({"feedback": "Write the feedback before sharing it."})
    with transaction.atomic():
        application = lock(Application, application.pk)
        application.feedback, application.feedback_shared = feedback, shared
        application.full_clean()
        application.save(update_fields=["feedback", "feedback_shared", "updated_at"])
        award = application.award
        note = "Feedback shared with the applicant" if shared else "Feedback saved, not shared"
        log_transition(award, name="feedback", source=award.state, actor=actor, note=note)
        return application
