"""A funder's published 360Giving file into Exchange, as applications (draft awards) or as the grants
they already are (`as_awarded`). The rules, in a grants officer's words, are in README.md
("360Giving"); in short:

- All or nothing unless `skip_bad_rows`: the rows that are right go in and the others come back,
  with their reasons, to be corrected and imported again.
- Funders and recipients are matched by identifier exactly (case counts; spaces around it do not), or
  created from the file. Programmes are matched by the Grant Programme's code or title for that funder,
  or created for it; `programme_name` puts every grant in one programme.
- A grant whose identifier is already in Exchange is left as it is (importing a file twice adds nothing).
- `as_awarded`: approved, active or closed by the grant's dates, with the award date as the decision
  date; logged in the transition and money logs as imported by the person from the file. A programme
  created from the file gets the file's total as its budget; an existing programme must have room.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils import timezone

from accounts import roles
from partnerships.importing import RowProblem, grouped_report
from partnerships.models import Organisation

from ..models import ZERO, Award, FundingProgramme, money
from .reading import SourceFile
from .rows import GrantIn, RowReader
from .writing import ImportWriter, in_chunks


@dataclass
class Outcome360:
    source: SourceFile
    as_awarded: bool
    dry_run: bool
    skip_bad_rows: bool
    grants: list[GrantIn] = field(default_factory=list)
    problems: list[RowProblem] = field(default_factory=list)
    already: list[str] = field(default_factory=list)
    new_funders: dict[str, str] = field(default_factory=dict)
    new_recipients: dict[str, str] = field(default_factory=dict)
    known_organisations: int = 0
    new_programmes: dict[str, Decimal] = field(default_factory=dict)
    used_programmes: Counter = field(default_factory=Counter)
    states: Counter = field(default_factory=Counter)
    created: int = 0

    @property
    def bad_rows(self) -> list[int]:
        return sorted({p.row for p in self.problems if p.row})

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return not self.dry_run and (self.ok or self.skip_bad_rows) and self.created > 0

    def report(self) -> list[str]:
        """The preview, in the order a grants officer reads it."""
        noun = self.source.noun
        lines = [f"{self.source.name}: {len(self.grants):,} grants ({self.source.shape})."]
        no_official = sum(1 for i in self.new_recipients if i.startswith("360G-"))
        lines.append(
            f"Organisations: {self.known_organisations:,} already in Exchange; new from the file: "
            f"{len(self.new_funders):,} funder(s), {len(self.new_recipients):,} recipient(s)"
            + (f" ({no_official:,} with no official identifier: 360G-…)" if no_official else "")
            + "."
        )
        for name, budget in self.new_programmes.items():
            lines.append(f"New programme “{name}” (budget {money(budget)}, the total of its grants in the file).")
        for name, count in self.used_programmes.most_common():
            if name not in self.new_programmes:
                lines.append(f"Programme “{name}”: {count:,} grant(s).")
        roundings = [(g.row, r) for g in self.grants for r in g.roundings]
        if roundings:
            shown = "; ".join(f"{noun} {row}: {text}" for row, text in roundings[:5])
            lines.append(
                f"Amounts rounded to the penny: {len(roundings):,} ({shown}{' …' if len(roundings) > 5 else ''})."
            )
        if self.already:
            lines.append(f"Already in Exchange, left as they are: {len(self.already):,} grant(s).")
        if self.states:
            states = ", ".join(f"{n:,} {Award.State(s).label.lower()}" for s, n in self.states.most_common())
            lines.append(("As awarded: " if self.as_awarded else "As applications: ") + states + ".")
        return lines

    def problem_lines(self) -> list[str]:
        return grouped_report(self.problems, noun=self.source.noun)

    def summary(self) -> str:
        bad = len(self.bad_rows)
        if self.problems and not self.skip_bad_rows:
            if not bad:
                return "360Giving grants: nothing imported — the file as a whole has a problem (above)."
            return (
                f"360Giving grants: nothing imported — {bad:,} of {len(self.grants):,} {self.source.noun}s have "
                f"problems ({len(self.problem_lines())} cause(s), above). Correct them and import the file again, "
                "or import the others with --skip-bad-rows."
            )
        skipped = f"; {bad:,} {self.source.noun}(s) with problems left out" if bad else ""
        if self.dry_run:
            return (
                f"360Giving grants: {self.to_import:,} to import, {len(self.already):,} already in Exchange"
                f"{skipped}; dry run: nothing was written."
            )
        return (
            f"360Giving grants: {self.created:,} imported, {len(self.already):,} already in Exchange{skipped}; saved."
        )

    @property
    def to_import(self) -> int:
        return sum(1 for g in self.grants if not g.problems and not g.skip)


class Importer(ImportWriter):
    def __init__(self, source: SourceFile, *, actor, as_awarded=False, programme_name="", skip_bad_rows=False):
        self.source = source
        self.actor = actor
        self.roles = roles.of(actor)
        self.as_awarded = as_awarded
        self.programme_name = programme_name.strip()
        self.skip_bad_rows = skip_bad_rows
        self.now = timezone.now()
        self.today = timezone.localdate()

    # Reading and planning (the preview) ---------------------------------------------------------

    def plan(self, *, dry_run: bool) -> Outcome360:
        outcome = Outcome360(self.source, self.as_awarded, dry_run, self.skip_bad_rows)
        if not self.roles.is_manager:
            outcome.problems.append(RowProblem(0, "", "only administrators and programme managers may import grants"))
            return outcome
        reader = RowReader(self.source, today=self.today)
        outcome.grants = [reader.read(raw, row) for raw, row in zip(self.source.grants, self.source.rows, strict=True)]
        if not outcome.grants:
            outcome.problems.append(RowProblem(0, "", f"“{self.source.name}” has no grants in it"))
            return outcome
        self.match(outcome)
        for grant in outcome.grants:
            outcome.problems.extend(grant.problems)
        return outcome

    def match(self, outcome: Outcome360) -> None:
        grants = outcome.grants
        org_ids = {o.identifier for g in grants for o in (g.recipient, g.funder) if o}
        self.orgs = {o.identifier: o for o in in_chunks(Organisation.objects, "identifier", org_ids)}
        outcome.known_organisations = len(self.orgs)
        existing = {
            a.identifier
            for a in in_chunks(Award.objects.only("identifier"), "identifier", {g.identifier for g in grants})
        }
        self.named = self._named_programme(outcome)
        self.programmes = list(FundingProgramme.objects.select_related("funder"))
        self.room: dict = {}
        for grant in grants:
            if grant.problems:
                continue
            if grant.identifier in existing:
                outcome.already.append(grant.identifier)
                grant.skip = True
                continue
            for org, new in ((grant.funder, outcome.new_funders), (grant.recipient, outcome.new_recipients)):
                if org.identifier not in self.orgs:
                    new.setdefault(org.identifier, org.name)
            self.place(grant, outcome)
        if outcome.problems and not self.skip_bad_rows:
            return
        for grant in grants:
            if not grant.problems and not grant.skip:
                outcome.states[self.state_for(grant)] += 1

    def _named_programme(self, outcome: Outcome360):
        if not self.programme_name:
            return None
        programme = FundingProgramme.objects.select_related("funder").filter(name=self.programme_name).first()
        if programme is not None and not self.roles.manages_programme(programme):
            outcome.problems.append(RowProblem(0, "", f"“{programme.name}” is not a programme you manage"))
        return programme

    def place(self, grant: GrantIn, outcome: Outcome360) -> None:
        """Which programme the grant goes into: named, matched by code or title for its funder, or new."""
        funder = grant.funder.identifier
        if self.programme_name:
            programme, name = self.named, self.programme_name
        else:
            programme, name = self.find_programme(grant)
        title = self.source.title("grantProgramme/title" if grant.programme_title else "grantProgramme/code")
        if programme is not None:
            if programme.funder.identifier != funder:
                grant.problems.append(
                    RowProblem(
                        grant.row,
                        self.source.title("fundingOrganization/id"),
                        f"the programme “{programme.name}” is funded by {programme.funder.identifier}, not by {funder}",
                    )
                )
                return
            if not self.roles.manages_programme(programme):
                if not self.programme_name:  # a named one is refused once, for the whole file
                    grant.problems.append(
                        RowProblem(grant.row, title, f"“{programme.name}” is not a programme you manage")
                    )
                return
            name = programme.name
        else:
            clash = next((p for p in self.programmes if p.name == name), None)
            if clash is not None:
                name = f"{name} ({grant.funder.name})"[:200]
            outcome.new_programmes[name] = outcome.new_programmes.get(name, ZERO) + grant.amount_awarded
        grant.programme_key = (programme.pk if programme else None, name)
        outcome.used_programmes[name] += 1
        if programme is not None and self.as_awarded:
            self.check_room(grant, programme)

    def find_programme(self, grant: GrantIn):
        funder = grant.funder.identifier
        mine = [p for p in self.programmes if p.funder.identifier == funder]
        if grant.programme_code:
            found = next((p for p in mine if p.code == grant.programme_code), None)
            if found is not None:
                return found, found.name
        if grant.programme_title:
            suffixed = f"{grant.programme_title} ({grant.funder.name})"
            found = next((p for p in mine if p.name in (grant.programme_title, suffixed)), None)
            if found is None:  # another funder's programme of that name: place() refuses the mismatch
                found = next((p for p in self.programmes if p.name == grant.programme_title), None)
            return found, grant.programme_title
        name = grant.programme_code or f"{grant.funder.name} grants"[:200]
        return next((p for p in mine if p.name == name), None), name

    def check_room(self, grant: GrantIn, programme: FundingProgramme) -> None:
        used = self.room.get(programme.pk, programme.committed_amount) + grant.amount_awarded
        if used > programme.budget:
            grant.problems.append(
                RowProblem(
                    grant.row,
                    self.source.title("amountAwarded"),
                    f"this grant would take “{programme.name}” past its budget of {money(programme.budget)} "
                    f"({money(used)} committed); raise the budget first, or name another programme",
                )
            )
            return
        self.room[programme.pk] = used

    def state_for(self, grant: GrantIn) -> str:
        if not self.as_awarded:
            return Award.State.DRAFT
        start = grant.actual_start or grant.planned_start
        end = grant.actual_end or grant.planned_end
        if end is None and grant.planned_duration and (start or grant.award_date):
            months = int(grant.planned_duration)
            begin = start or grant.award_date
            end = _add_months(begin, months)
        if end and end < self.today:
            return Award.State.CLOSED
        if start and start > self.today:
            return Award.State.APPROVED
        return Award.State.ACTIVE

    # Writing -------------------------------------------------------------------------------------

    def run(self, *, dry_run: bool) -> Outcome360:
        outcome = self.plan(dry_run=dry_run)
        if dry_run or (outcome.problems and not self.skip_bad_rows):
            return outcome
        if any(p.row == 0 for p in outcome.problems):
            return outcome
        try:
            with transaction.atomic():
                self.write(outcome)
        except IntegrityError:  # another import saved some of the same grants or organisations meanwhile
            outcome.created = 0
            outcome.problems.append(
                RowProblem(
                    0,
                    "",
                    "another import saved some of these grants at the same moment; nothing was "
                    "written: import the file again",
                )
            )
        return outcome


def _add_months(day: dt.date, months: int) -> dt.date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return dt.date(year, month, min(day.day, 28))


def import_grants(source: SourceFile, *, actor, dry_run=False, as_awarded=False, programme="", skip_bad_rows=False):
    """Preview (dry_run) or import a 360Giving file; see the module docstring for the rules."""
    importer = Importer(
        source, actor=actor, as_awarded=as_awarded, programme_name=programme, skip_bad_rows=skip_bad_rows
    )
    return importer.run(dry_run=dry_run)
