"""Load the demo scenario (demo/scenario/*.yaml) into the database, safe to run again.

Reference data (regions, local authorities, organisations, people and their memberships) is keyed on
natural keys (ONS codes, org-ids, usernames) and brought up to date in place. Everything with a
workflow — partnerships, programmes, projects, awards and what happened to them — is created only
through the services the pages and the API call, acting as the demo managers and partners, once:
a partnership, programme, project or award that already exists is left exactly as it is, whatever has
happened to it since, so a second run changes nothing.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from functools import cache
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.utils import timezone

from accounts import roles
from accounts.models import OrganisationMembership
from grants.models import Award, FundingProgramme
from grants.services import award_create, award_transition, programme_create
from partnerships.models import (
    LocalAuthority,
    Organisation,
    Partnership,
    Project,
    Region,
    SubRegion,
)
from partnerships.services import (
    partnership_add_member,
    partnership_create,
    project_create,
    project_set_partners,
    project_transition,
)
from reporting.services import indicator_add
from workflow import clock

from .assessment import load_assessment
from .dates import resolve
from .models import DemoScenario
from .money import load_money
from .replay import Replay, ScenarioError
from .support import load_support

SCENARIO = Path(__file__).resolve().parent / "scenario"
REAL_MARK = " (demo)"  # after the name of a real body that the scenario gives invented grants and figures
PARTNER = "partner"


@cache
def read(name: str):
    with open(SCENARIO / f"{name}.yaml", encoding="utf-8") as fh:
        return yaml.safe_load(fh)


def _award_step(award, **step):
    return award_transition(award=award, **step)


def _project_step(project, **step):
    return project_transition(project=project, **step)


def display_name(spec: dict) -> str:
    return spec["name"] + (REAL_MARK if spec.get("real") else "")


class Loader:
    def __init__(self, *, today: dt.date | None = None):
        real_today = timezone.localdate()
        self.today = today or real_today
        # Loaded "as of" another day (tests, `--today`): that day's end of office hours is "now".
        self.now = (
            timezone.now()
            if self.today == real_today
            else timezone.make_aware(dt.datetime.combine(self.today, dt.time(17, 30)))
        )
        self.created = {"project": 0, "award": 0}

    def day(self, expression) -> dt.date | None:
        return resolve(expression, self.today)

    def moment(self, expression, *, hour: int = 10) -> dt.datetime:
        day = self.day(expression)
        at = timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))
        return min(at, self.now)

    def user(self, username: str):
        return self.users[username]

    def local_authority(self, name: str) -> LocalAuthority:
        return self.las[name]

    def load(self):
        with transaction.atomic():
            self.load_geography()
            self.load_organisations()
            self.load_people()
            self.load_partnerships()
            self.load_programmes()
            self.load_projects()
            self.load_awards()
            load_assessment(self)
            load_support(self)  # demo/support.py: needs, offers and matches that became projects
            load_money(self, read("money"))  # budget lines, variations, payment runs (demo/money.py)
            DemoScenario.mark_loaded(today=self.today)
        return self

    # Reference data -------------------------------------------------------------------------------

    def load_geography(self):
        spec = read("geography")
        self.regions = {
            r["code"]: Region.objects.update_or_create(code=r["code"], defaults={"name": r["name"]})[0]
            for r in spec["regions"]
        }
        self.sub_regions = {
            s["number"]: SubRegion.objects.update_or_create(
                name=s["name"], defaults={"region": self.regions[s["region"]], "number": s["number"]}
            )[0]
            for s in spec["sub_regions"]
        }
        self.las = {}
        for la in spec["local_authorities"]:
            self.las[la["name"]] = LocalAuthority.objects.update_or_create(
                gss_code=la["gss_code"],
                defaults={
                    "name": la["name"],
                    "dfe_code": str(la["dfe_code"]),
                    "region": self.regions[la["region"]],
                    "sub_region": self.sub_regions.get(la["sub_region"]),
                },
            )[0]

    def _org(self, spec: dict, kind: str, pupils=None) -> Organisation:
        la = spec.get("local_authority")
        org, _ = Organisation.objects.update_or_create(
            identifier=spec["identifier"],
            defaults={
                "name": display_name(spec),
                "kind": kind,
                "local_authority": self.las[la] if la else None,
                "trust": self.orgs[spec["trust"]] if spec.get("trust") else None,
                "pupil_count": pupils,
            },
        )
        self.orgs[spec["identifier"]] = org
        return org

    def load_organisations(self):
        spec = read("organisations")
        self.orgs = {}
        for council in spec["councils"]:
            self._org(council, "local_authority")
        for trust in spec["trusts"]:
            pupils = sum(s["pupils"] for s in spec["schools"] if s["trust"] == trust["identifier"])
            self._org(trust, "mat", pupils=pupils)
        for school in spec["schools"]:
            self._org(school, "school", pupils=school["pupils"])
        for other in spec["others"]:
            self._org(other, other["kind"])

    def load_people(self):
        User = get_user_model()
        password = make_password(settings.DEMO_PASSWORD)  # hashed once: every demo login shares the password
        self.users, self.partner_users, self.logins = {}, {}, []
        for person in read("people")["people"]:
            user, _ = User.objects.update_or_create(
                username=person["username"],
                defaults={
                    "first_name": person["first_name"],
                    "last_name": person["last_name"],
                    "email": person["email"],
                    "is_staff": person["is_staff"],
                    "is_superuser": person["is_superuser"],
                    "is_active": True,
                    "password": password,
                },
            )
            for membership in person["memberships"]:
                OrganisationMembership.objects.update_or_create(
                    user=user,
                    organisation=self.orgs[membership["organisation"]],
                    role=membership["role"],
                    defaults={"job_title": membership["job_title"]},
                )
                if membership["role"] == PARTNER:
                    self.partner_users.setdefault(membership["organisation"], user)
            roles.forget(user)
            self.users[person["username"]] = user
            self.logins.append(person)

    # Partnerships and programmes, set up by their managers ------------------------------------------

    def load_partnerships(self):
        self.partnerships, self.partnership_manager = {}, {}
        for spec in read("partnerships")["partnerships"]:
            manager = self.user(spec["manager"])
            self.partnership_manager[spec["name"]] = manager
            partnership = Partnership.objects.filter(name=spec["name"]).first()
            if partnership is None:
                with clock.at(self.moment(spec["starts_on"])):
                    partnership = partnership_create(
                        actor=manager,
                        lead_organisation=self.orgs[spec["lead"]],
                        name=spec["name"],
                        region=self.regions[spec["region"]],
                        starts_on=self.day(spec["starts_on"]),
                        ends_on=self.day(spec["ends_on"]),
                        aims=spec["aims"],
                    )
                for member in spec["members"]:
                    with clock.at(self.moment(member["joined_on"])):
                        partnership_add_member(
                            partnership=partnership,
                            actor=manager,
                            organisation=self.orgs[member["organisation"]],
                            role=member["role"],
                            joined_on=self.day(member["joined_on"]),
                        )
            self.partnerships[spec["name"]] = partnership

    def load_programmes(self):
        self.programmes, self.programme_manager = {}, {}
        for spec in read("programmes")["programmes"]:
            manager = self.user(spec["manager"])
            programme = FundingProgramme.objects.filter(name=spec["name"]).first()
            if programme is None:
                with clock.at(self.moment(f"{spec['opens_on']}-14d")):
                    programme = programme_create(
                        actor=manager,
                        funder=self.orgs[spec["funder"]],
                        managed_by=self.orgs[spec["managed_by"]],
                        budget=Decimal(str(spec["budget"])),
                        name=spec["name"],
                        partnership=self.partnerships[spec["partnership"]],
                        opens_on=self.day(spec["opens_on"]),
                        closes_on=self.day(spec["closes_on"]),
                        identifier_prefix=spec["identifier_prefix"],
                        description=spec["description"],
                    )
            self.programmes[spec["name"]] = programme
            self.programme_manager[programme.pk] = manager

    # Projects and awards, walked through their workflows ------------------------------------------

    def _indicators(self, spec: dict, manager, **subject):
        for indicator in spec.get("indicators", []):
            indicator_add(
                actor=manager,
                name=indicator["name"],
                unit=indicator["unit"],
                baseline=Decimal(str(indicator.get("baseline", 0))),
                target=Decimal(str(indicator["target"])),
                direction=indicator.get("direction", "increase"),
                cumulative=indicator.get("cumulative", True),
                allow_negative=indicator.get("allow_negative", False),
                **subject,
            )

    def load_projects(self):
        self.projects = {}
        for spec in read("projects")["projects"]:
            project = Project.objects.filter(reference=spec["reference"]).first()
            if project is None:
                project = self._new_project(spec)
            self.projects[spec["reference"]] = project

    def _new_project(self, spec: dict) -> Project:
        manager = self.partnership_manager[spec["partnership"]]
        applicant = self.partner_users.get(spec["lead"])
        started = self.moment(spec["drafted_on"])
        start, end = spec.get("planned") or (None, None)
        with clock.at(started):
            project = project_create(
                actor=applicant or manager,
                partnership=self.partnerships[spec["partnership"]],
                title=spec["title"],
                lead_organisation=self.orgs[spec["lead"]],
                reference=spec["reference"],
                theme=spec["theme"],
                summary=spec["summary"],
                settings_reached=spec["settings_reached"],
                children_reached=spec["children_reached"],
                planned_start=self.day(start),
                planned_end=self.day(end),
            )
            partners = [(self.orgs[org], gives, receives) for org, gives, receives in spec["partners"]]
            self._partners_join(project.partnership, manager, [org for org, _, _ in partners])
            project_set_partners(project=project, actor=applicant or manager, partners=partners)
            self._indicators(spec, manager, project=project)
        replay = Replay(self, project, step=_project_step, manager=manager, applicant=applicant, started=started)
        project = replay.run(spec.get("steps"))
        self._check_state(project, spec["state"])
        self.created["project"] += 1
        return project

    @staticmethod
    def _partners_join(partnership, manager, organisations) -> None:
        """A project's partners come from its partnership: the seeds name schools of member trusts, so the
        partnership's manager adds each one that is not a member yet, as they would on the partnership page."""
        members = set(partnership.members.values_list("organisation_id", flat=True))
        for organisation in organisations:
            if organisation.pk not in members:
                partnership_add_member(partnership=partnership, actor=manager, organisation=organisation)

    def load_awards(self):
        for spec in read("awards")["awards"]:
            if not Award.objects.filter(identifier=spec["identifier"]).exists():
                self._new_award(spec)

    def _new_award(self, spec: dict) -> Award:
        programme = self.programmes[spec["programme"]]
        manager = self.programme_manager[programme.pk]
        applicant = self.partner_users.get(spec["recipient"])
        started = self.moment(spec["drafted_on"])
        start, end = spec["planned"]
        with clock.at(started):
            award = award_create(
                actor=applicant or manager,
                programme=programme,
                recipient=self.orgs[spec["recipient"]],
                title=spec["title"],
                amount_requested=Decimal(str(spec["amount_requested"])),
                identifier=spec["identifier"],
                project=self.projects[spec["project"]] if spec.get("project") else None,
                partnership=programme.partnership,
                description=spec.get("description", ""),
                planned_start=self.day(start),
                planned_end=self.day(end),
                reporting_frequency=spec.get("frequency", "termly"),
            )
            self._indicators(spec, manager, award=award)
        replay = Replay(self, award, step=_award_step, manager=manager, applicant=applicant, started=started)
        award = replay.run(spec.get("steps"))
        self._check_state(award, spec["state"])
        self.created["award"] += 1
        return award

    @staticmethod
    def _check_state(obj, expected: str):
        if obj.state != expected:
            raise ScenarioError(f"{obj} ended {obj.state}, not {expected}: the demo scenario is out of date.")
