"""What grants adds to the retention rules (accounts/retention.py): applications (draft awards) never
submitted are removed after the retention period, with the budget lines, match funding, indicators and
reporting schedule written on them. Each removal is an audit event (written by accounts.retention.apply).

Left alone: an award that came from a published file (a 360Giving import is the funder's record, not a
person's draft), and a draft that anything else already leans on (a call application, a payment, a variation,
an evaluation or a progress update) — those have a history of their own beyond the draft."""

import datetime as dt

from accounts import retention

from .models import Award
from .money.models import BudgetLine, MatchFunding


def award_drafts_remove(cutoff: dt.datetime) -> list[retention.Removed]:
    drafts = (
        Award.objects.filter(state=Award.State.DRAFT, submitted_at__isnull=True, updated_at__lt=cutoff, source_file="")
        .filter(
            application__isnull=True,
            payments__isnull=True,
            variations__isnull=True,
            evaluations__isnull=True,
            progress_updates__isnull=True,
        )
        .select_related("created_by")
        .order_by("pk")
    )
    removed = []
    for award in drafts:
        removed.append(
            retention.Removed(
                username=award.created_by.get_username() if award.created_by else "",
                description=f"Draft application {award.pk} ({award})",
            )
        )
        BudgetLine.objects.filter(award=award).delete()
        MatchFunding.objects.filter(award=award).delete()
        # Award.delete() refuses, to keep the history of grants that were applied for; a draft never submitted
        # has none, and keeping it past the retention period is what the rule forbids. Indicators and the
        # reporting schedule go with it (CASCADE); its money log rows stay, naming it, as every log row does.
        Award.objects.filter(pk=award.pk).delete()
    return removed


def register() -> None:
    retention.register_draft_rule("draft applications removed", award_drafts_remove)
