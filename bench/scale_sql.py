"""Build 10,000 to 1,000,000 awards on PostgreSQL in minutes: the same shape as bench.scale (its people,
programmes and state mix), but the big tables written by `INSERT … SELECT … FROM generate_series` inside
the database instead of Python objects (1,000,000 awards, their payments, transitions, indicators and
updates: about 2–3 minutes here, most of it building indexes and VACUUM ANALYZE).

    DATABASE_URL=postgres://…/bench_perf_1m python -m bench.scale_sql 1000000   # prints JSON logins

States are written directly, as a data loader restoring history would; the programme running totals
are then recounted by the service that reconciles them, and the tables vacuumed and analysed as
autovacuum would soon after a bulk load (plans and index-only scans need both).
"""

import contextlib
import json
import os
import sys

# The award states cycle as in bench.scale: 10% draft, submitted, in assessment, approved; 30% active;
# 10% in evaluation, closed, declined.
STATES = ["draft", "submitted", "in_assessment", "approved", "active", "active", "active"]
STATES += ["in_evaluation", "closed", "declined"]
COMMITTED = ("approved", "active", "in_evaluation", "closed")


def _people() -> dict:
    """The few rows the bench signs in as and groups under: made through the ORM (bench.scale's set-up)."""
    from bench.scale import load_programmes
    from partnerships.models import LocalAuthority

    ctx = load_programmes()
    ctx["las"] = list(LocalAuthority.objects.filter(region=ctx["region"]).order_by("dfe_code"))
    return ctx


LOADED = [
    ("partnerships", "Organisation"),
    ("partnerships", "Project"),
    ("grants", "Award"),
    ("grants", "Payment"),
    ("reporting", "Indicator"),
    ("reporting", "ProgressUpdate"),
    ("workflow", "TransitionLog"),
]


@contextlib.contextmanager
def _column_defaults(cursor):
    """Django keeps field defaults in Python, so an `INSERT … SELECT` that leaves out a NOT NULL column
    (one a later migration added, say) would fail. For the load, give each such column of the loaded tables
    its model default in the database, then take those defaults away so the schema is as migrations left it."""
    from django.apps import apps
    from django.db import connection

    added = []
    for app_label, name in LOADED:
        model = apps.get_model(app_label, name)
        table = model._meta.db_table
        cursor.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = %s AND column_default IS NULL",
            [table],
        )
        bare = {row[0] for row in cursor.fetchall()}
        for field in model._meta.concrete_fields:
            if field.column not in bare or field.primary_key or field.is_relation or field.null:
                continue
            if not (field.has_default() or field.empty_strings_allowed):
                continue
            value = field.get_db_prep_save(field.get_default(), connection)
            # A statement like this one takes no parameters from the server: the value is written in.
            default = connection.ops.compose_sql(
                f'ALTER TABLE "{table}" ALTER COLUMN "{field.column}" SET DEFAULT %s', [value]
            )
            cursor.execute(default)
            added.append((table, field.column))
    try:
        yield
    finally:
        for table, column in added:
            cursor.execute(f'ALTER TABLE "{table}" ALTER COLUMN "{column}" DROP DEFAULT')


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
    # and the identifiers agree; inserted in that order, as a real table fills (ids and heap order follow
    # created_at; scattered, a broad search read every block).
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
           JOIN bench_org o ON o.k = i %% %s JOIN bench_project p ON p.k = i %% %s
           ORDER BY i""",
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

    from accounts.models import OrganisationMembership
    from grants.services import programme_totals_recount
    from partnerships.models import Organisation
    from reporting import due_rows

    assert connection.vendor == "postgresql", "bench.scale_sql builds on PostgreSQL"
    with transaction.atomic():
        ctx = _people()
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # no deferred checks pending when the defaults change
            with _column_defaults(cursor):
                _sql(cursor, n_awards, ctx)

        partner = get_user_model().objects.create_user("load-partner", password="exchange-load-test")
        first_trust = Organisation.objects.filter(kind="mat").order_by("pk").first()
        OrganisationMembership.objects.create(user=partner, organisation=first_trust, role="partner")
        ctx["users"]["partner"] = partner
    programme_totals_recount()
    due_rows.rebuild()  # written in bulk, as an import would be: the due periods worked out once
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
