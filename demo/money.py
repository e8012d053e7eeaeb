"""The money-in-depth part of the demo (demo/scenario/money.yaml): budget lines, awards budgeted by line and
year, spend by line, variations and a payment run — each through the services, as the demo people."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db.models import Max
from django.utils import timezone

from grants.models import Award, BudgetCategory, PaymentRun
from grants.money import services as money
from grants.money.cofunding.services import award_shares_set
from grants.services import award_create, award_transition
from workflow import clock
from workflow.models import TransitionLog

from .replay import Replay, ScenarioError


class MoneyReplay(Replay):
    """The award steps of awards.yaml, plus budgets, spend by line and variations."""

    def __init__(self, *args, categories: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = categories
        self.variations: dict = {}

    def category(self, name: str) -> BudgetCategory:
        try:
            return self.categories[name]
        except KeyError:
            raise ScenarioError(f"{self.subject}: “{name}” is not one of its programme's budget lines.") from None

    def do_write_update(self, actor, key, period, spend_lines=None, **fields):
        super().do_write_update(actor, key, period, **fields)
        if spend_lines is not None:
            from reporting.services import update_edit

            lines = [(self.category(name), Decimal(str(amount))) for name, amount in spend_lines.items()]
            self.updates[key] = update_edit(update=self.updates[key], actor=actor, spend_lines=lines)

    def do_request_variation(self, actor, key, kind, reason, lines=None, amount_change="0", new_planned_end=None):
        changes = [(self.category(n), year, Decimal(str(change))) for n, (year, change) in (lines or {}).items()]
        self.variations[key] = money.variation_request(
            award=self.subject,
            actor=actor,
            kind=kind,
            reason=reason,
            amount_change=Decimal(str(amount_change)),
            new_planned_end=self._day(new_planned_end) if new_planned_end else None,
            lines=changes,
        )

    def do_approve_variation(self, actor, key, note=""):
        money.variation_transition(variation=self.variations[key], name="approve", actor=actor, note=note)
        self.subject.refresh_from_db()

    def do_decline_variation(self, actor, key, note):
        money.variation_transition(variation=self.variations[key], name="decline", actor=actor, note=note)

    def do_share_award(self, actor, shares: dict, note=""):
        """Co-fund the award: {programme name: amount}; the award's own programme takes the rest."""
        try:
            pairs = [(self.loader.programmes[name], Decimal(str(amount))) for name, amount in shares.items()]
        except KeyError as missing:
            raise ScenarioError(f"{self.subject}: {missing} is not one of the demo's programmes.") from None
        award_shares_set(award=self.subject, actor=actor, shares=pairs, note=note)
        self.subject.refresh_from_db()


def load_money(loader, spec: dict) -> None:
    categories = {}
    for programme_name, lines in spec["budget_lines"].items():
        programme = loader.programmes[programme_name]
        manager = loader.programme_manager[programme.pk]
        existing = {c.name: c for c in programme.budget_categories.all()}
        set_up = timezone.make_aware(dt.datetime.combine(programme.opens_on - dt.timedelta(days=10), dt.time(11)))
        with clock.at(min(set_up, loader.now)):
            for name, code in lines:
                if name not in existing:
                    existing[name] = money.budget_category_save(
                        programme=programme, actor=manager, name=name, finance_code=code
                    )
        categories[programme_name] = existing
    for award_spec in spec["awards"]:
        if not Award.objects.filter(identifier=award_spec["identifier"]).exists():
            _new_award(loader, award_spec, categories[award_spec["programme"]])
    if not PaymentRun.objects.exists():
        # After every step the scenario replayed (a replay may run a few seconds past the loading moment).
        latest = TransitionLog.objects.aggregate(at=Max("at"))["at"] or loader.now
        for run in spec.get("payment_runs", []):
            with clock.at(max(loader.now, latest + dt.timedelta(seconds=1))):
                money.payment_run_export(
                    actor=loader.user(run["by"]),
                    organisation=loader.orgs[run["organisation"]],
                    due_by=loader.day(run["due_by"]),
                )


def _new_award(loader, spec: dict, categories: dict) -> Award:
    programme = loader.programmes[spec["programme"]]
    manager = loader.programme_manager[programme.pk]
    applicant = loader.partner_users.get(spec["recipient"])
    started = loader.moment(spec["drafted_on"])
    start, end = spec["planned"]
    with clock.at(started):
        award = award_create(
            actor=applicant or manager,
            programme=programme,
            recipient=loader.orgs[spec["recipient"]],
            title=spec["title"],
            amount_requested=Decimal("1.00"),
            identifier=spec["identifier"],
            partnership=programme.partnership,
            description=spec.get("description", ""),
            planned_start=loader.day(start),
            planned_end=loader.day(end),
        )
        lines = [
            (categories[name], year, Decimal(amount))
            for name, amounts in spec["budget"].items()
            for year, amount in enumerate(amounts, start=1)
        ]
        money.budget_lines_set(award=award, actor=applicant or manager, lines=lines, note="The application's budget")
        if spec.get("match_funding"):
            rows = [(s, p, k, Decimal(a), d) for s, p, k, a, d in spec["match_funding"]]
            money.match_funding_set(award=award, actor=applicant or manager, rows=rows)
    replay = MoneyReplay(
        loader,
        award,
        step=lambda obj, **step: award_transition(award=obj, **step),
        manager=manager,
        applicant=applicant,
        started=started,
        categories=categories,
    )
    award = replay.run(spec.get("steps"))
    loader._check_state(award, spec["state"])
    loader.created["award"] += 1
    return award
