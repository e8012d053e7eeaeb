"""Forms for the reporting pages. They only collect what was typed: the services decide what is valid,
and their reasons come back onto the fields (`workflow.views.refusal_into_form`), so a page never loses the input."""

from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError

from partnerships.models import LocalAuthority
from workflow.dates import GrantDateFormField
from workflow.figures import FigureError, MoneyFormField, parse_money
from workflow.text import NARRATIVE, NOTE

from .figures import plain
from .models import Evaluation, Indicator, ReportingSchedule
from .reports.period import Period

TEXTAREA = forms.Textarea(attrs={"rows": 5, "class": "govuk-textarea"})
DATE = forms.DateInput(attrs={"type": "date", "class": "govuk-input govuk-input--width-10"})


class ServiceErrorsMixin:
    """Names the service's error keys that differ from this form's fields; `workflow.views.refusal_into_form`
    puts a service's errors onto the fields through it."""

    service_field_map: dict = {}


class UpdateForm(ServiceErrorsMixin, forms.Form):
    """The partner's update: narrative, spend, one line per indicator (figure, breakdown, note),
    reach by local authority, and an evidence file."""

    EXTRA_REACH_ROWS = 3

    progress = forms.CharField(label="Progress made", required=False, widget=TEXTAREA, max_length=NARRATIVE)
    challenges = forms.CharField(label="Challenges", required=False, widget=TEXTAREA, max_length=NARRATIVE)
    next_steps = forms.CharField(label="Next steps", required=False, widget=TEXTAREA, max_length=NARRATIVE)
    spend_to_date = forms.CharField(
        label="Spend to date (£)",
        required=False,
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}),
    )
    evidence = forms.FileField(
        label="Add an evidence file",
        required=False,
        help_text="PDF, PNG, JPEG, Word (.docx), Excel (.xlsx), CSV or plain text.",
        widget=forms.ClearableFileInput(attrs={"class": "govuk-file-upload"}),
    )

    def __init__(self, *args, update, indicators, **kwargs):
        super().__init__(*args, **kwargs)
        self.update = update
        self.indicators = list(indicators)
        self.service_field_map = {}
        existing = {r.indicator_id: r for r in update.results.all()}
        self.indicator_rows = []
        for indicator in self.indicators:
            key = f"result_{indicator.pk}"
            result = existing.get(indicator.pk)
            self.fields[key] = forms.CharField(
                label=f"{indicator.name} ({indicator.unit})",
                required=False,
                initial="" if result is None else plain(result.value),
                widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}),
            )
            self.fields[f"{key}_note"] = forms.CharField(
                label=f"Notes on {indicator.name}",
                required=False,
                max_length=NOTE,
                initial="" if result is None else result.note,
                widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"}),
            )
            parts = []
            for n, label in enumerate(indicator.breakdown_labels):
                name = f"{key}_b{n}"
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    initial=(result.breakdown or {}).get(label, "") if result else "",
                    widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5"}),
                )
                self.service_field_map[f"{key}_{label}"] = name
                parts.append((label, name))
            self.indicator_rows.append({"indicator": indicator, "field": key, "note": f"{key}_note", "parts": parts})
        reach = list(update.reach.all())
        self.reach_rows = []
        authorities = LocalAuthority.objects.order_by("name")
        for n in range(len(reach) + self.EXTRA_REACH_ROWS):
            row = reach[n] if n < len(reach) else None
            prefix = f"reach_{n}"
            self.fields[f"{prefix}_la"] = forms.ModelChoiceField(
                queryset=authorities,
                required=False,
                label="Local authority",
                initial=row.local_authority_id if row else None,
                widget=forms.Select(attrs={"class": "govuk-select"}),
            )
            for what in ("settings", "children"):
                self.fields[f"{prefix}_{what}"] = forms.CharField(
                    label=f"{what.capitalize()} reached",
                    required=False,
                    initial=getattr(row, f"{what}_reached") if row else "",
                    widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-5", "inputmode": "numeric"}),
                )
            self.reach_rows.append(prefix)
        self.service_field_map["reach"] = "reach_0_la"
        self._add_spend_lines(update)
        if not self.is_bound:
            for name in ("progress", "challenges", "next_steps"):
                self.fields[name].initial = getattr(update, name)
            self.fields["spend_to_date"].initial = plain(update.spend_to_date)

    def _add_spend_lines(self, update) -> None:
        """Spend to date by budget line, for an award whose programme budgets by line (grants/money)."""
        self.spend_categories = list(update.subject.budget_categories())
        given = {line.category_id: line.amount for line in update.spend_lines.all()} if self.spend_categories else {}
        for category in self.spend_categories:
            self.fields[f"spend_line_{category.pk}"] = forms.CharField(
                label=f"{category.name} (£)",
                required=False,
                initial=plain(given[category.pk]) if category.pk in given else "",
                widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"}),
            )
        if self.spend_categories:
            self.fields[
                "spend_to_date"
            ].help_text = "Or give the spend by budget line below: the spend to date is then their total."
            self.service_field_map["spend_lines"] = f"spend_line_{self.spend_categories[0].pk}"

    def spend_line_fields(self):
        return [self[f"spend_line_{c.pk}"] for c in self.spend_categories]

    def _spend_lines(self):
        """(category, amount) for every budget line given, or None when none was (the total is typed)."""
        lines, problems = [], []
        for category in self.spend_categories:
            name = f"spend_line_{category.pk}"
            try:
                amount = parse_money(self.cleaned_data.get(name))
            except FigureError as error:
                self.add_error(name, error.messages)
                problems.append(name)
                continue
            if amount is not None:
                lines.append((category, amount))
        if problems:
            raise ValidationError("")
        return lines or None

    def reach_fields(self):
        return [(self[f"{p}_la"], self[f"{p}_settings"], self[f"{p}_children"]) for p in self.reach_rows]

    def result_fields(self):
        return [
            {
                "indicator": row["indicator"],
                "field": self[row["field"]],
                "note": self[row["note"]],
                "parts": [self[name] for _label, name in row["parts"]],
            }
            for row in self.indicator_rows
        ]

    def service_kwargs(self) -> dict:
        data = self.cleaned_data
        results = {}
        for row in self.indicator_rows:
            results[row["indicator"].pk] = {
                "value": data.get(row["field"]),
                "note": data.get(row["note"], ""),
                "breakdown": {label: data.get(name) for label, name in row["parts"]},
            }
        reach = [
            {
                "local_authority": data.get(f"{p}_la"),
                "settings": data.get(f"{p}_settings"),
                "children": data.get(f"{p}_children"),
            }
            for p in self.reach_rows
        ]
        kwargs = {
            "progress": data["progress"],
            "challenges": data["challenges"],
            "next_steps": data["next_steps"],
            "spend_to_date": data["spend_to_date"],
            "results": results,
            "reach": reach,
        }
        spend_lines = data.get("spend_lines")
        if spend_lines:
            kwargs["spend_lines"] = spend_lines
        return kwargs

    def clean(self):
        cleaned = super().clean()
        if self.spend_categories:
            try:
                cleaned["spend_lines"] = self._spend_lines()
            except ValidationError:
                pass  # each wrong figure is already on its own field
        return cleaned


class ScheduleForm(ServiceErrorsMixin, forms.Form):
    frequency = forms.ChoiceField(
        choices=ReportingSchedule.Frequency.choices, widget=forms.Select(attrs={"class": "govuk-select"})
    )
    starts_on = GrantDateFormField(label="Reporting starts")
    ends_on = GrantDateFormField(label="Reporting ends")


class AdHocDueDateForm(ServiceErrorsMixin, forms.Form):
    label = forms.CharField(
        label="What is it for (optional)",
        required=False,
        max_length=120,
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    period_start = GrantDateFormField(label="Period starts")
    period_end = GrantDateFormField(label="Period ends")
    due_on = GrantDateFormField(label="Report due")


class ExtendForm(ServiceErrorsMixin, forms.Form):
    period_end = GrantDateFormField(widget=forms.HiddenInput)
    new_due_on = GrantDateFormField(label="New due date")
    reason = forms.CharField(
        label="Reason", max_length=NOTE, widget=forms.Textarea(attrs={"rows": 2, "class": "govuk-textarea"})
    )


class EvaluationForm(ServiceErrorsMixin, forms.ModelForm):
    class Meta:
        model = Evaluation
        fields = [
            "evaluator_name",
            "outcomes",
            "what_worked",
            "what_did_not_work",
            "lessons",
            "rating",
            "stage_reached",
        ]
        widgets = {
            "evaluator_name": forms.TextInput(attrs={"class": "govuk-input"}),
            "outcomes": forms.Textarea(attrs={"rows": 6, "class": "govuk-textarea"}),
            "what_worked": TEXTAREA,
            "what_did_not_work": TEXTAREA,
            "lessons": TEXTAREA,
            "rating": forms.Select(attrs={"class": "govuk-select"}),
            "stage_reached": forms.Select(attrs={"class": "govuk-select"}),
        }


def _figure(label: str, **kwargs) -> MoneyFormField:
    widget = forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10", "inputmode": "decimal"})
    return MoneyFormField(label=label, widget=widget, **kwargs)


class IndicatorForm(ServiceErrorsMixin, forms.Form):
    """An outcome measure as the partner proposes it or a manager sets it up (reporting.services.indicator_add)."""

    name = forms.CharField(
        label="What is measured",
        max_length=200,
        help_text="For example: children reading at the expected standard, teachers retained.",
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    unit = forms.CharField(
        label="Unit",
        max_length=40,
        help_text="children, settings, teachers, %, points…",
        widget=forms.TextInput(attrs={"class": "govuk-input govuk-input--width-10"}),
    )
    baseline = _figure("Baseline", required=False, help_text="Where it stands at the start. Blank means 0.")
    target = _figure("Target")
    direction = forms.ChoiceField(
        label="Which way is better",
        choices=Indicator.Direction.choices,
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        initial=Indicator.Direction.INCREASE,
    )
    cumulative = forms.TypedChoiceField(
        label="How results count",
        choices=[
            ("yes", "They add up over the periods (children reached)"),
            ("no", "The latest period counts (attendance %)"),
        ],
        coerce=lambda value: value == "yes",
        widget=forms.RadioSelect(attrs={"class": "govuk-radios__input"}),
        initial="yes",
    )
    breakdowns = forms.CharField(
        label="Breakdowns",
        required=False,
        max_length=300,
        help_text="Parts a result is broken into, separated by commas: Disadvantaged pupils, SEND, EAL.",
        widget=forms.TextInput(attrs={"class": "govuk-input"}),
    )
    allow_negative = forms.BooleanField(
        label="Results can be below zero (a change in a progress score, for example)", required=False
    )

    @classmethod
    def initial_of(cls, indicator: Indicator) -> dict:
        return {
            "name": indicator.name,
            "unit": indicator.unit,
            "baseline": plain(indicator.baseline),
            "target": plain(indicator.target),
            "direction": indicator.direction,
            "cumulative": "yes" if indicator.cumulative else "no",
            "breakdowns": indicator.breakdowns,
            "allow_negative": indicator.allow_negative,
        }

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if data.get("baseline") is None:
            data["baseline"] = Decimal("0")
        return data


class ReportPeriodForm(forms.Form):
    """The period an impact report covers, from the query string (a GET form: no JavaScript, bookmarkable).
    GOV.UK day, month and year boxes (`from_day`…), or one date each (`from=2025-04-01`: the API's way).
    Both dates or neither: neither is the whole life of the work. Pages and API use this one form."""

    def __init__(self, data=None, **kwargs):
        super().__init__(data, **kwargs)
        # "from" is a Python word: the fields are added by name.
        self.fields["from"] = GrantDateFormField(required=False, label="From", help_text="For example, 1 4 2025")
        self.fields["to"] = GrantDateFormField(required=False, label="To", help_text="For example, 31 3 2026")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("from"), cleaned.get("to")
        if self.errors:
            return cleaned
        if start and not end:
            self.add_error("to", "Enter the last day of the period too, or leave both dates empty for the whole life.")
        elif end and not start:
            self.add_error(
                "from", "Enter the first day of the period too, or leave both dates empty for the whole life."
            )
        elif start and end and end < start:
            self.add_error("to", f"The period must end on or after the day it starts ({start.day} {start:%B %Y}).")
        return cleaned

    @property
    def period(self) -> Period | None:
        """The period asked for (valid form), or None for the whole life of the work."""
        start, end = self.cleaned_data.get("from"), self.cleaned_data.get("to")
        return Period(start, end) if start and end else None
