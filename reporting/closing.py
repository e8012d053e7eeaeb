"""What reporting adds to steps of the layers below: conditions on closing work and releasing money,
and the evaluation opened when work enters evaluation. Registered in ReportingConfig.ready(), so
grants and partnerships never name reporting's fields; every door (page, API, admin) takes the
steps through workflow.services.apply_transition, which checks and runs what is registered here."""

from grants.subjects import Subject
from workflow.rules import guard
from workflow.services import add_condition, after_transition

from .models import Evaluation, ProgressUpdate
from .services import evaluation_open


@guard("The award cannot close until its final progress update has been accepted.")
def final_update_accepted(award) -> bool:
    updates = ProgressUpdate.objects.filter(award=award).exclude(state=ProgressUpdate.State.DRAFT)
    latest = updates.order_by("-period_end", "-id").first()
    return latest is not None and latest.state == ProgressUpdate.State.ACCEPTED


@guard(
    "The award cannot close until its evaluation is written and marked complete "
    "(outcomes against targets, what worked, lessons for other schools)."
)
def award_evaluation_complete(award) -> bool:
    return Evaluation.objects.filter(award=award, completed_at__isnull=False).exists()


@guard(
    "The project cannot be completed until its evaluation is written and marked complete "
    "(outcomes against targets, what worked, lessons for other schools)."
)
def project_evaluation_complete(project) -> bool:
    return Evaluation.objects.filter(project=project, completed_at__isnull=False).exists()


@guard(
    lambda p: (
        f"This payment is held until the progress update for {p.gated_on_update.period_label} is accepted "
        f"(it is {p.gated_on_update.get_state_display().lower()})."
    )
)
def payment_gate_open(payment) -> bool:
    return payment.gated_on_update_id is None or payment.gated_on_update.state == ProgressUpdate.State.ACCEPTED


def open_evaluation(work, actor) -> None:
    """Work that enters evaluation gets its evaluation, prefilled from its indicators, at once."""
    evaluation_open(actor=actor, **Subject(work).kwargs())


def register() -> None:
    add_condition("grants.Award", "close", final_update_accepted)
    add_condition("grants.Award", "close", award_evaluation_complete)
    add_condition("partnerships.Project", "complete", project_evaluation_complete)
    add_condition("grants.Payment", "approve", payment_gate_open)
    add_condition("grants.Payment", "release", payment_gate_open)
    after_transition("grants.Award", "begin_evaluation", open_evaluation)
    after_transition("partnerships.Project", "begin_evaluation", open_evaluation)
