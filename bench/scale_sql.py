"""Build 10,000 to 1,000,000 awards on PostgreSQL in minutes: the same shape as bench.scale (its people,
programmes and state mix), but the big tables written by `INSERT … SELECT … FROM generate_series` inside
the database instead of Python objects (1,000,000 awards, their payments, transitions, indicators and
updates: about 2–3 minutes here, most of it building indexes and VACUUM ANALYZE).

    DATABASE_URL=postgres://…/bench_perf_1m python -m bench.scale_sql 1000000   # prints JSON logins

States are written directly, as a data loader restoring history would; the programme running totals
are then recounted by the service that reconciles them, and the tables vacuumed and analysed as
autovacuum would soon after a bulk load (plans and index-only scans need both).
"""

import datetime as dt
import json
import os
import sys
from decimal import Decimal

# The award states cycle as in bench.scale: 10% draft, submitted, in assessment, approved; 30% active;
# 10% in evaluation, closed, declined.
STATES = ["draft", "submitted", "in_assessment", "approved", "active", "active", "active"]
STATES += ["in_evaluation", "closed", "declined"]
COMMITTED = ("approved", "active", "in_evaluation", "closed")


def _people(n_awards: int) -> dict:
    """The few rows the bench signs in as and groups under: made through the ORM."""
    from django.contrib.auth import get_user_model

    from grants.models import FundingProgramme
    from partnerships.models import (
        LocalAuthority,
        Organisation,
        OrganisationMembership,
        Partnership,
        Region,
        SubRegion,
    )

    region = Region.objects.create(name="West Midlands", code="E12000005")
    subs = [SubRegion.objects.create(region=region, name=f"Sub-region {i}", number=i + 1) for i in range(4)]
    las = [
        LocalAuthority.objects.create(
            name=f"Authority {i}",
            gss_code=f"E0800{i:04d}",
            dfe_code=f"{300 + i}",
            region=region,
            sub_region=subs[i % 4],
        )
        for i in range(14)
    ]
    central = Organisation.objects.create(name="Central team", kind="charity", identifier="GB-CHC-9000001")
    funder = Organisation.objects.create(name="Load Foundation", kind="funder", identifier="GB-CHC-9000002")
    partnership = Partnership.objects.create(
        name="Load Partnership", region=region, lead_organisation=central, starts_on=dt.date(2025, 9, 1)
    )
    programmes = [
        FundingProgramme.objects.create(
            name=f"Programme {i:02d}",
            funder=funder,
            managed_by=central,
            partnership=partnership,
            budget=Decimal("100000000000.00"),
            opens_on=dt.date(2016, 9, 1),
            closes_on=dt.date(2029, 8, 31),
            identifier_prefix=f"360G-LOAD{i}",
        )
        for i in range(20)
    ]
    User = get_user_model()
    users = {}
    for role, org in (("manager", central), ("funder", funder)):
        users[role] = User.objects.create_user(
            f"load-{role}", password="exchange-load-test", is_staff=role == "manager"
        )
        OrganisationMembership.objects.create(user=users[role], organisation=org, role=role)
    return {"las": las, "partnership": partnership, "programmes": programmes, "users": users}


def _sql(cursor, n: int, ctx: dict) -> None:
    n_orgs, n_projects = max(200, n // 50), max(50, n // 20)
    la_ids = [la.pk for la in ctx["las"]]
    programme_ids = [p.pk for p in ctx["programmes"]]
    partnership_id, manager_id = ctx["partnership"].pk, ctx["users"]["manager"].pk
    cursor.execute(
        """INSERT INTO partnerships_organisation (name, kind, identifier, pupil_count, website, postcode,
                                                  local_authority_id)
           SELECT 'Trust ' || i, 'mat', 'GB-COH-' || (20000000 + i), 300 + (i * 37) %% 8700, '', '',
                  (%s::bigint[])[1 + i %% %s]
           FROM generate_series(0, %s - 1) AS i""",
        [la_ids, len(la_ids), n_orgs],
    )
    cursor.execute(
        """CREATE TEMP TABLE bench_org AS
           SELECT id, (row_number() OVER (ORDER BY id)) - 1 AS k FROM partnerships_organisation WHERE kind = 'mat'"""
    )
    cursor.execute(
        """INSERT INTO partnerships_project (reference, title, theme, summary, settings_reached, children_reached,
                   planned_start, planned_end, state, created_at, updated_at, lead_organisation_id, partnership_id)
           SELECT 'LOAD-' || lpad(i::text, 6, '0'), 'Project ' || i, 'peer_review', 'Peer review.', 1 + i %% 5,
                  20 + i %% 400, DATE '2026-01-05', DATE '2026-12-18', 'in_delivery', now(), now(), o.id, %s
           FROM generate_series(0, %s - 1) AS i JOIN bench_org o ON o.k = i %% %s""",
        [partnership_id, n_projects, n_orgs],
    )
    cursor.execute(
        """CREATE TEMP TABLE bench_project AS
           SELECT id, (row_number() OVER (ORDER BY id)) - 1 AS k FROM partnerships_project"""
    )
    # Awards: newest last (created a minute apart, ending now), so the default newest-first order
    # and the identifiers agree.
    cursor.execute(
        """INSERT INTO grants_award (identifier, title, description, currency, amount_requested, amount_awarded,
                   planned_start, planned_end, reporting_frequency, state, submitted_at, decided_at, created_at,
                   updated_at, partnership_id, project_id, recipient_id, programme_id)
           SELECT '360G-LOAD-' || lpad(i::text, 7, '0'), 'Award ' || i, '', 'GBP', amount,
                  CASE WHEN state = ANY(%s) THEN amount END, DATE '2026-01-05', DATE '2026-12-18', 'termly', state,
                  CASE WHEN state <> 'draft' THEN created END, CASE WHEN state = ANY(%s) THEN created END,
                  created, created, %s, p.id, o.id, (%s::bigint[])[1 + i %% 20]
           FROM (SELECT i, (%s::text[])[1 + i %% 10] AS state,
                        (500000 + (i::bigint * 7919) %% 8500000) / 100.0 AS amount,
                        now() - (%s - i) * interval '1 minute' AS created
                 FROM generate_series(0, %s - 1) AS i) AS a
           JOIN bench_org o ON o.k = i %% %s JOIN bench_project p ON p.k = i %% %s""",
        [list(COMMITTED), list(COMMITTED), partnership_id, programme_ids, STATES, n, n, n_orgs, n_projects],
    )
    cursor.execute(
        """INSERT INTO grants_payment (due_on, amount, state, paid_on, reference, created_at, award_id)
           SELECT DATE '2026-03-31', round(amount_awarded / 2, 2), CASE WHEN state = 'closed' THEN 'paid'
                  ELSE 'scheduled' END, CASE WHEN state = 'closed' THEN DATE '2026-03-31' END, '', created_at, id
           FROM grants_award WHERE amount_awarded IS NOT NULL"""
    )
    cursor.execute(
        """INSERT INTO reporting_indicator (name, unit, baseline, target, direction, cumulative, award_id,
                                            allow_negative, breakdowns)
           SELECT 'Children reached', 'children', 0, 500, 'increase', true, id, false, ''
           FROM grants_award WHERE id %% 10 = 0""",
        [],
    )
    cursor.execute(
        """INSERT INTO reporting_progressupdate (period_start, period_end, due_on, is_final, progress, challenges,
                   next_steps, spend_to_date, settings_reached, children_reached, state, submitted_at,
                   review_note, created_at, updated_at, author_id, award_id)
           SELECT DATE '2026-01-05', DATE '2026-03-31', DATE '2026-04-30', false, 'Twelve peer reviews.', '', '',
                  1000, 3, 120, (ARRAY['draft', 'submitted', 'accepted', 'accepted'])[1 + (id / 10) %% 4],
                  created_at, '', created_at, created_at, %s, id
           FROM grants_award WHERE state IN ('active', 'in_evaluation', 'closed') AND id %% 5 = 0""",
        [manager_id],
    )
    cursor.execute(
        """INSERT INTO workflow_transitionlog (object_id, object_repr, transition, source, target, at, note,
                                               actor_id, content_type_id)
           SELECT id, identifier, 'submit', 'draft', 'submitted', created_at, '', %s,
                  (SELECT id FROM django_content_type WHERE app_label = 'grants' AND model = 'award')
           FROM grants_award WHERE state <> 'draft'""",
        [manager_id],
    )


def populate(n_awards: int) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from grants.services import programme_totals_recount
    from partnerships.models import OrganisationMembership

    assert connection.vendor == "postgresql", "bench.scale_sql builds on PostgreSQL"
    with transaction.atomic():
        ctx = _people(n_awards)
        with connection.cursor() as cursor:
            _sql(cursor, n_awards, ctx)
        from partnerships.models import Organisation

        partner = get_user_model().objects.create_user("load-partner", password="exchange-load-test")
        first_trust = Organisation.objects.filter(kind="mat").order_by("pk").first()
        OrganisationMembership.objects.create(user=partner, organisation=first_trust, role="partner")
        ctx["users"]["partner"] = partner
    programme_totals_recount()
    connection.ensure_connection()
    old_autocommit = connection.get_autocommit()
    connection.set_autocommit(True)
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    connection.set_autocommit(old_autocommit)

    def session_for(user):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    users = ctx["users"]
    return {
        "awards": n_awards,
        **{f"{role}_token": Token.objects.create(user=u).key for role, u in users.items()},
        "manager_session": session_for(users["manager"]),
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(populate(int(sys.argv[1]))))
