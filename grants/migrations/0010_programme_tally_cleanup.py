from django.db import migrations


def install(apps, schema_editor):
    from grants.tallies import install_programme_cleanup

    install_programme_cleanup(schema_editor)


def uninstall(apps, schema_editor):
    from grants.tallies import uninstall_programme_cleanup

    uninstall_programme_cleanup(schema_editor)


class Migration(migrations.Migration):
    """A programme's award tallies are removed with it, whatever order the tables are emptied in."""

    dependencies = [("grants", "0009_award_tallies")]

    operations = [migrations.RunPython(install, uninstall)]
