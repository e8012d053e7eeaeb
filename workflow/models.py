"""The trace every state change and money change leaves: who, when, from what, to what."""

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models

from . import clock
from .text import NOTE, text_field


class TransitionLog(models.Model):
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=300)
    transition = models.CharField(max_length=60)
    source = models.CharField("from", max_length=40)
    target = models.CharField("to", max_length=40)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now, editable=False, db_index=True)
    note = text_field(blank=True, max_length=NOTE)

    class Meta:
        ordering = ["-at", "-id"]
        # The list walks the newest-first index and stops after a page (and the capped count).
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            models.Index(fields=["-at", "-id"], name="transition_newest_first"),
        ]

    def __str__(self):
        return f"{self.object_repr}: {self.source} → {self.target}"


class MoneyChange(models.Model):
    """An amount set or changed on an award, payment or programme, with who changed it."""

    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT)
    object_id = models.PositiveBigIntegerField()
    subject = GenericForeignKey("content_type", "object_id")
    object_repr = models.CharField(max_length=300)
    field = models.CharField(max_length=60)
    old_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    new_amount = models.DecimalField(max_digits=14, decimal_places=2, null=True, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=clock.now, editable=False, db_index=True)
    note = text_field(blank=True, max_length=NOTE)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["content_type", "object_id", "at"]),
            models.Index(fields=["-at", "-id"], name="money_change_newest_first"),
        ]

    def __str__(self):
        return f"{self.object_repr} {self.field}: {self.old_amount} → {self.new_amount}"
