"""Notification preferences and the daily digest.

Each person chooses, per kind of reminder, an email straight away, one daily digest, or none (the
reminder is then only in their inbox); what the grant requires (a late report) can go into the digest
but is never switched off. Reminders are recorded whatever the choice (reporting.services.reminders),
so the inbox lists every one; the digest gathers the day's waiting ones into one email, sent after commit."""

from collections import defaultdict

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.template.loader import render_to_string

from workflow import clock

from ..models import Delivery, NotificationPreference, SentReminder
from ..models.notifications import REQUIRED

KINDS = SentReminder.Kind


def deliveries_for(user_ids) -> dict[tuple[int, str], str]:
    """{(user id, kind): delivery} for the people given; a kind not chosen is "immediate"."""
    rows = NotificationPreference.objects.filter(user_id__in=set(user_ids)).values_list("user_id", "kind", "delivery")
    return {(user_id, kind): delivery for user_id, kind, delivery in rows}


def delivery_of(choices: dict, user_id: int, kind: str) -> str:
    return choices.get((user_id, kind), Delivery.IMMEDIATE)


def preference_refusal(kind: str, delivery: str) -> str | None:
    if kind not in KINDS.values:
        return "Choose one of the kinds of reminder."
    if delivery not in Delivery.values:
        return "Choose straight away, daily digest or inbox only."
    if kind in REQUIRED and delivery == Delivery.OFF:
        return (
            f"“{KINDS(kind).label}” reminders cannot be switched off: the grant requires them. "
            "Choose the daily digest to get fewer emails."
        )
    return None


def notification_preferences_set(*, user, choices: dict[str, str]) -> list[NotificationPreference]:
    """Save `user`'s choice for each kind ({kind: delivery}); all or nothing."""
    problems = {kind: refusal for kind, delivery in choices.items() if (refusal := preference_refusal(kind, delivery))}
    if problems:
        raise ValidationError(problems)
    saved = []
    with transaction.atomic():
        for kind, delivery in choices.items():
            preference, _ = NotificationPreference.objects.update_or_create(
                user=user, kind=kind, defaults={"delivery": delivery}
            )
            saved.append(preference)
    return saved


def notification_preferences_of(user) -> dict[str, str]:
    """{kind: delivery} for every kind, "immediate" where nothing was chosen."""
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in KINDS.values}


def digests_send() -> int:
    """Email each person one digest of their reminders waiting for it; each reminder goes in one digest only
    (rows locked and stamped in the transaction, the email after commit). Returns how many digests."""
    sent = 0
    waiting = (
        SentReminder.objects.filter(delivery=Delivery.DIGEST, emailed_at__isnull=True, recipient__isnull=False)
        .order_by("recipient_id")
        .values_list("recipient_id", flat=True)
        .distinct()
    )
    for recipient_id in list(waiting):
        with transaction.atomic():
            rows = list(
                SentReminder.objects.select_for_update(skip_locked=True)
                .filter(recipient_id=recipient_id, delivery=Delivery.DIGEST, emailed_at__isnull=True)
                .select_related("recipient")
                .order_by("due_on", "id")
            )
            if not rows:
                continue
            now = clock.now()
            SentReminder.objects.filter(pk__in=[r.pk for r in rows]).update(emailed_at=now)
            _mail_digest(rows)
            sent += 1
    return sent


def _mail_digest(rows: list[SentReminder]) -> None:
    user = rows[0].recipient
    by_kind = defaultdict(list)
    for row in rows:
        by_kind[row.get_kind_display()].append(row)
    context = {"user": user, "by_kind": dict(by_kind), "count": len(rows), "url": _inbox_url()}
    subject = render_to_string("emails/digest_subject.txt", context).strip().replace("\n", " ")
    body = render_to_string("emails/digest.txt", context)
    address = rows[-1].email or getattr(user, "email", "")
    transaction.on_commit(lambda: send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [address]))


def _inbox_url() -> str:
    return getattr(settings, "EXCHANGE_BASE_URL", "http://127.0.0.1:8000").rstrip("/") + "/inbox/"
