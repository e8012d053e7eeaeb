"""How each person wants each kind of reminder: at once, in a daily digest, or not by email at all.
Every reminder is still recorded (SentReminder) and listed in the person's inbox, whatever they chose."""

from django.conf import settings
from django.db import models

from .schedules import SentReminder


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", "An email straight away"
    DIGEST = "digest", "One email a day with everything new (daily digest)"
    OFF = "off", "No email: only in my inbox"


# What the grant requires people to hear about by email: a report that is late (the grant's terms ask for
# it, and payments wait on it). These can be put into the digest, never switched off.
REQUIRED = frozenset({SentReminder.Kind.OVERDUE})


class NotificationPreference(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=20, choices=SentReminder.Kind.choices)
    delivery = models.CharField(max_length=10, choices=Delivery.choices, default=Delivery.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind"], name="one_notification_preference_per_kind"),
            models.CheckConstraint(
                condition=~models.Q(kind__in=sorted(REQUIRED), delivery=Delivery.OFF),
                name="required_notifications_never_off",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.get_kind_display()} — {self.get_delivery_display()}"
