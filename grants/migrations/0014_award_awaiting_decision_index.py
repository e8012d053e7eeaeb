"""The inbox's "applications to assess and decide" (awards submitted or in assessment, oldest submission
first): a partial index in that order, so its first rows are read without sorting every such award."""

from django.db import migrations

CREATE = (
    "CREATE INDEX IF NOT EXISTS award_awaiting_decision ON grants_award (submitted_at, id) "
    "WHERE state IN ('submitted', 'in_assessment')"
)


class Migration(migrations.Migration):
    dependencies = [("grants", "0013_search_trigram_indexes")]

    operations = [migrations.RunSQL(CREATE, "DROP INDEX IF EXISTS award_awaiting_decision")]
