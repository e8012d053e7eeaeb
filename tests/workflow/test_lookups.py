"""workflow.lookups.in_values (`field IN (values)` that PostgreSQL receives as one array parameter) and
key_chunks (values in slices one statement can carry)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from grants.models import Award
from tests import factories as f
from workflow.lookups import in_values, key_chunks

pytestmark = pytest.mark.django_db


def test_the_rows_whose_key_or_text_is_one_of_the_values():
    awards = [f.AwardFactory(identifier=f"360G-lookup-{n}") for n in range(3)]
    by_pk = Award.objects.filter(in_values(Award, "id", [awards[0].pk, awards[2].pk, 0]))
    assert sorted(by_pk.values_list("pk", flat=True)) == sorted([awards[0].pk, awards[2].pk])
    by_text = Award.objects.filter(in_values(Award, "identifier", ["360G-lookup-1", "360g-lookup-2", "it's"]))
    assert list(by_text.values_list("identifier", flat=True)) == ["360G-lookup-1"]
    assert not Award.objects.filter(in_values(Award, "identifier", [])).exists()


def test_a_value_longer_than_the_column_matches_nothing():
    """A key longer than the column (an import's over-long identifier) is not cut to the column's length:
    it matches no record, not the one holding its first 100 characters."""
    full = "360G-" + "x" * 95  # the identifier's whole 100 characters
    f.AwardFactory(identifier=full)
    assert not Award.objects.filter(in_values(Award, "identifier", [full + "-2", "£1,000", "it's ’"])).exists()
    assert Award.objects.filter(in_values(Award, "identifier", [full])).count() == 1


def test_a_relation_takes_objects_or_keys_and_its_column_takes_keys():
    award = f.AwardFactory()
    f.AwardFactory()
    assert list(Award.objects.filter(in_values(Award, "programme", [award.programme]))) == [award]
    assert list(Award.objects.filter(in_values(Award, "programme", [award.programme_id]))) == [award]
    assert list(Award.objects.filter(in_values(Award, "programme_id", [award.programme_id, -1]))) == [award]


def test_values_in_slices_of_the_databases_parameter_limit(monkeypatch):
    values = list(range(2_000))
    limit = connection.features.max_query_params
    chunks = list(key_chunks(Award, values))
    assert [v for chunk in chunks for v in chunk] == values
    assert len(chunks) == (1 if limit is None else -(-2_000 // (limit - 100)))  # SQLite: 899 + 899 + 202
    monkeypatch.setattr(connection.features, "max_query_params", 103)
    assert [len(c) for c in key_chunks(Award, values[:7])] == [3, 3, 1]
    assert list(key_chunks(Award, [])) == []


@pytest.mark.postgres
def test_postgresql_gets_ten_thousand_values_as_one_parameter():
    award = f.AwardFactory()
    values = [award.pk, *range(-10_000, -1)]
    with CaptureQueriesContext(connection) as reading:
        assert list(Award.objects.filter(in_values(Award, "id", values))) == [award]
        assert list(Award.objects.filter(in_values(Award, "programme_id", [award.programme_id, *values]))) == [award]
    for sql in [q["sql"] for q in reading.captured_queries]:
        assert "= ANY(" in sql.upper().replace("ANY (", "ANY(")
        assert " IN (" not in sql
