"""Forms for payment runs, budget lines and variations: input checks only; the services decide."""

from django import forms

from workflow.dates import GrantDateFormField
from workflow.figures import FigureError, MoneyFormField, parse_money
from workflow.text import NARRATIVE

from .exports import FORMATS
from .models import MAX_YEARS, MatchFunding, Variation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PaymentRunForm(forms.Form):
    due_by = GrantDateFormField(
        widget=DATE, label="Payments due by", help_text="Every approved payment due on or before this date."
    )
    organisation = forms.ModelChoiceField(queryset=None, label="Programmes managed by", empty_label=None)
    format = forms.ChoiceField(choices=[(f.name, f.label) for f in FORMATS.values()], label="Finance system")

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class RunPaidForm(forms.Form):
    paid_on = GrantDateFormField(widget=DATE, label="Paid on")
    reference = forms.CharField(max_length=60, required=False, label="Remittance reference")


class BudgetCategoryForm(forms.Form):
    name = forms.CharField(max_length=100, help_text="For example staffing, supply cover, training, travel.")
    finance_code = forms.CharField(max_length=40, required=False, label="Finance code")
    position = forms.IntegerField(min_value=0, max_value=999, required=False, label="Order shown")


def _money(raw, label, errors):
    try:
        return parse_money(raw)
    except FigureError as error:
        errors.append(f"{label}: {' '.join(error.messages)}")
        return None


class BudgetGridForm(forms.Form):
    """A grid of amounts: one per budget line and year of the grant (`line-<category id>-<year>`)."""

    def __init__(self, *args, categories, years: int, initial_amounts=None, signed: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = list(categories)
        self.years = list(range(1, min(max(years, 1), MAX_YEARS) + 1))
        self.signed = signed
        initial_amounts = initial_amounts or {}
        for category in self.categories:
            for year in self.years:
                name = f"line-{category.pk}-{year}"
                self.fields[name] = forms.CharField(
                    required=False,
                    label=f"{category.name}, year {year} (£)",
                    initial=initial_amounts.get((category.pk, year), ""),
                )

    @property
    def grid(self):
        return [{"category": c, "cells": [self[f"line-{c.pk}-{y}"] for y in self.years]} for c in self.categories]

    def clean(self):
        cleaned = super().clean()
        errors: list[str] = []
        lines = []
        for category in self.categories:
            for year in self.years:
                raw = cleaned.get(f"line-{category.pk}-{year}", "")
                value = _money(raw, f"{category.name}, year {year}", errors)
                if value is None:
                    continue
                if value < 0 and not self.signed:
                    errors.append(f"{category.name}, year {year}: an amount cannot be below £0.")
                    continue
                lines.append((category, year, value))
        if errors:
            raise forms.ValidationError(errors)
        cleaned["lines"] = lines
        return cleaned


class VariationForm(forms.Form):
    kind = forms.ChoiceField(choices=Variation.Kind.choices, widget=forms.RadioSelect, label="What changes")
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), max_length=NARRATIVE, label="Why it is needed")
    amount_change = MoneyFormField(
        required=False,
        label="More or less money (£)",
        help_text="For more or less money: the change, with a minus sign for less (for example -2500).",
    )
    new_planned_end = GrantDateFormField(
        widget=DATE, required=False, label="New planned end", help_text="For a no-cost extension."
    )
    scope_change = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=NARRATIVE,
        label="The change of scope",
    )


class MatchRowForm(forms.Form):
    source = forms.CharField(max_length=200, required=False, label="Who gives it")
    provider = forms.ChoiceField(choices=MatchFunding.Provider.choices, label="From")
    kind = forms.ChoiceField(choices=MatchFunding.Kind.choices, label="Cash or in kind")
    amount = MoneyFormField(required=False, min_value=0, label="Amount (£)")
    description = forms.CharField(max_length=300, required=False, label="What it is")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("source") and cleaned.get("amount") is None:
            self.add_error("amount", "Give the amount, in pounds.")
        if cleaned.get("amount") and not cleaned.get("source"):
            self.add_error("source", "Say who gives it.")
        return cleaned


MatchFundingFormSet = forms.formset_factory(MatchRowForm, extra=2, max_num=30, absolute_max=40)
