"""Payment runs: approved payments due by a date, sent to the finance system once as one file."""

from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from accounts import roles
from partnerships.models import Organisation
from workflow import clock
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.services import log_transition

from ...models import Payment
from ..exports import FORMATS
from ..models import (
    ZERO,
    PaymentRun,
    PaymentRunItem,
)

# Payment runs ---------------------------------------------------------------------------------


def payment_run_refusal(*, actor: User, organisation: Organisation) -> PermissionRefused | None:
    if not (roles.of(actor).is_admin or organisation.pk in roles.of(actor).manager_orgs):
        return PermissionRefused(f"Only the programme managers of {organisation} can send its payments to finance.")
    return None


def payment_run_due(*, organisation: Organisation, due_by: date):
    """Approved payments of the organisation's programmes due by `due_by` that no run has sent yet."""
    return Payment.objects.filter(
        state=Payment.State.APPROVED,
        due_on__lte=due_by,
        award__programme__managed_by=organisation,
        run_item__isnull=True,
    )


def payment_run_export(*, actor: User, organisation: Organisation, due_by: date, format: str = "xero") -> PaymentRun:
    """Put every approved payment due by `due_by` into one run and write its file, once.

    The payments are locked (in id order) before they are read again, so two runs made at the same
    moment cannot both take a payment: the second waits, then finds it taken. A payment's run item is
    one-to-one besides, so the database itself refuses a second."""
    refusal = payment_run_refusal(actor=actor, organisation=organisation)
    if refusal is not None:
        raise refusal
    exporter = FORMATS.get(format)
    if exporter is None:
        raise ValidationError({"format": f"“{format}” is not a format Exchange writes: use {', '.join(FORMATS)}."})
    with transaction.atomic():
        locked = list(
            payment_run_due(organisation=organisation, due_by=due_by)
            .select_for_update(of=("self",))
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        # Read again after the locks: a run that committed while this one waited has taken its payments.
        payments = list(
            payment_run_due(organisation=organisation, due_by=due_by)
            .filter(pk__in=locked)
            .select_related("award__recipient", "award__programme")
            .prefetch_related("award__budget_lines__category")
            .order_by("due_on", "pk")
        )
        if not payments:
            raise TransitionRefused(
                f"No approved payment of {organisation}'s programmes is due by {due_by:%d %B %Y} that has not "
                "already gone to finance. Approve payments for payment first."
            )
        now = clock.now()
        run = PaymentRun.objects.create(
            managed_by=organisation,
            due_by=due_by,
            format=format,
            created_by=actor,
            created_at=now,
            payment_count=len(payments),
            total=sum((p.amount for p in payments), ZERO),
            filename=f"payment-run-{now:%Y%m%d-%H%M%S}.{exporter.extension}",
            content="",
        )
        try:
            with transaction.atomic():
                items = PaymentRunItem.objects.bulk_create(
                    PaymentRunItem(run=run, payment=p, amount=p.amount) for p in payments
                )
        except IntegrityError:
            raise TransitionRefused(
                "Another payment run took some of these payments at the same moment; nothing was exported. "
                "Try again: only payments not yet sent will be taken."
            ) from None
        for item, payment in zip(items, payments, strict=True):
            item.payment = payment
        run.content = exporter.render(run, items)
        run.save(update_fields=["content"])
        for payment in payments:
            log_transition(
                payment,
                name="export",
                source=payment.state,
                actor=actor,
                note=f"Sent to finance in payment run {run.pk} ({exporter.label})",
            )
        return run


def payment_run_record_paid(
    *, run: PaymentRun, actor: User, paid_on: date, reference: str = "", note: str = ""
) -> list[Payment]:
    """Finance has paid the run: release each of its payments still approved, with one paid-on date and
    remittance reference (each payment keeps its own reference if it has one)."""
    from ...services import payment_release

    refusal = payment_run_refusal(actor=actor, organisation=run.managed_by)
    if refusal is not None:
        raise refusal
    released = []
    with transaction.atomic():
        for item in run.items.select_related("payment").order_by("payment_id"):
            if item.payment.state == Payment.State.APPROVED:
                released.append(
                    payment_release(
                        payment=item.payment,
                        actor=actor,
                        note=note or f"Paid in payment run {run.pk}",
                        paid_on=paid_on,
                        reference=reference,
                    )
                )
    if not released:
        raise TransitionRefused("Every payment in this run is already paid or cancelled.")
    return released
