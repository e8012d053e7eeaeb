# Memberships and audit events moved here from partnerships/ and workflow/ without touching the database:
# each model keeps its old table (Meta.db_table), so `migrate` on an existing database changes no rows.
# Their content types are relabelled too, so admin history and permissions keep pointing at them.

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

MOVED = [("partnerships", "organisationmembership"), ("workflow", "auditevent")]


def relabel_content_types(apps, schema_editor, *, forwards=True):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for old_app, model in MOVED:
        source, target = (old_app, "accounts") if forwards else ("accounts", old_app)
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)


def relabel_back(apps, schema_editor):
    relabel_content_types(apps, schema_editor, forwards=False)


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("contenttypes", "0002_remove_content_type_name"),
        ("partnerships", "0004_membership_moves_to_accounts"),
        ("workflow", "0003_audit_event_moves_to_accounts"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="OrganisationMembership",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "role",
                            models.CharField(
                                choices=[
                                    ("manager", "Programme manager"),
                                    ("funder", "Funder"),
                                    ("partner", "Partner"),
                                    ("administrator", "Administrator"),
                                ],
                                max_length=20,
                            ),
                        ),
                        ("job_title", models.CharField(blank=True, max_length=120)),
                        (
                            "organisation",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="people",
                                to="partnerships.organisation",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="memberships",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={
                        "db_table": "partnerships_organisationmembership",
                        "ordering": ["organisation__name", "user__username"],
                        "constraints": [
                            models.UniqueConstraint(
                                fields=("user", "organisation", "role"), name="unique_membership_role"
                            )
                        ],
                    },
                ),
                migrations.CreateModel(
                    name="AuditEvent",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID"),
                        ),
                        (
                            "kind",
                            models.CharField(
                                choices=[
                                    ("login", "Signed in"),
                                    ("login_failed", "Sign-in failed"),
                                    ("logout", "Signed out"),
                                    ("permission_change", "Permission changed"),
                                ],
                                db_index=True,
                                max_length=30,
                            ),
                        ),
                        (
                            "username",
                            models.CharField(
                                blank=True, help_text="The username given, also when unknown.", max_length=150
                            ),
                        ),
                        ("detail", models.TextField(blank=True)),
                        ("ip_address", models.GenericIPAddressField(blank=True, null=True)),
                        ("at", models.DateTimeField(auto_now_add=True, db_index=True)),
                        (
                            "actor",
                            models.ForeignKey(
                                blank=True,
                                null=True,
                                on_delete=django.db.models.deletion.SET_NULL,
                                related_name="+",
                                to=settings.AUTH_USER_MODEL,
                            ),
                        ),
                    ],
                    options={"db_table": "workflow_auditevent", "ordering": ["-at", "-id"]},
                ),
            ],
            database_operations=[],
        ),
        migrations.RunPython(relabel_content_types, relabel_back),
    ]
