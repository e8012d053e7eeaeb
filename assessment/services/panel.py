"""The panel: its decision through the award's own services, and the feedback the applicant reads."""

from decimal import Decimal

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from grants import services as grant_services
from grants.models import Award
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import lock, log_transition

from ..models import Application, Conflict
from ..scopes import detected_conflict
from .common import _require_manager


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
