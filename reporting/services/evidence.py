"""Evidence files on an update: attached while the partner may edit it, judged by their content."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from workflow import filetypes
from workflow.services import lock

from ..models import EvidenceFile, ProgressUpdate
from .updates import require_update_editable


def evidence_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def evidence_add(*, update: ProgressUpdate, actor: User, upload) -> EvidenceFile:
    """Attach a file to an editable update, if its content is an allowed type and it is within the size limit."""
    limit = evidence_max_bytes()
    with transaction.atomic():
        update = lock(ProgressUpdate, update.pk)
        require_update_editable(update, actor)
        if update.evidence.count() >= int(getattr(settings, "EVIDENCE_MAX_FILES", 20)):
            raise ValidationError({"evidence": "This update already has as many evidence files as it can hold."})
        examined = filetypes.examine(upload, max_bytes=limit, field="evidence")
        evidence = EvidenceFile(
            update=update,
            original_name=examined.name,
            content_type=examined.content_type,
            size=examined.size,
            sha256=examined.sha256,
            uploaded_by=actor,
        )
        evidence.file.save("upload", upload, save=False)  # the stored name is generated (models._evidence_path)
        try:
            evidence.save()
        except Exception:
            evidence.file.delete(save=False)
            raise
        return evidence


def evidence_remove(*, evidence: EvidenceFile, actor: User) -> None:
    with transaction.atomic():
        update = lock(ProgressUpdate, evidence.update_id)
        require_update_editable(update, actor)
        name = evidence.file.name
        storage = evidence.file.storage
        evidence.delete()
        transaction.on_commit(lambda: storage.delete(name))
