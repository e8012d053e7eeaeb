"""Forms for calls, applications, scores and decisions: plain input checks; the services decide."""

from django import forms

from partnerships.models import Organisation
from workflow.dates import GrantDateFormField
from workflow.figures import MoneyFormField
from workflow.text import NARRATIVE, NOTE

from .models import SIZE_BANDS, ApplicationOrganisation, Assignment, Call
from .sections import EOI_FIELDS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
MOMENT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
MOMENT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


def _text(label, *, required=False, rows=5, max_length=NARRATIVE, help_text=""):
    return forms.CharField(
        label=label,
        required=required,
        max_length=max_length,
        help_text=help_text,
        widget=forms.Textarea(attrs={"rows": rows}),
    )


class CallForm(forms.Form):
    programme = forms.ModelChoiceField(queryset=None, empty_label="Choose a programme")
    title = forms.CharField(max_length=200)
    opens_at = forms.DateTimeField(label="Opens", widget=MOMENT, input_formats=MOMENT_FORMATS)
    closes_at = forms.DateTimeField(
        label="Closes", widget=MOMENT, input_formats=MOMENT_FORMATS, help_text="Applications after this are refused."
    )
    stages = forms.TypedChoiceField(choices=Call.Stages.choices, coerce=int, label="Stages")
    full_closes_at = forms.DateTimeField(
        label="Full applications close (two-stage calls)", widget=MOMENT, input_formats=MOMENT_FORMATS, required=False
    )
    guidance = _text("Guidance for applicants", rows=6)
    eligible_kinds = forms.MultipleChoiceField(
        choices=Organisation.Kind.choices,
        required=False,
        label="Kinds of organisation that may apply",
        help_text="Choose none for any kind.",
    )
    eligible_sub_regions = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Sub-regions that may apply", help_text="Choose none for anywhere."
    )
    eligible_local_authorities = forms.ModelMultipleChoiceField(
        queryset=None, required=False, label="Local authorities that may apply"
    )
    eligible_size_bands = forms.MultipleChoiceField(
        choices=SIZE_BANDS, required=False, label="Trust size bands that may apply", help_text="Choose none for any."
    )
    max_amount = MoneyFormField(min_value=0, required=False, label="Most an application may ask for (£)")
    blind = forms.BooleanField(required=False, label="Blind assessment: hide who is applying from assessors")
    disagreement_points = forms.DecimalField(
        min_value=0,
        max_value=100,
        decimal_places=2,
        initial=20,
        label="Flag assessors who differ by more than (points out of 100)",
    )

    def __init__(self, *args, programmes=None, sub_regions=None, local_authorities=None, **kwargs):
        super().__init__(*args, **kwargs)
        if programmes is None:  # editing: a call stays on its programme
            del self.fields["programme"]
        else:
            self.fields["programme"].queryset = programmes
        self.fields["eligible_sub_regions"].queryset = sub_regions
        self.fields["eligible_local_authorities"].queryset = local_authorities


class CriterionForm(forms.Form):
    title = forms.CharField(max_length=200)
    guidance = _text("What assessors look for", rows=3, max_length=NOTE)
    weight = forms.IntegerField(min_value=1, max_value=100, help_text="Its share of the total, e.g. 40.")
    scale_max = forms.IntegerField(min_value=1, max_value=10, initial=5, label="Highest score (scores run from 0)")
    score_guidance = _text(
        "What each score means", rows=6, max_length=NOTE, help_text="One line per score, from 0 upwards."
    )


class ApplyForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, label="Applying organisation (the lead)")
    title = forms.CharField(max_length=400, label="Project title")
    amount_requested = MoneyFormField(min_value=0, label="Amount you are asking for (£)")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class SectionsForm(forms.Form):
    title = forms.CharField(max_length=400, label="Project title")
    amount_requested = MoneyFormField(min_value=0, label="Amount you are asking for (£)")
    planned_start = GrantDateFormField(widget=DATE, required=False, label="Planned start")
    planned_end = GrantDateFormField(widget=DATE, required=False, label="Planned end")
    project_summary = _text("The project: what you will do, with whom, and why it is needed", rows=8)
    outcomes = _text("Outcomes, and the indicators that will show them", rows=6)
    budget_summary = _text("Budget: what the money pays for, year by year", rows=5)
    match_funding = _text("Match funding, in cash or in kind", rows=3)

    def clean(self):
        data = super().clean()
        start, end = data.get("planned_start"), data.get("planned_end")
        if start and end and end < start:
            self.add_error("planned_end", "The planned end must be after the planned start.")
        return data


class EoiSectionsForm(SectionsForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("planned_start", "planned_end", "outcomes", "budget_summary", "match_funding"):
            del self.fields[name]
        self.fields["project_summary"].label = "Your idea in brief: what you would do, with whom, and why"


class SectionForm(SectionsForm):
    """One section of the application, saved on its own (the fields of `section` only)."""

    def __init__(self, *args, section, eoi=False, **kwargs):
        super().__init__(*args, **kwargs)
        keep = set(section.fields) & (set(EOI_FIELDS) if eoi else set(section.fields))
        for name in list(self.fields):
            if name not in keep:
                del self.fields[name]
        if eoi and "project_summary" in self.fields:
            self.fields["project_summary"].label = "Your idea in brief: what you would do, with whom, and why"


class AttachmentForm(forms.Form):
    file = forms.FileField(
        label="Add a file",
        help_text="PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), CSV or plain text: a letter of support, a plan, "
        "a budget sheet.",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
    )
    description = forms.CharField(label="What it is (optional)", max_length=300, required=False)


class InvitationForm(forms.Form):
    organisation = forms.IntegerField(widget=forms.HiddenInput)
    answer = forms.ChoiceField(choices=[("accept", "Accept"), ("decline", "Decline")])


class OrganisationForm(forms.Form):
    organisation = forms.ModelChoiceField(queryset=None, empty_label="Choose an organisation")
    role = forms.ChoiceField(choices=ApplicationOrganisation.Role.choices, widget=forms.RadioSelect)
    gives_support = forms.BooleanField(required=False, label="Gives support (schools)")
    receives_support = forms.BooleanField(required=False, label="Receives support (schools)")

    def __init__(self, *args, organisations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class AssignForm(forms.Form):
    assessor = forms.ModelChoiceField(queryset=None, empty_label="Choose a person")

    def __init__(self, *args, assessors=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["assessor"].queryset = assessors
        self.fields["assessor"].label_from_instance = lambda u: f"{u.get_full_name() or u.username} ({u.username})"


class DeclareForm(forms.Form):
    conflict = forms.TypedChoiceField(
        choices=[("no", "I have no conflict of interest with this application"), ("yes", "I have a conflict")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Your declaration",
    )
    reason = _text("If you have a conflict, what it is", rows=3, max_length=NOTE)

    def clean(self):
        data = super().clean()
        if data.get("conflict") and not (data.get("reason") or "").strip():
            self.add_error("reason", "Say what the conflict of interest is; the programme team reads it.")
        return data


class ScoresForm(forms.Form):
    """One score and comment per criterion, then a recommendation and an overall comment."""

    recommendation = forms.ChoiceField(
        choices=[("", "Not yet chosen"), *Assignment.Recommendation.choices], required=False
    )
    comment = _text("Overall comment", rows=4)

    def __init__(self, *args, criteria=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.criteria = list(criteria)
        for c in self.criteria:
            self.fields[f"score_{c.pk}"] = forms.TypedChoiceField(
                label=f"{c.title}: score (0 to {c.scale_max})",
                choices=[("", "Not scored")] + [(str(n), str(n)) for n in range(c.scale_max + 1)],
                coerce=int,
                empty_value=None,
                required=False,
                help_text=c.guidance,
            )
            self.fields[f"comment_{c.pk}"] = _text(f"{c.title}: comment", rows=3, max_length=NOTE)

    def rows(self):
        """(criterion, its score field, its comment field), for the page."""
        return [(c, self[f"score_{c.pk}"], self[f"comment_{c.pk}"]) for c in self.criteria]

    def scores(self) -> dict[int, tuple[int | None, str]]:
        return {
            c.pk: (self.cleaned_data.get(f"score_{c.pk}"), self.cleaned_data.get(f"comment_{c.pk}") or "")
            for c in self.criteria
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("approved", "Approve"), ("declined", "Decline")], widget=forms.RadioSelect)
    amount = MoneyFormField(
        min_value=0, required=False, label="Amount to award (£)", help_text="Leave empty for the amount asked."
    )
    reasons = _text("The panel's reasons", required=True, rows=4, max_length=NOTE)


class FeedbackForm(forms.Form):
    feedback = _text("Feedback for the applicant", rows=5)
    shared = forms.BooleanField(required=False, label="Share this feedback with the applicant")


class InterestForm(forms.Form):
    invite = forms.TypedChoiceField(
        choices=[("yes", "Invite a full application"), ("no", "Do not invite")],
        coerce=lambda v: v == "yes",
        widget=forms.RadioSelect,
        label="Outcome",
    )
    note = _text("Reason the applicant will read", rows=3, max_length=NOTE)
