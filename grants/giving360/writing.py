"""Writing what an import's preview planned: new organisations, programmes (with their budgets and the
money log), the awards in bulk, and their transition and money logs — in the caller's transaction."""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from typing import TYPE_CHECKING

from django.contrib.contenttypes.models import ContentType
from django.db.models import F
from django.utils import timezone

from partnerships.models import LocalAuthority, Organisation
from workflow.models import MoneyChange, TransitionLog
from workflow.signals import rows_written

from ..models import ZERO, Award, FundingProgramme
from .rows import GrantIn, OrgIn

if TYPE_CHECKING:
    from .importing import Outcome360

KIND_BY_PREFIX = {
    "GB-EDU": Organisation.Kind.SCHOOL,
    "GB-CHC": Organisation.Kind.CHARITY,
    "GB-SC": Organisation.Kind.CHARITY,
    "GB-NIC": Organisation.Kind.CHARITY,
    "GB-LAE": Organisation.Kind.LOCAL_AUTHORITY,
    "GB-LAS": Organisation.Kind.LOCAL_AUTHORITY,
    "GB-PLA": Organisation.Kind.LOCAL_AUTHORITY,
    "GB-LANI": Organisation.Kind.LOCAL_AUTHORITY,
    "GB-UKPRN": Organisation.Kind.COLLEGE,
    "GB-GOR": Organisation.Kind.GOVERNMENT,
    "GB-GOVUK": Organisation.Kind.GOVERNMENT,
}
IMPORT_STEP = "import_as_awarded"


def kind_for(org: OrgIn) -> str:
    """What kind of organisation a new recipient is, from its identifier's register; a recipient without a
    telling register (360G-…, a company) is recorded as a charity, the commonest recipient in 360Giving data."""
    prefix = "-".join(org.identifier.split("-")[:2])
    return KIND_BY_PREFIX.get(prefix, Organisation.Kind.CHARITY)


def in_chunks(queryset, field_name: str, values: set, size: int = 900):
    values = sorted(values)
    for start in range(0, len(values), size):
        yield from queryset.filter(**{f"{field_name}__in": values[start : start + size]})


class ImportWriter:
    """The writing half of `importing.Importer` (which sets source, actor, roles, orgs, as_awarded, now)."""

    def write(self, outcome: Outcome360) -> None:
        good = [g for g in outcome.grants if not g.problems and not g.skip]
        if not good:
            return
        locals_by_code = {la.gss_code: la for la in LocalAuthority.objects.all()}
        new_orgs = {}
        for grant in good:
            for org, kind in ((grant.funder, Organisation.Kind.FUNDER), (grant.recipient, None)):
                if org.identifier not in self.orgs and org.identifier not in new_orgs:
                    codes = [c for c in (*org.geo_codes, *(loc.get("geoCode", "") for loc in grant.locations))]
                    new_orgs[org.identifier] = Organisation(
                        identifier=org.identifier,
                        name=org.name,
                        kind=kind or kind_for(org),
                        charity_number=org.charity_number,
                        company_number=org.company_number,
                        postcode=org.postcode,
                        local_authority=next((locals_by_code[c] for c in codes if c in locals_by_code), None),
                    )
        Organisation.objects.bulk_create(new_orgs.values(), batch_size=500)
        self.orgs.update({o.identifier: o for o in in_chunks(Organisation.objects, "identifier", set(new_orgs))})
        programmes = self.write_programmes(good)
        awards = [self.award(g, programmes[g.programme_key]) for g in good]
        Award.objects.bulk_create(awards, batch_size=500)
        saved = {
            a.identifier: a
            for a in in_chunks(
                Award.objects.only("pk", "identifier", "title"), "identifier", {a.identifier for a in awards}
            )
        }
        for award in awards:
            award.pk = saved[award.identifier].pk
        self.write_logs(awards)
        rows_written.send(sender=Award, pks=[a.pk for a in awards], created=awards)
        outcome.created = len(awards)
        outcome.states = Counter(a.state for a in awards)

    def write_programmes(self, good: list[GrantIn]) -> dict:
        managed_by = None
        if self.roles.manager_orgs:
            managed_by = Organisation.objects.filter(pk__in=self.roles.manager_orgs).order_by("pk").first()
        by_key: dict = {}
        totals: dict = defaultdict(lambda: ZERO)
        spans: dict = {}
        for grant in good:
            totals[grant.programme_key] += grant.amount_awarded
            dates = [d for d in (grant.award_date, grant.planned_start, grant.planned_end, grant.actual_end) if d]
            low, high = spans.get(grant.programme_key, (min(dates), max(dates)))
            spans[grant.programme_key] = (min(low, *dates), max(high, *dates))
        budget_type = ContentType.objects.get_for_model(FundingProgramme)
        logs = []
        for key, total in totals.items():
            pk, name = key
            if pk is not None:
                by_key[key] = FundingProgramme.objects.get(pk=pk)
                continue
            grant = next(g for g in good if g.programme_key == key)
            funder = self.orgs[grant.funder.identifier]
            opens, closes = spans[key]
            programme = FundingProgramme.objects.create(
                name=name,
                funder=funder,
                managed_by=managed_by or funder,
                budget=total,
                opens_on=opens,
                closes_on=max(closes, opens + dt.timedelta(days=1)),
                code=grant.programme_code,
                identifier_prefix=(grant.programme_code or grant.identifier.rsplit("-", 1)[0])[:40],
                description=f"Created from the 360Giving file {self.source.name}.",
            )
            by_key[key] = programme
            logs.append(
                MoneyChange(
                    content_type=budget_type,
                    object_id=programme.pk,
                    object_repr=str(programme)[:300],
                    field="budget",
                    old_amount=None,
                    new_amount=total,
                    actor=self.actor,
                    note=f"Budget set to the total of its grants in {self.source.name}",
                )
            )
        MoneyChange.objects.bulk_create(logs)
        if self.as_awarded:
            for key, total in totals.items():
                FundingProgramme.objects.filter(pk=by_key[key].pk).update(
                    committed_amount=F("committed_amount") + total
                )
        return by_key

    def award(self, grant: GrantIn, programme: FundingProgramme) -> Award:
        state = self.state_for(grant)
        decided = None
        if self.as_awarded:
            decided = timezone.make_aware(dt.datetime.combine(grant.award_date, dt.time(12)))
        return Award(
            identifier=grant.identifier,
            programme=programme,
            recipient=self.orgs[grant.recipient.identifier],
            title=grant.title,
            description=grant.description,
            currency=grant.currency,
            amount_requested=grant.amount_applied_for if grant.amount_applied_for is not None else grant.amount_awarded,
            amount_awarded=grant.amount_awarded if self.as_awarded else None,
            award_date=grant.award_date,
            planned_start=grant.planned_start,
            planned_end=grant.planned_end,
            planned_duration=grant.planned_duration,
            actual_start=grant.actual_start,
            actual_end=grant.actual_end,
            beneficiary_locations=grant.locations,
            classifications=grant.classifications,
            data_source=grant.data_source,
            source_file=self.source.name[:255],
            state=state,
            decided_at=decided,
            created_by=self.actor,
            created_at=self.now,
            updated_at=self.now,
        )

    def write_logs(self, awards: list[Award]) -> None:
        award_type = ContentType.objects.get_for_model(Award)
        how = "as awarded" if self.as_awarded else "as an application"
        note = f"Imported {how} from {self.source.name} by {self.actor.get_username()}"
        transitions, changes = [], []
        for award in awards:
            label = str(award)[:300]
            if self.as_awarded:
                transitions.append(
                    TransitionLog(
                        content_type=award_type,
                        object_id=award.pk,
                        object_repr=label,
                        transition=IMPORT_STEP,
                        source=Award.State.DRAFT,
                        target=award.state,
                        actor=self.actor,
                        note=note,
                    )
                )
            for name in ("amount_requested", "amount_awarded"):
                value = getattr(award, name)
                if value is not None:
                    changes.append(
                        MoneyChange(
                            content_type=award_type,
                            object_id=award.pk,
                            object_repr=label,
                            field=name,
                            old_amount=None,
                            new_amount=value,
                            actor=self.actor,
                            note=note,
                        )
                    )
        TransitionLog.objects.bulk_create(transitions, batch_size=1000)
        MoneyChange.objects.bulk_create(changes, batch_size=1000)
