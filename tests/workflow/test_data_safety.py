from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db.models import ProtectedError

from grants import services as grant_services
from grants.models import Award, Payment
from grants.selectors import award_list
from partnerships import services as partnership_services
from partnerships.models import Project
from partnerships.selectors import project_list
from tests import factories as f
from tests.helpers import force_state
from workflow.backup import summary
from workflow.errors import PermissionRefused, TransitionRefused
from workflow.models import TransitionLog


def test_awards_payments_and_projects_are_never_hard_deleted(world):
    award = f.AwardFactory(programme=world.programme)
    update = f.ProgressUpdateFactory(award=award)
    for obj in (award, f.PaymentFactory(award=award), f.ProjectFactory(partnership=world.partnership), update):
        with pytest.raises(ProtectedError):
            obj.delete()
    assert Award.objects.count() == 1 and Payment.objects.count() == 1 and Project.objects.count() == 1


def test_only_finished_awards_are_archived_and_they_leave_the_working_list(world):
    award = f.AwardFactory(programme=world.programme)
    with pytest.raises(TransitionRefused, match="Only a finished award"):
        grant_services.award_archive(award=award, actor=world.manager)
    award = force_state(award, Award.State.DECLINED)
    with pytest.raises(PermissionRefused):
        grant_services.award_archive(award=award, actor=world.partner)
    grant_services.award_archive(award=award, actor=world.manager, note="Round 1 tidy-up")
    assert not award_list(user=world.manager).filter(pk=award.pk).exists()
    assert award_list(user=world.manager, include_archived=True).filter(pk=award.pk).exists()
    log = TransitionLog.objects.get(transition="archive")
    assert (log.actor, log.note) == (world.manager, "Round 1 tidy-up")


def test_archived_project_is_kept(world):
    project = force_state(f.ProjectFactory(partnership=world.partnership), Project.State.WITHDRAWN)
    partnership_services.project_archive(project=project, actor=world.manager)
    assert not project_list(user=world.manager).exists()
    assert Project.objects.get(pk=project.pk).archived_at is not None


@pytest.mark.django_db(transaction=True)
def test_backup_then_restore_into_an_empty_database_gives_the_same_records(tmp_path, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("load_demo", stdout=open(tmp_path / "demo.log", "w"))
    before = summary()
    assert Decimal(before["money: amount awarded"]) > 0
    path = tmp_path / "exchange-backup.json.gz"
    call_command("backup", "-o", str(path), stdout=open(tmp_path / "backup.log", "w"))
    with pytest.raises(CommandError, match="already holds data"):
        call_command("restore", str(path))
    call_command("flush", "--no-input", verbosity=0)
    assert summary()["grants.Award"] == "0"
    call_command("restore", str(path), stdout=open(tmp_path / "restore.log", "w"))
    assert summary() == before
