"""Import and export of awards and payments. The rules every import keeps are in
`partnerships/importing.py`; the 360Giving form of awards is in `giving360.py`."""

from django.db.models import Sum, Value
from django.db.models.functions import Concat

from partnerships.importing import (
    ChoiceWidget,
    DateWidget,
    ExchangeResource,
    LookupWidget,
    MoneyWidget,
    cell_text,
    column,
    export_only,
    lookup_key,
    organisation_widget,
)
from partnerships.models import Partnership, Project
from partnerships.resources import ends_after_start

from . import selectors
from .models import ZERO, Award, FundingProgramme, Payment, money

LOCKED_AFTER_DRAFT = {
    "identifier": "identifier",
    "programme": "programme",
    "recipient": "recipient",
    "amount_requested": "amount requested",
}


def programme_widget() -> LookupWidget:
    return LookupWidget(
        FundingProgramme,
        "name",
        noun="funding programme",
        keys=("name", "identifier_prefix"),
        queryset=FundingProgramme.objects.select_related("funder"),
    )


def managed_programme_ids(user_roles) -> set:
    return set(FundingProgramme.objects.filter(managed_by_id__in=user_roles.manager_orgs).values_list("pk", flat=True))


class AwardResource(ExchangeResource):
    kind = "awards"
    export_related = ("programme", "recipient", "project", "partnership")
    required_columns = ("Programme", "Recipient", "Title", "Amount requested")
    money_fields = ("amount_requested",)
    repr_expression = Concat("identifier", Value(" "), "title")  # str(award), for the money log

    identifier = column("Identifier", "identifier")
    programme = column("Programme", "programme", programme_widget())
    recipient = column("Recipient", "recipient", organisation_widget("recipient organisation identifier"))
    project = column("Project", "project", LookupWidget(Project, "reference", noun="project reference"))
    partnership = column("Partnership", "partnership", LookupWidget(Partnership, "name", noun="partnership"))
    title = column("Title", "title")
    description = column("Description", "description")
    currency = column("Currency", "currency")
    amount_requested = column("Amount requested", "amount_requested", MoneyWidget())
    amount_awarded = export_only("Amount awarded", "amount_awarded", MoneyWidget())
    planned_start = column("Planned start", "planned_start", DateWidget())
    planned_end = column("Planned end", "planned_end", DateWidget())
    reporting_frequency = column(
        "Reporting frequency",
        "reporting_frequency",
        ChoiceWidget(Award.Frequency.choices, noun="reporting frequency"),
    )
    state = export_only("State", "state")

    class Meta(ExchangeResource.Meta):
        model = Award
        fields = (
            "identifier",
            "programme",
            "recipient",
            "project",
            "partnership",
            "title",
            "description",
            "currency",
            "amount_requested",
            "amount_awarded",
            "planned_start",
            "planned_end",
            "reporting_frequency",
            "state",
        )
        import_id_fields = ()

    def scoped_export(self, *, user):
        return selectors.award_list(user=user, include_archived=True)

    def scope_lookups(self):
        if not self.roles.is_admin:
            widget = self.fields["programme"].widget
            widget.allowed = managed_programme_ids(self.roles)
            widget.refusal = "“{value}” is not a programme you manage"

    def on_create(self, instance, row):
        instance.created_by = self.user
        instance.created_at = instance.updated_at = self._now
        instance.currency = (instance.currency or "GBP").upper()
        if not instance.reporting_frequency:
            instance.reporting_frequency = Award.Frequency.TERMLY

    def check(self, instance, new, before):
        problems = ends_after_start(
            instance.planned_start, instance.planned_end, end_attribute="planned_end", what="the award "
        )
        if instance.amount_requested is not None and instance.amount_requested < 0:
            problems["amount_requested"] = "an amount cannot be negative"
        allowed = self.fields["programme"].widget.allowed
        if not new and allowed is not None and before["programme"] not in allowed:
            return {"identifier": f"award “{instance.identifier}” is in a programme you do not manage"}
        if not new and instance.state != Award.State.DRAFT:
            for attribute, words in LOCKED_AFTER_DRAFT.items():
                was = before.get(attribute)
                now = getattr(instance, instance._meta.get_field(attribute).attname)
                if was != now:
                    problems[attribute] = (
                        f"award “{instance.identifier}” is {instance.get_state_display().lower()}; its {words} "
                        "can change only while it is a draft"
                        + (" (a variation changes money after approval)" if attribute == "amount_requested" else "")
                    )
        return problems


class PaymentResource(ExchangeResource):
    """Payments are identified by their award and due date; they enter as scheduled."""

    kind = "payments"
    export_related = ("award",)
    export_ordering = ("award__identifier", "due_on", "pk")
    key_attribute = "award"
    required_columns = ("Due on", "Amount")
    money_fields = ("amount",)

    award = column("Award", "award", LookupWidget(Award, "identifier", noun="award identifier"))
    due_on = column("Due on", "due_on", DateWidget())
    amount = column("Amount", "amount", MoneyWidget())
    reference = column("Reference", "reference")
    state = export_only("State", "state")
    paid_on = export_only("Paid on", "paid_on", DateWidget())

    class Meta(ExchangeResource.Meta):
        model = Payment
        fields = ("award", "due_on", "amount", "reference", "state", "paid_on")
        import_id_fields = ()

    def scoped_export(self, *, user):
        return selectors.payment_list(user=user)

    def scope_lookups(self):
        if not self.roles.is_admin:
            widget = self.fields["award"].widget
            widget.allowed = set(
                Award.objects.filter(programme__managed_by_id__in=self.roles.manager_orgs).values_list("pk", flat=True)
            )
            widget.refusal = "award “{value}” is not in a programme you manage"

    def key_of_row(self, row):
        try:
            due = DateWidget().clean(row.get("Due on"))
        except ValueError:
            return ""
        return f"{lookup_key(row.get('Award'))}|{due}"

    def instance_key(self, instance):
        if not instance.award_id:  # a row whose award was not found
            return ""
        return f"{lookup_key(instance.award.identifier)}|{instance.due_on}"

    def instance_label(self, instance):
        return f"{instance.award.identifier} due {instance.due_on:%d/%m/%Y}"

    def load_existing(self, dataset):
        index = dataset.headers.index("Award")
        identifiers = sorted({cell_text(r[index]) for r in dataset if cell_text(r[index])})
        found = {}
        for start in range(0, len(identifiers), 2000):
            chunk = identifiers[start : start + 2000]
            for payment in Payment.objects.filter(award__identifier__in=chunk).select_related("award"):
                found.setdefault(self.instance_key(payment), payment)
        awards = [p for p in self.fields["award"].widget._map.values()]
        self._scheduled = dict(
            Payment.objects.filter(award__in=[a.pk for a in awards if a.identifier in set(identifiers)])
            .exclude(state=Payment.State.CANCELLED)
            .values("award_id")
            .annotate(total=Sum("amount"))
            .values_list("award_id", "total")
        )
        return found

    def check(self, instance, new, before):
        award = instance.award
        if not new and before["award"] != award.pk:
            return {"award": "a payment cannot move to another award"}
        if not new and instance.state != Payment.State.SCHEDULED:
            return {"amount": f"this payment is {instance.get_state_display().lower()}; only scheduled payments change"}
        live = (Award.State.APPROVED, Award.State.ACTIVE, Award.State.IN_EVALUATION)
        if award.state not in live:
            return {
                "award": f"payments can be scheduled only on approved, active or in-evaluation awards; "
                f"“{award.identifier}” is {award.get_state_display().lower()}"
            }
        if instance.amount is not None and instance.amount <= 0:
            return {"amount": "a payment must be more than £0"}
        previous = before["amount"] if before else ZERO
        total = self._scheduled.get(award.pk, ZERO) - previous + (instance.amount or ZERO)
        if total > (award.amount_awarded or ZERO):
            return {
                "amount": f"payments on {award.identifier} would come to {money(total)}, more than the "
                f"{money(award.amount_awarded)} awarded"
            }
        self._scheduled[award.pk] = total
        return {}

    def on_create(self, instance, row):
        instance.created_at = self._now
