"""What reporting adds to steps of the layers below: conditions on closing work and releasing money,
and the evaluation opened when work enters evaluation. Registered in ReportingConfig.ready(), so
grants and partnerships never name reporting's fields; every door (page, API, admin) takes the
steps through workflow.services.apply_transition, which checks and runs what is registered here."""

from grants.selectors import register_gate_periods
from grants.subjects import Subject
from workflow.rules import guard
from workflow.services import add_condition, after_transition

from .models import Evaluation, ProgressUpdate
from .periods import build_periods
from .selectors.schedules import schedule_for
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


def _held_words(payment) -> str:
    if payment.gated_on_update_id is not None:
        update = payment.gated_on_update
        return f"the progress update for {update.period_label} is accepted (it is {update.get_state_display().lower()})"
    end = payment.gated_on_period_end
    return f"the progress update for the period ending {end.day} {end:%B %Y} is accepted (it has not been started)"


@guard(lambda p: f"This payment is held until {_held_words(p)}.")
def payment_gate_open(payment) -> bool:
    """Held on a period (started or not) or on an update: open once that period's update is accepted."""
    if payment.gated_on_update_id is not None and payment.gated_on_update.state != ProgressUpdate.State.ACCEPTED:
        return False
    if payment.gated_on_period_end is None:
        return True
    return ProgressUpdate.objects.filter(
        award_id=payment.award_id, period_end=payment.gated_on_period_end, state=ProgressUpdate.State.ACCEPTED
    ).exists()


def hold_periods(award) -> list[tuple]:
    """The award's due periods a payment may be held on, started or not, in words (grants' payment form)."""
    updates = list(award.progress_updates.all())
    periods = build_periods(award, schedule_for(award), updates)
    return [
        (
            p.period_end,
            f"{p.label} ({p.period_label}), due {p.due_on.day} {p.due_on:%B %Y}"
            + (" (final)" if p.is_final else "")
            + f": {'not started yet' if p.update is None else p.state_label.lower()}",
        )
        for p in periods
    ]


def open_evaluation(work, actor) -> None:
    """Work that enters evaluation gets its evaluation, prefilled from its indicators, at once."""
    evaluation_open(actor=actor, **Subject(work).kwargs())


def register() -> None:
    add_condition("grants.Award", "close", final_update_accepted)
    add_condition("grants.Award", "close", award_evaluation_complete)
    add_condition("partnerships.Project", "complete", project_evaluation_complete)
    add_condition("grants.Payment", "approve", payment_gate_open)
    add_condition("grants.Payment", "release", payment_gate_open)
    register_gate_periods(hold_periods)
    after_transition("grants.Award", "begin_evaluation", open_evaluation)
    after_transition("partnerships.Project", "begin_evaluation", open_evaluation)
