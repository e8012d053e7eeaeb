"""A list page's filters are the resource's FilterSet, the one its API list uses: a page subclasses it
with `PageFilterSet` to say which of its filters the page offers, in what order, and in what words.
The page renders `filterset.form` (templates/includes/filters.html) and lists `filterset.qs`, so the
page and the API mean the same by every name; only the look is the page's own:

- one value per filter, from a GOV.UK select whose first option is "Any …" (`page_any`);
- ids offered as a select of what the person may see (`choices=` from the view's selectors); like the
  API, an id outside them gives an empty list, never someone else's rows;
- `archived` ("Hide archived" unless asked for), where the page lists finished work;
- a form that does not validate filters nothing but the archived rows, and shows its errors.
"""

from typing import ClassVar

from django import forms
from django_filters import rest_framework as filters

from .apis.filtering import ExchangeFilterSet, IdField

ARCHIVED_CHOICES = [("include", "Include archived"), ("only", "Only archived")]


class ArchivedFilter(filters.ChoiceFilter):
    """Finished work that was archived is hidden unless asked for; the page hands the FilterSet a
    queryset that includes archived rows (`include_archived=True`)."""

    page_first = "Hide archived"  # what no choice means

    def __init__(self, **kwargs):
        kwargs.setdefault("label", "Archived")
        super().__init__(choices=ARCHIVED_CHOICES, **kwargs)

    def filter(self, qs, value):
        if value == "only":
            return qs.filter(archived_at__isnull=False)
        if value == "include":
            return qs
        return qs.filter(archived_at__isnull=True)


class PageFilterSet(ExchangeFilterSet):
    """Mixed into a subclass of a resource's FilterSet: `page_fields` the filters the page offers, in
    order; `page_labels` their labels; `page_any` the first option of each select."""

    page_fields: ClassVar[tuple[str, ...]] = ()
    page_labels: ClassVar[dict[str, str]] = {}
    page_any: ClassVar[dict[str, str]] = {}
    archived = ArchivedFilter()

    def __init__(self, data, queryset, *, choices=None, request=None):
        # Always bound (an empty query is "no filters"), so the archived default applies on a bare URL.
        super().__init__(data, queryset, request=request)
        self.filters = {name: self.filters[name] for name in self.page_fields}
        self.choices = choices or {}

    def get_form_class(self):
        fields = {name: self.page_field(name, each) for name, each in self.filters.items()}
        return type(f"{type(self).__name__}Form", (forms.Form,), fields)

    def page_field(self, name: str, each: filters.Filter) -> forms.Field:
        label = self.page_labels.get(name, each.label)
        if name in self.choices:
            return IdField(required=False, label=label, widget=forms.Select(choices=self._options(name)))
        if isinstance(each, (filters.ChoiceFilter, filters.MultipleChoiceFilter)):
            offered = [choice for choice in each.field.choices if choice[0] != ""]
            first = getattr(each, "page_first", None) or self.page_any[name]
            return forms.ChoiceField(choices=[("", first), *offered], required=False, label=label)
        field = each.field
        field.label = label
        return field

    def _options(self, name: str):
        queryset, first = self.choices[name], self.page_any[name]
        return lambda: [("", first), *((obj.pk, str(obj)) for obj in queryset)]

    def filter_queryset(self, queryset):
        values = self.form.cleaned_data if self.form.is_valid() else dict.fromkeys(self.filters, "")
        for name, value in values.items():
            each = self.filters[name]
            if isinstance(each, filters.MultipleChoiceFilter):
                value = [value] if value else []  # the page offers one value of those the API takes
            queryset = each.filter(queryset, value)
        return queryset
