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


def test_accepted_update_cannot_be_changed_in_admin(client, world, award):
    from .conftest import start

    update = start(award, world, dt.date(2026, 1, 5), dt.date(2026, 3, 31), progress="Original words.")
    update = services.update_submit(update=update, actor=world.partner)
    update = services.update_accept(update=update, actor=world.manager)
    url = reverse("admin:reporting_progressupdate_change", args=[update.pk])
    for user in (world.manager, world.admin):
        client.force_login(user)
        page = client.get(url).content.decode()
        assert "Original words." in page and 'name="progress"' not in page
        client.post(url, {"progress": "Rewritten by someone else."})
        update.refresh_from_db()
        assert update.progress == "Original words."


def test_completed_evaluation_is_read_only_in_admin(client, world, project):
    evaluation = services.evaluation_begin(actor=world.manager, project=project)
    services.evaluation_edit(
        evaluation=evaluation, actor=world.manager, what_worked="Pairs.", lessons="Start early.", rating="met"
    )
    services.evaluation_edit(evaluation=evaluation, actor=world.manager, stage_reached="repair", outcomes="Met.")
    services.evaluation_complete(evaluation=evaluation, actor=world.manager)
    client.force_login(world.manager)
    url = reverse("admin:reporting_evaluation_change", args=[evaluation.pk])
    assert 'name="lessons"' not in client.get(url).content.decode()
    client.post(url, {"lessons": "Changed later."})
    evaluation.refresh_from_db()
    assert evaluation.lessons == "Start early."
