"""Import and export of indicator results: the figures of progress updates.

A row names its update by the award identifier (or project reference) and the period's end date,
and its indicator by name on the same award or project. Results are added to updates that exist and
that the importer may see (a programme manager sees an update once it is submitted); the figures of an
accepted update do not change through an import (reopen the update first).
"""

from django.db.models import Q
from import_export.widgets import Widget

from grants.resources import AwardResource, PaymentResource
from grants.subjects import Subject
from partnerships.importing import (
    DateWidget,
    ExchangeResource,
    MoneyWidget,
    TextWidget,
    cell_text,
    column,
    export_only,
    lookup_key,
)
from partnerships.resources import OrganisationResource, PartnershipResource, ProjectResource

from . import selectors
from .models import Indicator, IndicatorResult, ProgressUpdate

FINAL = ProgressUpdate.State.ACCEPTED


def subject_of_row(row) -> str:
    """`a:<award identifier>` or `p:<project reference>`: whose update and indicator the row means."""
    award, project = cell_text(row.get("Award")), cell_text(row.get("Project"))
    if award:
        return f"a:{lookup_key(award)}"
    return f"p:{lookup_key(project)}" if project else ""


def subject_of(obj) -> str:
    """The same key for an update or an indicator (a holder of an award or a project)."""
    subject = Subject.of(obj)
    return f"{subject.kind.name[0]}:{lookup_key(subject.reference)}"


class UpdateWidget(Widget):
    """The update a row means, found from the Award or Project column and the period end."""

    def __init__(self):
        super().__init__()
        self.updates: dict = {}

    def clean(self, value, row=None, **kwargs):
        subject = subject_of_row(row or {})
        if not subject:
            raise ValueError("the row names no award or project (fill in “Award” or “Project”)")
        period_end = DateWidget().clean(value)
        if period_end is None:
            raise ValueError("the period end date is empty, and it is needed")
        update = self.updates.get((subject, period_end))
        if update is None:
            whose = cell_text(row.get("Award")) or cell_text(row.get("Project"))
            raise ValueError(f"no progress update you can reach for {whose} ends on {period_end:%d/%m/%Y}")
        return update

    def render(self, value, obj=None, **kwargs):
        return value.period_end.isoformat() if value else ""


class IndicatorWidget(UpdateWidget):
    def __init__(self):
        super().__init__()
        self.indicators: dict = {}

    def clean(self, value, row=None, **kwargs):
        name = cell_text(value)
        if not name:
            raise ValueError("the indicator name is empty, and it is needed")
        indicator = self.indicators.get((subject_of_row(row or {}), lookup_key(name)))
        if indicator is None:
            whose = cell_text(row.get("Award")) or cell_text(row.get("Project"))
            raise ValueError(f"unknown indicator “{name}” on {whose}")
        return indicator

    def render(self, value, obj=None, **kwargs):
        return value.name if value else ""


class IndicatorResultResource(ExchangeResource):
    kind = "indicator results"
    export_related = ("update__award", "update__project", "indicator")
    export_ordering = (
        "update__award__identifier",
        "update__project__reference",
        "update__period_end",
        "indicator__name",
    )
    key_attribute = "update"
    required_columns = ("Indicator", "Value")

    award = export_only("Award", "update__award__identifier")
    project = export_only("Project", "update__project__reference")
    period_start = export_only("Period start", "update__period_start", DateWidget())
    update = column("Period end", "update", UpdateWidget())
    indicator = column("Indicator", "indicator", IndicatorWidget())
    unit = export_only("Unit", "indicator__unit")
    value = column("Value", "value", MoneyWidget())
    note = column("Note", "note", TextWidget())

    class Meta(ExchangeResource.Meta):
        model = IndicatorResult
        fields = ("award", "project", "period_start", "update", "indicator", "unit", "value", "note")
        import_id_fields = ()

    def scoped_export(self, *, user):
        return selectors.indicator_result_list(user=user)

    def before_import(self, dataset, **kwargs):
        headers = dataset.headers or []
        if "Award" not in headers and "Project" not in headers:
            raise ValueError("The file has no “Award” or “Project” column; each row names the award or project.")
        super().before_import(dataset, **kwargs)

    def load_existing(self, dataset):
        rows = list(dataset.dict)
        awards = {cell_text(r.get("Award")) for r in rows} - {""}
        projects = {cell_text(r.get("Project")) for r in rows} - {""}
        subjects = Q(award__identifier__in=awards) | Q(project__reference__in=projects)
        updates = selectors.update_list(user=self.user).filter(subjects).select_related("award", "project")
        if not self.roles.is_admin:
            # Managers import figures for the work they manage; partners submit theirs through updates.
            updates = updates.filter(
                Q(award__programme__managed_by_id__in=self.roles.manager_orgs)
                | Q(project__partnership__lead_organisation_id__in=self.roles.manager_orgs)
            )
        self.fields["update"].widget.updates = {(subject_of(u), u.period_end): u for u in updates}
        indicators = Indicator.objects.filter(subjects).select_related("award", "project")
        self.fields["indicator"].widget.indicators = {(subject_of(i), lookup_key(i.name)): i for i in indicators}
        results = IndicatorResult.objects.filter(
            update__in=[u.pk for u in self.fields["update"].widget.updates.values()]
        )
        return {(r.update_id, r.indicator_id): r for r in results}

    def get_instance(self, instance_loader, row):
        try:
            update = self.fields["update"].widget.clean(row.get("Period end"), row)
            indicator = self.fields["indicator"].widget.clean(row.get("Indicator"), row)
        except ValueError:
            return None
        return self._existing.get((update.pk, indicator.pk))

    def instance_key(self, instance):
        return f"{instance.update_id}|{instance.indicator_id}" if instance.update_id and instance.indicator_id else ""

    def instance_label(self, instance):
        return f"{instance.indicator.name} for {instance.update.period_label}"

    def check(self, instance, new, before):
        update = instance.update
        if update.state == FINAL:
            return {
                "value": f"the update for {update.period_label} is accepted; its figures can change only "
                "after it is reopened"
            }
        return {}


def resource_kinds() -> dict[str, type[ExchangeResource]]:
    """Every kind `import_data` and `export_data` know, by the word a person types."""
    return {
        "organisations": OrganisationResource,
        "partnerships": PartnershipResource,
        "projects": ProjectResource,
        "awards": AwardResource,
        "payments": PaymentResource,
        "results": IndicatorResultResource,
    }
