"""Payments already held on a progress update are held on its reporting period too
(grants.Payment.gated_on_period_end), the one thing the gate now reads."""

from django.db import migrations
from django.db.models import OuterRef, Subquery


def copy_periods(apps, schema_editor):
    Payment = apps.get_model("grants", "Payment")
    ProgressUpdate = apps.get_model("reporting", "ProgressUpdate")
    period_end = ProgressUpdate.objects.filter(pk=OuterRef("gated_on_update_id")).values("period_end")[:1]
    Payment.objects.filter(gated_on_update__isnull=False).update(gated_on_period_end=Subquery(period_end))


class Migration(migrations.Migration):
    dependencies = [
        ("reporting", "0010_indicator_proposed"),
        ("grants", "0015_payment_hold_on_period"),
    ]

    operations = [migrations.RunPython(copy_periods, migrations.RunPython.noop)]
