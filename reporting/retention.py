"""What reporting adds to the retention rules and to erasure (accounts/retention.py, accounts/personal_data.py):
progress updates never submitted are removed after the retention period; stored PDF reports, which may carry
an erased person's name, are dropped (they are a cache: the next download renders them again)."""

import datetime as dt

from django.core.files.storage import default_storage

from accounts import personal_data, retention

from .models import ProgressUpdate


def update_drafts_remove(cutoff: dt.datetime) -> list[retention.Removed]:
    drafts = (
        ProgressUpdate.objects.filter(
            state=ProgressUpdate.State.DRAFT, submitted_at__isnull=True, updated_at__lt=cutoff
        )
        .exclude(gated_payments__isnull=False)
        .select_related("author")
        .prefetch_related("evidence")
    )
    removed = []
    for update in drafts:
        files = [evidence.file.name for evidence in update.evidence.all() if evidence.file]
        removed.append(
            retention.Removed(
                username=update.author.get_username() if update.author else "",
                description=f"Draft progress update {update.pk} ({update})",
            )
        )
        # ProgressUpdate.delete() refuses, to keep the history of updates that were sent; a draft never
        # submitted has none, and keeping it past the retention period is what the rule forbids.
        ProgressUpdate.objects.filter(pk=update.pk).delete()
        for name in files:
            default_storage.delete(name)
    return removed


def stored_reports_drop(user) -> None:
    try:
        kinds, _ = default_storage.listdir("reports")
    except FileNotFoundError:
        return
    for kind in kinds:
        for name in default_storage.listdir(f"reports/{kind}")[1]:
            default_storage.delete(f"reports/{kind}/{name}")


def register() -> None:
    retention.register_draft_rule("draft progress updates removed", update_drafts_remove)
    personal_data.on_erase(stored_reports_drop)
