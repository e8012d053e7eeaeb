# OrganisationMembership now belongs to accounts/ (the ground layer). Only Django's picture of the
# models changes: the table and its rows stay where they are, and accounts/0001 takes them over.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("partnerships", "0003_ordering_indexes"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[migrations.DeleteModel(name="OrganisationMembership")],
            database_operations=[],
        ),
    ]
