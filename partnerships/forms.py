"""Forms for partnerships and projects: plain input checks; the services decide what is allowed."""

from django import forms
from django.forms.utils import ErrorDict

from workflow.dates import GrantDateFormField
from workflow.text import NARRATIVE

from .models import PartnershipMember, Project, Region

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class EndsAfterStart:
    """Form mixin: `date_order = (start field, end field, message)`; an end on or before the start is
    refused on the end field, in the form's own words."""

    date_order: tuple[str, str, str]

    def clean(self):
        data = super().clean()
        start, end, message = self.date_order
        if data.get(start) and data.get(end) and data[end] <= data[start]:
            self.add_error(end, message)
        return data


class PartnershipForm(EndsAfterStart, forms.Form):
    date_order = ("starts_on", "ends_on", "The end date must be after the start date.")

    name = forms.CharField(max_length=200)
    region = forms.ModelChoiceField(queryset=Region.objects.all())
    lead_organisation = forms.ModelChoiceField(
        queryset=None, help_text="The organisation whose programme managers run this partnership."
    )
    starts_on = GrantDateFormField(label="Starts on")
    ends_on = GrantDateFormField(label="Ends on", required=False)
    aims = forms.CharField(widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=NARRATIVE)

    def __init__(self, *args, lead_choices, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["lead_organisation"].queryset = lead_choices
        if editing:
            del self.fields["lead_organisation"]


class MemberForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None)
    role = forms.ChoiceField(choices=PartnershipMember.Role.choices, initial=PartnershipMember.Role.MEMBER)

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class ProjectForm(EndsAfterStart, forms.Form):
    date_order = ("planned_start", "planned_end", "The planned end must be after the planned start.")

    partnership = forms.ModelChoiceField(queryset=None, empty_label="Choose a partnership")
    lead_organisation = forms.ModelChoiceField(
        queryset=None, label="Lead organisation", empty_label="Choose the lead organisation"
    )
    title = forms.CharField(max_length=200)
    theme = forms.ChoiceField(choices=[("", "Choose a theme")] + list(Project.Theme.choices), required=False)
    summary = forms.CharField(
        max_length=NARRATIVE,
        widget=forms.Textarea(attrs={"rows": 5}),
        required=False,
        help_text="What the schools will do together, and for which children.",
    )
    settings_reached = forms.IntegerField(min_value=0, initial=0, label="Schools and settings reached")
    children_reached = forms.IntegerField(min_value=0, initial=0, label="Children reached")
    planned_start = GrantDateFormField(required=False, label="Planned start")
    planned_end = GrantDateFormField(required=False, label="Planned end")

    def __init__(self, *args, partnerships=None, lead_choices=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["partnership"]
            del self.fields["lead_organisation"]
        else:
            self.fields["partnership"].queryset = partnerships
            self.fields["lead_organisation"].queryset = lead_choices
            for name in ("partnership", "lead_organisation"):  # the only choice is chosen already
                only = list(self.fields[name].queryset.values_list("pk", flat=True)[:2])
                if len(only) == 1 and name not in self.initial:
                    self.initial[name] = only[0]


class ProjectPartnerForm(forms.Form):
    """One partner row. The organisation choices are read once for the whole formset (`organisations`,
    a dict of pk to Organisation), not once a row."""

    organisation = forms.TypedChoiceField(
        coerce=int,
        required=False,
        empty_value=None,
        error_messages={
            "invalid_choice": "Choose one of the partnership's members: a project's partners come from its "
            "partnership (changed the partnership? Show its members first)."
        },
    )
    gives_support = forms.BooleanField(required=False, label="Gives support")
    receives_support = forms.BooleanField(required=False, label="Receives support")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.organisations = organisations or {}
        self.fields["organisation"].choices = [("", "No partner in this row")] + [
            (pk, org.name) for pk, org in self.organisations.items()
        ]

    def clean_organisation(self):
        pk = self.cleaned_data["organisation"]
        return self.organisations.get(pk) if pk is not None else None

    def clean(self):
        data = super().clean()
        if data.get("organisation") and not (data.get("gives_support") or data.get("receives_support")):
            raise forms.ValidationError("Mark the organisation as giving support, receiving support, or both.")
        return data


ProjectPartnerFormSet = forms.formset_factory(ProjectPartnerForm, extra=1)
"""One empty row to start with; "Add another partner" (a submit button, so it works without JavaScript)
shows the page again with one more, as many times as needed."""


def keep_typed_unjudged(form, formset) -> None:
    """Show a bound form and formset again as typed, without judging them: the person pressed a button that
    changes the page (another row, another partnership's members), not "Save"."""
    form._errors = ErrorDict()
    formset._errors, formset._non_form_errors = [], formset.error_class()
    for row in formset.forms:
        row._errors = ErrorDict()
