"""Build a large, believable data set fast (bulk inserts), for load and report benchmarks.

    DATABASE_URL=... python -m bench.scale 10000      # prints JSON: logins and ids the load test uses

States are written directly here, as a data loader restoring history would; the application
itself only moves them through the services.
"""

import datetime as dt
import json
import os
import random
import sys
from decimal import Decimal


def load_programmes() -> dict:
    """What both builders share: the central team, the funder, the partnership, 20 programmes with budgets
    no load can exhaust, and the manager and funder who sign in."""
    from django.contrib.auth import get_user_model

    from accounts.models import OrganisationMembership
    from grants.models import FundingProgramme
    from partnerships.models import Organisation, Partnership, Region

    region = Region.objects.get(code="E12000005")  # England's authorities come with the database (migrate)
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
    users = {}
    for role, org in (("manager", central), ("funder", funder)):
        users[role] = get_user_model().objects.create_user(
            f"load-{role}", password="exchange-load-test", is_staff=role == "manager"
        )
        OrganisationMembership.objects.create(user=users[role], organisation=org, role=role)
    return {
        "region": region,
        "central": central,
        "funder": funder,
        "partnership": partnership,
        "programmes": programmes,
        "users": users,
    }


def populate(n_awards: int, seed: int = 7) -> dict:
    from django.contrib.auth import get_user_model
    from django.contrib.contenttypes.models import ContentType
    from django.contrib.sessions.backends.db import SessionStore
    from django.db import connection, transaction
    from rest_framework.authtoken.models import Token

    from accounts.models import OrganisationMembership
    from grants.models import Award, Payment
    from partnerships.models import LocalAuthority, Organisation, Project
    from reporting.models import Indicator
    from workflow.models import TransitionLog

    rng = random.Random(seed)
    User = get_user_model()
    with transaction.atomic():
        las = list(LocalAuthority.objects.filter(region__code="E12000005").order_by("dfe_code"))
        orgs = Organisation.objects.bulk_create(
            Organisation(
                name=f"Trust {i}",
                kind="mat",
                identifier=f"GB-COH-{20000000 + i}",
                local_authority=las[i % len(las)],
                pupil_count=rng.randint(300, 9000),
            )
            for i in range(max(200, n_awards // 50))
        )
        shared = load_programmes()
        central, funder, partnership, programmes = (
            shared[k] for k in ("central", "funder", "partnership", "programmes")
        )
        projects = Project.objects.bulk_create(
            Project(
                partnership=partnership,
                reference=f"LOAD-{i:05d}",
                title=f"Project {i}",
                lead_organisation=orgs[i % len(orgs)],
                theme="peer_review",
                summary="Peer review.",
                state="in_delivery",
                planned_start=dt.date(2026, 1, 5),
                planned_end=dt.date(2026, 12, 18),
            )
            for i in range(max(50, n_awards // 20))
        )
        states = [
            "draft",
            "submitted",
            "in_assessment",
            "approved",
            "active",
            "active",
            "active",
            "in_evaluation",
            "closed",
            "declined",
        ]
        awards = []
        for i in range(n_awards):
            state = states[i % len(states)]
            requested = Decimal(rng.randrange(500000, 9000000)) / 100
            committed = state in ("approved", "active", "in_evaluation", "closed")
            awards.append(
                Award(
                    identifier=f"360G-LOAD-{i:06d}",
                    programme=programmes[i % 20],
                    recipient=orgs[i % len(orgs)],
                    project=projects[i % len(projects)],
                    partnership=partnership,
                    title=f"Award {i}",
                    amount_requested=requested,
                    amount_awarded=requested if committed else None,
                    planned_start=dt.date(2026, 1, 5),
                    planned_end=dt.date(2026, 12, 18),
                    state=state,
                )
            )
        awards = Award.objects.bulk_create(awards, batch_size=5000)
        Payment.objects.bulk_create(
            (
                Payment(
                    award=a,
                    due_on=dt.date(2026, 3, 31),
                    amount=a.amount_awarded / 2,
                    state="paid" if a.state == "closed" else "scheduled",
                )
                for a in awards
                if a.amount_awarded
            ),
            batch_size=5000,
        )
        Indicator.objects.bulk_create(
            (Indicator(award=a, name="Children reached", unit="children", target=Decimal("500")) for a in awards[::10]),
            batch_size=5000,
        )
        ct = ContentType.objects.get_for_model(Award)
        TransitionLog.objects.bulk_create(
            (
                TransitionLog(
                    content_type=ct,
                    object_id=a.pk,
                    object_repr=a.identifier,
                    transition="submit",
                    source="draft",
                    target="submitted",
                )
                for a in awards
                if a.state != "draft"
            ),
            batch_size=5000,
        )
        manager, funder_user = shared["users"]["manager"], shared["users"]["funder"]
        partner = User.objects.create_user("load-partner", password="exchange-load-test")
        OrganisationMembership.objects.create(user=partner, organisation=orgs[0], role="partner")

    from grants.services import programme_totals_recount
    from reporting import due_rows

    programme_totals_recount()
    due_rows.rebuild()  # written in bulk, as an import would be: the due periods worked out once
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")  # as autovacuum would soon after a bulk load; plans need the statistics

    def session_for(user):
        session = SessionStore()
        session["_auth_user_id"] = str(user.pk)
        session["_auth_user_backend"] = "django.contrib.auth.backends.ModelBackend"
        session["_auth_user_hash"] = user.get_session_auth_hash()
        session.create()
        return session.session_key

    return {
        "awards": n_awards,
        "manager_token": Token.objects.create(user=manager).key,
        "funder_token": Token.objects.create(user=funder_user).key,
        "partner_token": Token.objects.create(user=partner).key,
        "manager_session": session_for(manager),
        "award_ids": [a.pk for a in awards[:: max(1, n_awards // 500)]],
        "submitted_ids": [a.pk for a in awards if a.state == "submitted"][:5000],
    }


if __name__ == "__main__":
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    print(json.dumps(populate(int(sys.argv[1]))))
