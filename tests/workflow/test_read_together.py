"""workflow.selectors.read_together: the objects several foreign keys of a list point at, in one query."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reporting.models import ProgressUpdate
from tests import factories as f
from workflow.selectors import read_together

pytestmark = pytest.mark.django_db


def test_an_author_and_a_reviewer_for_a_whole_list_in_one_query(world):
    written = f.ProgressUpdateFactory(author=world.partner)
    reviewed = f.ProgressUpdateFactory(author=world.partner)
    ProgressUpdate.objects.filter(pk=reviewed.pk).update(reviewed_by=world.manager)
    nobody = f.ProgressUpdateFactory(author=None)
    updates = list(ProgressUpdate.objects.filter(pk__in=[written.pk, reviewed.pk, nobody.pk]).order_by("pk"))
    with CaptureQueriesContext(connection) as reading:
        rows = read_together(updates, "author", "reviewed_by")
    assert len(reading) == 1
    with CaptureQueriesContext(connection) as using:
        people = [(u.author and u.author.username, u.reviewed_by and u.reviewed_by.username) for u in rows]
    assert len(using) == 0
    assert people == [("partner", None), ("partner", "manager"), (None, None)]
    assert read_together([], "author") == []


def test_keys_to_different_models_are_refused(world):
    update = f.ProgressUpdateFactory(author=world.partner)
    with pytest.raises(TypeError, match="several"):
        read_together([update], "author", "award")
