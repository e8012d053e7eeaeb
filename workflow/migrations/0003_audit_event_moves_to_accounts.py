# AuditEvent now belongs to accounts/. Only Django's picture of the models changes: the table and its
# rows stay where they are, and accounts/0001 takes them over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("workflow", "0002_audit_event"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="AuditEvent")],
            database_operations=[],
        ),
    ]
