"""Import and export of organisations (including the DfE "Get Information About Schools" school list),
partnerships and projects. The rules every import keeps are in `importing.py`."""

import re

from . import selectors
from .importing import (
    ChoiceWidget,
    DateWidget,
    ExchangeResource,
    IdentifierWidget,
    LookupWidget,
    TextWidget,
    WholeNumberWidget,
    cell_text,
    column,
    export_only,
    local_authority_widget,
    lookup_key,
    organisation_widget,
)
from .models import Organisation, Partnership, PartnershipMember, Project, Region

ORG_ID = re.compile(r"^[A-Z]{2}-[A-Z]{2,5}-.+$")


def ends_after_start(start, end, *, end_attribute: str, what: str = "") -> dict[str, str]:
    if start and end and end <= start:
        return {end_attribute: f"{what}ends ({end:%d/%m/%Y}) on or before it starts ({start:%d/%m/%Y})"}
    return {}


class WebsiteWidget(TextWidget):
    """School lists give `www.school.org.uk`; the model wants a full web address."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if text and "://" not in text:
            text = f"https://{text}"
        return text


# Organisations ----------------------------------------------------------------------------------

GIAS_COLUMNS = {
    # the DfE "Get Information About Schools" extract → our columns
    "Name": ("EstablishmentName",),
    "Local authority": ("LA (code)", "LA (name)"),
    "Trust": ("Trust identifier", "Trusts (identifier)", "Trusts (name)"),
    "Pupils": ("NumberOfPupils",),
    "Website": ("SchoolWebsite",),
    "Postcode": ("Postcode",),
}


def is_gias_extract(headers) -> bool:
    return "URN" in headers and "EstablishmentName" in headers


def gias_to_organisations(dataset) -> dict[str, str]:
    """Reshape a GIAS school list in place into organisation columns (URN → GB-EDU-<URN>, the local
    authority by its DfE code or name, the school's trust by org-id or name). Returns, for each of
    our columns, the GIAS column it came from, so problems name the column the person knows."""
    headers = list(dataset.headers)
    rows = [dict(zip(headers, r, strict=False)) for r in dataset]
    sources = {"Identifier": "URN", "Kind": ""}
    for ours, theirs in GIAS_COLUMNS.items():
        present = [c for c in theirs if c in headers]
        if present:
            sources[ours] = present[0]
    out = []
    for row in rows:
        values = {"Identifier": f"GB-EDU-{cell_text(row['URN'])}" if cell_text(row["URN"]) else "", "Kind": "school"}
        for ours, theirs in GIAS_COLUMNS.items():
            values[ours] = next((row[c] for c in theirs if c in row and cell_text(row[c])), "")
        out.append(values)
    names = ["Identifier", "Kind", *[c for c in GIAS_COLUMNS if c in sources]]
    dataset.wipe()
    dataset.headers = names
    for values in out:
        dataset.append([values[n] for n in names])
    return sources


class OrganisationResource(ExchangeResource):
    kind = "organisations"
    export_related = ("local_authority", "trust")
    required_columns = ("Name",)

    identifier = column("Identifier", "identifier", IdentifierWidget())
    name = column("Name", "name")
    org_kind = column("Kind", "kind", ChoiceWidget(Organisation.Kind.choices, noun="kind of organisation"))
    local_authority = column("Local authority", "local_authority", local_authority_widget())
    trust = column(
        "Trust",
        "trust",
        LookupWidget(
            Organisation,
            "identifier",
            noun="trust",
            keys=("identifier", "name"),
            queryset=Organisation.objects.filter(kind=Organisation.Kind.MAT),
        ),
    )
    pupil_count = column("Pupils", "pupil_count", WholeNumberWidget())
    website = column("Website", "website", WebsiteWidget())
    postcode = column("Postcode", "postcode")

    class Meta(ExchangeResource.Meta):
        model = Organisation
        fields = ("identifier", "name", "org_kind", "local_authority", "trust", "pupil_count", "website", "postcode")
        import_id_fields = ()

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.sources: dict[str, str] = {}
        self._pending_trusts: dict[str, str] = {}

    def scoped_export(self, *, user):
        return selectors.organisation_list(user=user)

    def column_for(self, attribute):
        name = super().column_for(attribute)
        return self.sources.get(name) or name

    def prepare_dataset(self, dataset):
        self.sources = gias_to_organisations(dataset) if is_gias_extract(dataset.headers or []) else {}

    def load_existing(self, dataset):
        existing = super().load_existing(dataset)
        # Trusts that arrive in the same file as their schools: linked once they have ids.
        headers = dataset.headers
        kinds = self.fields["org_kind"].widget
        self._pending_trusts = {}
        if "Kind" in headers:
            for row in dataset.dict:
                try:
                    is_mat = kinds.clean(row.get("Kind")) == Organisation.Kind.MAT
                except ValueError:
                    continue
                identifier = cell_text(row.get("Identifier"))
                if is_mat and identifier and self.fields["trust"].widget.find(identifier) is None:
                    for key in (identifier, row.get("Name")):
                        if cell_text(key):
                            self._pending_trusts[lookup_key(key)] = identifier
        return existing

    def import_instance(self, instance, row, **kwargs):
        pending = self._pending_trusts.get(lookup_key(row.get("Trust")))
        instance._pending_trust = pending
        if pending:  # the trust is new in this file: linked once it has an id (after_write)
            row = {**row, "Trust": ""}
        super().import_instance(instance, row, **kwargs)

    def check(self, instance, new, before):
        problems = {}
        if not ORG_ID.match(instance.identifier):
            problems["identifier"] = (
                f"“{instance.identifier}” is not an org-id identifier (like GB-EDU-137000, GB-CHC-1159393 "
                "or GB-COH-08000001)"
            )
        has_trust = instance.trust_id or getattr(instance, "_pending_trust", None)
        if has_trust and instance.kind != Organisation.Kind.SCHOOL:
            problems["trust"] = "only a school belongs to a trust"
        if instance.trust_id and instance.trust_id == instance.pk:
            problems["trust"] = "an organisation cannot be its own trust"
        if not new and not self.roles.is_admin and instance.pk not in self.roles.manager_orgs:
            # As in the admin's form: the directory is everyone's to read, an entry its own managers' to change.
            problems["name"] = (
                f"“{before['name']}” is an organisation you do not manage; an administrator can change it"
            )
        return problems

    def after_write(self):
        pending = [o for o in self._created + self._updated if getattr(o, "_pending_trust", None)]
        if not pending:
            return
        by_identifier = {
            lookup_key(o.identifier): o
            for o in Organisation.objects.filter(identifier__in={o._pending_trust for o in pending})
        }
        for school in pending:
            school.trust = by_identifier[lookup_key(school._pending_trust)]
        Organisation.objects.bulk_update(pending, ["trust"])


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
