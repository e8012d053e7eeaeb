"""Import and export of partnerships and projects (organisations, with the DfE's GIAS extracts, are in
`organisation_import.py`). The rules every import keeps are in the `importing` package."""

import re

from . import selectors
from .importing import (
    ChoiceWidget,
    DateWidget,
    ExchangeResource,
    LookupWidget,
    WholeNumberWidget,
    cell_text,
    column,
    export_only,
    organisation_widget,
)
from .models import Partnership, PartnershipMember, Project, Region
from .organisation_import import OrganisationResource

__all__ = ["OrganisationResource", "PartnershipResource", "ProjectResource", "ends_after_start"]

ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,5}-.+$")


def ends_after_start(start, end, *, end_attribute: str, what: str = "") -> dict[str, str]:
    if start and end and end <= start:
        return {end_attribute: f"{what}ends ({end:%d/%m/%Y}) on or before it starts ({start:%d/%m/%Y})"}
    return {}


# Partnerships -----------------------------------------------------------------------------------


class PartnershipResource(ExchangeResource):
    kind = "partnerships"
    export_related = ("region", "lead_organisation")
    key_attribute = "name"
    required_columns = ("Region", "Lead organisation", "Starts on")

    name = column("Name", "name")
    region = column("Region", "region", LookupWidget(Region, "name", noun="region", keys=("name", "code")))
    lead_organisation = column("Lead organisation", "lead_organisation", organisation_widget())
    starts_on = column("Starts on", "starts_on", DateWidget())
    ends_on = column("Ends on", "ends_on", DateWidget())
    aims = column("Aims", "aims")
    members = export_only("Members", "members")

    class Meta(ExchangeResource.Meta):
        model = Partnership
        fields = ("name", "region", "lead_organisation", "starts_on", "ends_on", "aims", "members")
        import_id_fields = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self._roles = ChoiceWidget(PartnershipMember.Role.choices, noun="member role")

    def scoped_export(self, *, user):
        return selectors.partnership_list(user=user)

    def export_queryset(self, *, user):
        return super().export_queryset(user=user).prefetch_related("members__organisation")

    def dehydrate_members(self, partnership):
        """`GB-CHC-1159393 (lead); GB-EDU-137000 (member)`: each member's org-id and role."""
        members = sorted(partnership.members.all(), key=lambda m: m.organisation.identifier)
        return "; ".join(f"{m.organisation.identifier} ({m.role})" for m in members)

    def load_existing(self, dataset):
        existing = super().load_existing(dataset)
        self._current_members = {
            (m.partnership_id, m.organisation_id): m
            for m in PartnershipMember.objects.filter(partnership__in=list(existing.values()))
        }
        return existing

    def after_cells(self, instance, row):
        """Members are added or given a new role by an import, never removed (that is done in the admin)."""
        instance._members = []
        if "Members" not in row:
            return {}
        organisations = self.fields["lead_organisation"].widget
        problems = []
        for part in filter(None, (p.strip() for p in cell_text(row["Members"]).split(";"))):
            identifier, _, role = part.partition("(")
            organisation = organisations.find(identifier.strip())
            if organisation is None:
                problems.append(f"unknown organisation identifier “{identifier.strip()}”")
                continue
            try:
                role = self._roles.clean(role.rstrip(") ")) or PartnershipMember.Role.MEMBER
            except ValueError as error:
                problems.append(str(error))
                continue
            instance._members.append((organisation, role))
        return {"members": "; ".join(problems)} if problems else {}

    def skip_row(self, instance, original, row, import_validation_errors=None):
        return super().skip_row(instance, original, row, import_validation_errors) and not self._member_changes(
            instance
        )

    def _member_changes(self, instance) -> list:
        changes = []
        for organisation, role in getattr(instance, "_members", []):
            current = self._current_members.get((instance.pk, organisation.pk))
            if current is None or current.role != role:
                changes.append((organisation, role, current))
        return changes

    def after_write(self):
        new, changed = [], []
        for partnership in self._created + self._updated:
            for organisation, role, current in self._member_changes(partnership):
                if current is None:
                    new.append(PartnershipMember(partnership=partnership, organisation=organisation, role=role))
                else:
                    current.role = role
                    changed.append(current)
        PartnershipMember.objects.bulk_create(new)
        PartnershipMember.objects.bulk_update(changed, ["role"])

    def scope_lookups(self):
        if not self.roles.is_admin:
            widget = self.fields["lead_organisation"].widget
            widget.allowed = set(self.roles.manager_orgs)
            widget.refusal = "“{value}” is not an organisation you manage partnerships for"

    def check(self, instance, new, before):
        problems = ends_after_start(
            instance.starts_on, instance.ends_on, end_attribute="ends_on", what="the partnership "
        )
        if not new and not self.roles.is_admin and before["lead_organisation"] not in self.roles.manager_orgs:
            problems["name"] = f"“{instance.name}” is a partnership you do not manage"
        return problems


# Projects ---------------------------------------------------------------------------------------


class ProjectResource(ExchangeResource):
    kind = "projects"
    export_related = ("partnership", "lead_organisation")
    key_attribute = "reference"
    required_columns = ("Partnership", "Title", "Lead organisation")

    reference = column("Reference", "reference")
    partnership = column("Partnership", "partnership", LookupWidget(Partnership, "name", noun="partnership"))
    title = column("Title", "title")
    lead_organisation = column("Lead organisation", "lead_organisation", organisation_widget())
    theme = column("Theme", "theme", ChoiceWidget(Project.Theme.choices, noun="project theme"))
    summary = column("Summary", "summary")
    settings_reached = column("Settings reached", "settings_reached", WholeNumberWidget())
    children_reached = column("Children reached", "children_reached", WholeNumberWidget())
    planned_start = column("Planned start", "planned_start", DateWidget())
    planned_end = column("Planned end", "planned_end", DateWidget())
    state = export_only("State", "state")

    class Meta(ExchangeResource.Meta):
        model = Project
        fields = (
            "reference",
            "partnership",
            "title",
            "lead_organisation",
            "theme",
            "summary",
            "settings_reached",
            "children_reached",
            "planned_start",
            "planned_end",
            "state",
        )
        import_id_fields = ()

    def scoped_export(self, *, user):
        return selectors.project_list(user=user, include_archived=True)

    def scope_lookups(self):
        if not self.roles.is_admin:
            widget = self.fields["partnership"].widget
            widget.allowed = set(
                Partnership.objects.filter(lead_organisation_id__in=self.roles.manager_orgs).values_list(
                    "pk", flat=True
                )
            )
            widget.refusal = "“{value}” is a partnership you do not manage"

    def on_create(self, instance, row):
        instance.proposed_by = self.user
        instance.created_at = instance.updated_at = self._now

    def check(self, instance, new, before):
        problems = ends_after_start(
            instance.planned_start, instance.planned_end, end_attribute="planned_end", what="the project "
        )
        allowed = self.fields["partnership"].widget.allowed
        if not new and allowed is not None and before["partnership"] not in allowed:
            problems["reference"] = f"project “{instance.reference}” is in a partnership you do not manage"
        elif not new and instance.state != Project.State.DRAFT:
            for attribute in ("partnership", "lead_organisation"):
                if before[attribute] != getattr(instance, f"{attribute}_id"):
                    problems[attribute] = (
                        f"project “{instance.reference}” is {instance.get_state_display().lower()}; "
                        f"its {attribute.replace('_', ' ')} can change only while it is a draft"
                    )
        return problems
