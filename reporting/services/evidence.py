"""Evidence files on an update: attached while the partner may edit it, judged by their content."""

import hashlib

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from workflow.services import lock

from .. import filetypes
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
        size = upload.size or 0
        if size == 0:
            raise ValidationError({"evidence": "The selected file is empty."})
        if size > limit:
            raise ValidationError(
                {"evidence": f"The selected file must be smaller than {limit / (1024 * 1024):.0f} MB."}
            )
        original = filetypes.clean_name(upload.name)
        content_type = filetypes.detect_type(upload, original)
        if content_type is None:
            raise ValidationError(
                {
                    "evidence": f"The selected file must be {filetypes.ALLOWED_DESCRIPTION}; "
                    f"“{original}” is not, whatever its name says."
                }
            )
        digest = hashlib.sha256()
        for chunk in upload.chunks():
            digest.update(chunk)
        upload.seek(0)
        evidence = EvidenceFile(
            update=update,
            original_name=original,
            content_type=content_type,
            size=size,
            sha256=digest.hexdigest(),
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
