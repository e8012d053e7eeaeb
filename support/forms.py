"""Forms for needs, offers, matches and the partnership's matching settings: input checks only;
the services decide what is allowed."""

from django import forms

from partnerships.models import LocalAuthority, SubRegion
from workflow.dates import GrantDateFormField
from workflow.text import NARRATIVE, NOTE

from .models import MatchingSettings, Need, Phase

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
CHECKBOXES = forms.CheckboxSelectMultiple


class AreaChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.name} ({obj.partnership})" if getattr(self, "show_partnership", False) else obj.name


class _Recording(forms.Form):
    """Partnership, organisation and areas: the choices come from the person's scope."""

    partnership = forms.ModelChoiceField(queryset=None, empty_label="Choose a partnership")
    organisation = forms.ModelChoiceField(queryset=None, empty_label="Choose the organisation")
    title = forms.CharField(max_length=200)
    areas = AreaChoiceField(queryset=None, widget=CHECKBOXES, error_messages={"required": "Choose at least one area."})

    def __init__(self, *args, partnerships=None, organisations=None, areas=None, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["areas"].queryset = areas
        self.fields["areas"].show_partnership = not editing and partnerships is not None and partnerships.count() > 1
        if editing:
            del self.fields["partnership"]
            del self.fields["organisation"]
        else:
            self.fields["partnership"].queryset = partnerships
            self.fields["organisation"].queryset = organisations

    def clean(self):
        data = super().clean()
        partnership, chosen = data.get("partnership"), data.get("areas")
        if partnership and chosen and any(a.partnership_id != partnership.pk for a in chosen):
            self.add_error("areas", f"Choose areas from the list {partnership} keeps.")
        return data


class NeedForm(_Recording):
    title = forms.CharField(
        max_length=200, label="What the support is for", help_text="A line, e.g. “Attendance of pupils with SEND”."
    )
    phase = forms.ChoiceField(
        choices=[("", "Choose a phase")] + list(Phase.choices),
        label="Phase of improvement",
        help_text="De-clutter, repair, improve or sustain: where the school is now.",
    )
    urgency = forms.ChoiceField(choices=Need.Urgency.choices, initial=Need.Urgency.MEDIUM)
    context = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=NARRATIVE,
        required=False,
        help_text="What is happening, what has been tried, what good support would look like.",
    )
    days_wanted = forms.IntegerField(min_value=1, max_value=60, initial=2, label="Days of support a term")
    shared = forms.BooleanField(
        required=False,
        label="Share this need with offering organisations",
        help_text="Until it is shared (or matched) only the partnership's programme managers see it.",
    )
    same_trust_ok = forms.BooleanField(required=False, label="Support from our own trust is welcome")


class OfferForm(_Recording):
    title = forms.CharField(
        max_length=200, label="What you can give", help_text="A line, e.g. “SEND review and coaching”."
    )
    areas = AreaChoiceField(
        queryset=None,
        widget=CHECKBOXES,
        label="Areas of strength",
        error_messages={"required": "Choose at least one area."},
    )
    evaluations = forms.ModelMultipleChoiceField(
        queryset=None,
        widget=CHECKBOXES,
        required=False,
        label="Evidence: completed evaluations",
        help_text="Completed evaluations of your work, with their lessons from the what-works library.",
    )
    evidence = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=NARRATIVE,
        required=False,
        label="Evidence in your own words",
    )
    capacity_days = forms.IntegerField(min_value=1, max_value=200, label="Capacity (days a term)")
    available_until = GrantDateFormField(widget=DATE, label="Available until")
    phases = forms.MultipleChoiceField(
        choices=Phase.choices, widget=CHECKBOXES, required=False, label="Phases of improvement it suits"
    )
    travel_sub_regions = forms.ModelMultipleChoiceField(
        queryset=SubRegion.objects.all(), widget=CHECKBOXES, required=False, label="Sub-regions you can travel to"
    )
    travel_local_authorities = forms.ModelMultipleChoiceField(
        queryset=LocalAuthority.objects.filter(sub_region__isnull=False).select_related("sub_region"),
        required=False,
        label="Local authorities you can travel to",
        help_text="Beyond your own local authority and the sub-regions above. Hold Ctrl (or Cmd) to choose several.",
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )
    conditions = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=NOTE, required=False)

    def __init__(self, *args, evaluations=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["evaluations"].queryset = evaluations
        self.fields["evaluations"].label_from_instance = lambda e: (
            f"{e.subject.reference} {e.subject.title}: {e.get_rating_display()}"
        )


class AcceptForm(forms.Form):
    offer = forms.IntegerField(widget=forms.HiddenInput)
    days = forms.IntegerField(min_value=1, max_value=200, required=False, label="Days a term")
    note = forms.CharField(max_length=NOTE, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = MatchingSettings
        fields = [f"weight_{n}" for n in MatchingSettings.WEIGHTS] + ["parties_may_accept"]


class AreaForm(forms.Form):
    name = forms.CharField(max_length=80, label="New area")
