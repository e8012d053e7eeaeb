"""The benchmark builders themselves: `make bench` is only as good as the data they build, and a migration
that adds a NOT NULL column or moves a model must not leave them broken until the next benchmark run."""

from decimal import Decimal

import pytest
from django.db.models import Sum

from grants.models import Award, AwardTally, FundingProgramme, Payment
from grants.tallies import recount
from reporting import due_rows
from reporting.models import DueRow


def _check_built(n: int, result: dict) -> None:
    assert result["awards"] == n
    assert Award.objects.count() == n
    assert set(Award.objects.values_list("state", flat=True)) >= {"draft", "active", "closed", "declined"}
    assert Payment.objects.filter(state="paid").exists()
    # The derived figures agree with the rows: stage tallies (triggers) and the programmes' committed totals.
    assert recount() == 0
    assert due_rows.recount() == 0 and DueRow.objects.exists()  # the due periods of the reporting awards
    assert AwardTally.objects.aggregate(n=Sum("awards"))["n"] == n
    committed = Award.objects.exclude(amount_awarded=None).aggregate(s=Sum("amount_awarded"))["s"]
    kept = sum((p.committed_amount for p in FundingProgramme.objects.all()), Decimal("0"))
    assert kept == committed
    assert {"manager_token", "funder_token", "partner_token", "manager_session"} <= result.keys()


@pytest.mark.django_db
def test_the_orm_builder_makes_a_consistent_data_set():
    from bench.scale import populate

    _check_built(500, populate(500))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)  # the SQL builder ends with VACUUM, which no transaction may wrap
def test_the_sql_builder_makes_a_consistent_data_set():
    from importlib import import_module

    from django.apps import apps

    from bench.scale_sql import populate
    from partnerships.models import Region

    if not Region.objects.filter(code="E12000005").exists():
        # An earlier transactional test emptied every table, England's authorities (shipped by a migration) too.
        import_module("partnerships.migrations.0008_english_local_authorities").load(apps, None)

    _check_built(2000, populate(2000))
