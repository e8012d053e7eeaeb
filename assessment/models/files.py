"""What a team keeps with its application beyond the sections: attached files, and where each person was."""

import uuid

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models

from workflow.filetypes import EXTENSIONS

from .applications import Application


def _attachment_path(instance, filename) -> str:
    # The stored name never comes from the uploader: a random name with the extension of the detected type.
    return f"applications/{uuid.uuid4().hex}{EXTENSIONS.get(instance.content_type, '.bin')}"


class Attachment(models.Model):
    """A file in an application's attachments section (a letter of support, a plan, a budget sheet). Its
    type is read from its content, and it is served only through assessment.scopes.attachment_scope."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to=_attachment_path, max_length=300)
    original_name = models.CharField(max_length=200, help_text="The uploader's file name, cleaned, for display.")
    description = models.CharField("what it is", max_length=300, blank=True)
    content_type = models.CharField(max_length=120)
    size = models.PositiveBigIntegerField(validators=[MinValueValidator(1)])
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField()

    class Meta:
        ordering = ["uploaded_at", "id"]

    def __str__(self):
        return self.original_name


class EditingPlace(models.Model):
    """The section a person last saved in an application, so that coming back opens it where they were."""

    application = models.ForeignKey(Application, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    section = models.CharField(max_length=30)
    saved_at = models.DateTimeField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["application", "user"], name="one_place_per_person")]

    def __str__(self):
        return f"{self.user} at {self.section}"
