"""Trigram indexes for the free-text search of awards (title, identifier, the recipient's name) on
PostgreSQL, so `?q=` matches anywhere in a word (`icontains`, which Django writes as
`UPPER(column) LIKE UPPER('%…%')`) read an index instead of every award. SQLite keeps its plain LIKE.
Where the pg_trgm extension cannot be created (no right to), the search works as before, unindexed."""

from django.db import DatabaseError, migrations, transaction

INDEXES = {
    "award_title_trgm": ("grants_award", "title"),
    "award_identifier_trgm": ("grants_award", "identifier"),
    "organisation_name_trgm": ("partnerships_organisation", "name"),
}


def create(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=connection.alias), connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except DatabaseError:
        return
    with connection.cursor() as cursor:
        for name, (table, column) in INDEXES.items():
            cursor.execute(
                f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
            )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    with schema_editor.connection.cursor() as cursor:
        for name in INDEXES:
            cursor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("grants", "0012_match_funding"),
        ("partnerships", "0008_english_local_authorities"),
    ]

    operations = [migrations.RunPython(create, drop)]
