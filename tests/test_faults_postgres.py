"""Faults on PostgreSQL: the database drops every connection (as a restart does) mid-run."""

import threading
from decimal import Decimal

import psycopg
import pytest
from django.db import connection

from grants import services
from grants.models import Award
from grants.services import awards as award_services
from tests import factories as f
from tests.conftest import member
from tests.helpers import force_state
from workflow.models import MoneyChange, TransitionLog

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture(autouse=True)
def _reconnect_after(db):
    yield
    connection.close()  # the flush after each test must not meet a connection these tests killed


def drop_all_connections():
    """What a database restart does to the app: every server process of this database goes away."""
    name = connection.settings_dict["NAME"]
    with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as admin:
        admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [name],
        )


def test_connection_lost_inside_an_approval_leaves_nothing_half_written():
    central = f.OrganisationFactory(kind="charity")
    manager = member("manager", central, username="m")
    programme = f.ProgrammeFactory(managed_by=central)
    award = force_state(f.AwardFactory(programme=programme, amount_requested=Decimal("5000")), "in_assessment")

    original = award_services.log_money_change  # where award_approve finds it

    def log_then_lose_the_database(*args, **kwargs):
        original(*args, **kwargs)  # the award row and its transition log are written, not yet committed
        drop_all_connections()
        return original(*args, **kwargs)  # the next statement meets a dead connection

    award_services.log_money_change = log_then_lose_the_database
    try:
        with pytest.raises(Exception) as lost:
            services.award_approve(award=award, actor=manager)
    finally:
        award_services.log_money_change = original
    assert "terminat" in str(lost.value).lower() or "closed" in str(lost.value).lower()

    connection.close()  # the next use reconnects
    award = Award.objects.get(pk=award.pk)
    assert award.state == Award.State.IN_ASSESSMENT and award.amount_awarded is None
    assert not TransitionLog.objects.exists() and not MoneyChange.objects.exists()
    services.award_approve(award=award, actor=manager)  # and works once the database is back
    assert Award.objects.get(pk=award.pk).state == Award.State.APPROVED


def test_requests_after_a_restart_reconnect_and_during_it_get_a_clear_503(client, live_server):
    import urllib.request

    def health():
        with urllib.request.urlopen(f"{live_server.url}/healthz", timeout=10) as response:
            return response.status

    assert connection.settings_dict["CONN_HEALTH_CHECKS"] and connection.settings_dict["CONN_MAX_AGE"] > 0
    assert health() == 200
    drop_all_connections()
    # The server's next request finds its persistent connection dead, health-checks it and reconnects.
    assert health() == 200

    from django.db import OperationalError
    from django.urls import path

    def view_that_meets_a_dead_database(request):
        raise OperationalError("server closed the connection unexpectedly")

    import config.urls

    config.urls.urlpatterns.append(path("__dead__", view_that_meets_a_dead_database))
    try:
        from django.urls import clear_url_caches

        clear_url_caches()
        page = client.get("/__dead__")
        assert page.status_code == 503 and "nothing was saved" in page.content.decode()
        assert page["Retry-After"] == "30"
    finally:
        config.urls.urlpatterns.pop()
        clear_url_caches()


def test_concurrent_writers_survive_a_connection_drop():
    central = f.OrganisationFactory(kind="charity")
    manager = member("manager", central, username="m2")
    programme = f.ProgrammeFactory(managed_by=central, budget=Decimal("1000000"))
    award = force_state(f.AwardFactory(programme=programme, amount_requested=Decimal("100000")), "in_assessment")
    award = services.award_approve(award=award, actor=manager)
    errors, done = [], []

    def schedule(i):
        try:
            for _attempt in range(3):
                try:
                    services.payment_schedule(award=award, due_on="2026-06-30", amount="1000", actor=manager)
                    done.append(i)
                    return
                except Exception as problem:  # noqa: BLE001 - a lost connection: retry, as a user would
                    errors.append(problem)
                    connection.close()
        finally:
            connection.close()

    threads = [threading.Thread(target=schedule, args=(i,)) for i in range(10)]
    for t in threads:
        t.start()
    drop_all_connections()
    for t in threads:
        t.join(timeout=60)
    connection.close()
    award.refresh_from_db()
    # Every payment either exists whole (with its money log) or not at all, and retries got them all in.
    assert award.payments.count() == len(done) == 10
    assert MoneyChange.objects.filter(field="amount", content_type__model="payment").count() == 10
    assert award.scheduled_total() == Decimal("10000.00")
