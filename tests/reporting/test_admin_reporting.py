import datetime as dt

from django.urls import reverse

from reporting import services
from reporting.models import ReportingSchedule


def test_manager_sees_schedules_and_extensions_in_admin_scoped(client, world, award, award_b):
    services.due_date_extend(
        actor=world.manager,
        award=award,
        period_end=dt.date(2026, 3, 31),
        new_due_on=dt.date(2026, 5, 1),
        reason="Ofsted",
    )
    schedule = ReportingSchedule.objects.get(award=award)
    client.force_login(world.manager)
    listing = client.get(reverse("admin:reporting_reportingschedule_changelist")).content.decode()
    assert award.identifier in listing
    page = client.get(reverse("admin:reporting_reportingschedule_change", args=[schedule.pk])).content.decode()
    assert "Ofsted" in page
    client.force_login(world.manager_b)
    assert client.get(reverse("admin:reporting_reportingschedule_change", args=[schedule.pk])).status_code in (302, 404)


def test_sent_reminders_admin_is_for_administrators(client, world):
    client.force_login(world.manager)
    assert client.get(reverse("admin:reporting_sentreminder_changelist")).status_code == 403
    client.force_login(world.admin)
    assert client.get(reverse("admin:reporting_sentreminder_changelist")).status_code == 200
    assert client.get(reverse("admin:reporting_evidencefile_changelist")).status_code == 200
