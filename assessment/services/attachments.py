"""An application's attachments: added and removed by the team while it may edit the application, each
file judged by its content (workflow.filetypes, the rule progress-update evidence follows), logged on the award."""

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction

from grants.models import Award
from workflow import clock, filetypes
from workflow.services import lock, log_transition

from ..models import Application, Attachment
from .applications import application_edit_refusal


def attachment_max_bytes() -> int:
    return int(getattr(settings, "EVIDENCE_MAX_BYTES", 10 * 1024 * 1024))


def attachment_add(*, application: Application, actor: User, upload, description: str = "") -> Attachment:
    """Attach a file to an application the person may edit, if it is an allowed kind by its content and
    within the size limit (the same limits as evidence files)."""
    with transaction.atomic():
        award = lock(Award, application.award_id)
        application = lock(Application, application.pk)
        application.award = award
        refusal = application_edit_refusal(application, actor)
        if refusal is not None:
            raise refusal
        if application.attachments.count() >= int(getattr(settings, "EVIDENCE_MAX_FILES", 20)):
            raise ValidationError({"file": "This application already has as many attachments as it can hold."})
        examined = filetypes.examine(upload, max_bytes=attachment_max_bytes())
        attachment = Attachment(
            application=application,
            original_name=examined.name,
            description=description.strip(),
            content_type=examined.content_type,
            size=examined.size,
            sha256=examined.sha256,
            uploaded_by=actor,
            uploaded_at=clock.now(),
        )
        attachment.full_clean(exclude=["file"])
        attachment.file.save("upload", upload, save=False)  # the stored name is generated (models.files)
        try:
            attachment.save()
        except Exception:
            attachment.file.delete(save=False)
            raise
        log_transition(award, name="attachment_add", source=award.state, actor=actor, note=f"Attached {examined.name}")
        return attachment


def attachment_remove(*, attachment: Attachment, actor: User) -> None:
    with transaction.atomic():
        award = lock(Award, attachment.application.award_id)
        application = lock(Application, attachment.application_id)
        application.award = award
        refusal = application_edit_refusal(application, actor)
        if refusal is not None:
            raise refusal
        name, storage = attachment.file.name, attachment.file.storage
        log_transition(award, name="attachment_remove", source=award.state, actor=actor, note=f"Removed {attachment}")
        attachment.delete()
        transaction.on_commit(lambda: storage.delete(name))
