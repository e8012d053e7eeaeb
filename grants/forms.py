"""Forms for programmes, awards and payments: plain input checks; the services decide what is allowed."""

from django import forms

from partnerships.forms import EndsAfterStart
from workflow.dates import GrantDateFormField
from workflow.figures import MoneyFormField
from workflow.text import NARRATIVE, NOTE

from .models import Award

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _money_field(**kwargs):
    return MoneyFormField(min_value=0, **kwargs)


class ProgrammeForm(EndsAfterStart, forms.Form):
    date_order = ("opens_on", "closes_on", "The closing date must be after the opening date.")

    name = forms.CharField(max_length=200)
    funder = forms.ModelChoiceField(queryset=None)
    managed_by = forms.ModelChoiceField(queryset=None, label="Managed by")
    partnership = forms.ModelChoiceField(queryset=None, required=False)
    budget = _money_field(label="Budget (£)")
    opens_on = GrantDateFormField(label="Opens on")
    closes_on = GrantDateFormField(label="Closes on")
    identifier_prefix = forms.CharField(
        max_length=40, label="Award identifier prefix", help_text="360Giving prefix, for example 360G-WMEX."
    )
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=NARRATIVE)
    line_tolerance = forms.DecimalField(
        required=False,
        min_value=0,
        max_value=100,
        decimal_places=2,
        label="Budget line tolerance (%)",
        help_text="Spend may run over an approved budget line by this share before a variation is needed. "
        "Left empty: 10%.",
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
    )
    note = forms.CharField(
        required=False,
        max_length=NOTE,
        label="Reason for a budget change",
        help_text="Kept in the money history with the new budget.",
    )

    def __init__(self, *args, funders=None, managers=None, partnerships=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partnership"].queryset = partnerships
        if editing:
            # Award identifiers are public and stable, so the prefix is fixed once the programme exists.
            for name in ("funder", "managed_by", "identifier_prefix"):
                del self.fields[name]
        else:
            self.fields["funder"].queryset = funders
            self.fields["managed_by"].queryset = managers
            del self.fields["note"]


class AwardForm(EndsAfterStart, forms.Form):
    date_order = ("planned_start", "planned_end", "The planned end must be after the planned start.")

    programme = forms.ModelChoiceField(queryset=None, empty_label="Choose a programme")
    recipient = forms.ModelChoiceField(
        queryset=None, label="Applying organisation", empty_label="Choose the applying organisation"
    )
    title = forms.CharField(max_length=200)
    description = forms.CharField(widget=forms.Textarea(attrs={"rows": 5}), required=False, max_length=NARRATIVE)
    amount_requested = _money_field(label="Amount requested (£)")
    planned_start = GrantDateFormField(required=False, label="Planned start")
    planned_end = GrantDateFormField(required=False, label="Planned end")
    reporting_frequency = forms.ChoiceField(choices=Award.Frequency.choices, initial=Award.Frequency.TERMLY)
    project = forms.ModelChoiceField(
        queryset=None, required=False, empty_label="No project", help_text="The collaboration project it funds."
    )

    def __init__(self, *args, programmes=None, recipients=None, projects=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].queryset = projects
        if editing:
            del self.fields["programme"]
            del self.fields["recipient"]
        else:
            self.fields["programme"].queryset = programmes
            self.fields["recipient"].queryset = recipients


class PaymentForm(forms.Form):
    due_on = GrantDateFormField(label="Due on")
    amount = _money_field(label="Amount (£)")
    gated_on_update = forms.ModelChoiceField(
        queryset=None,
        required=False,
        label="Hold until this progress update is accepted",
        empty_label="Not held",
    )
    reference = forms.CharField(max_length=60, required=False, help_text="Remittance or finance system reference.")
    note = forms.CharField(required=False, label="Reason for the change", max_length=NOTE)

    def __init__(self, *args, updates, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gated_on_update"].queryset = updates
        if editing:
            del self.fields["reference"]
        else:
            del self.fields["note"]


class ReleaseForm(forms.Form):
    """What releasing a payment takes on the page: the day it was paid and the remittance reference."""

    paid_on = GrantDateFormField(required=False, label="Paid on")
    reference = forms.CharField(max_length=60, required=False, label="Remittance reference")
