"""Import and export of organisations: Exchange's own columns, and the DfE's GIAS establishments and
groups (trusts) extracts as they come (`gias.py` reshapes those into these columns)."""

from __future__ import annotations

import re

from . import gias, selectors
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
    local_authority_widget,
    lookup_key,
)
from .models import Organisation

ORG_ID = re.compile(r"^([A-Z]{2}-[A-Z0-9]{2,10}-.+|360G-.+)$")  # as the model's constraint
GSS_CODE = re.compile(r"^[EWSN]\d{8}$")


class WebsiteWidget(TextWidget):
    """School lists give `www.school.org.uk`; the model wants a full web address."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value)
        if text and "://" not in text:
            text = f"https://{text}"
        return text


class CodeWidget(TextWidget):
    """An ONS (GSS) code such as E05011129, or nothing."""

    def clean(self, value, row=None, **kwargs):
        text = cell_text(value).upper()
        if text and not GSS_CODE.match(text):
            raise ValueError(f"“{cell_text(value)}” is not an ONS code (a letter and eight digits, like E05011129)")
        return text


def trust_lookup() -> LookupWidget:
    return LookupWidget(
        Organisation,
        "identifier",
        noun="trust",
        keys=("identifier", "name"),
        queryset=Organisation.objects.filter(kind=Organisation.Kind.MAT),
    )


class OrganisationResource(ExchangeResource):
    kind = "organisations"
    export_related = ("local_authority", "trust")
    required_columns = ("Name",)

    identifier = column("Identifier", "identifier", IdentifierWidget())
    name = column("Name", "name")
    org_kind = column("Kind", "kind", ChoiceWidget(Organisation.Kind.choices, noun="kind of organisation"))
    establishment_type = column(
        "Establishment type",
        "establishment_type",
        ChoiceWidget(Organisation.EstablishmentType.choices, noun="type of establishment Exchange knows"),
    )
    type_of_establishment = column("GIAS type", "type_of_establishment")
    phase = column("Phase", "phase")
    local_authority = column("Local authority", "local_authority", local_authority_widget())
    trust = column("Trust", "trust", trust_lookup())
    trust_uid = column("Trust UID", "trust_uid")
    group_uid = column("Group UID", "group_uid")
    ukprn = column("UKPRN", "ukprn")
    pupil_count = column("Pupils", "pupil_count", WholeNumberWidget())
    website = column("Website", "website", WebsiteWidget())
    postcode = column("Postcode", "postcode")
    district_code = column("District code", "district_code", CodeWidget())
    ward_code = column("Ward code", "ward_code", CodeWidget())
    lsoa_code = column("LSOA code", "lsoa_code", CodeWidget())
    closed_on = column("Closed on", "closed_on", DateWidget())

    class Meta(ExchangeResource.Meta):
        model = Organisation
        fields = (
            "identifier",
            "name",
            "org_kind",
            "establishment_type",
            "type_of_establishment",
            "phase",
            "local_authority",
            "trust",
            "trust_uid",
            "group_uid",
            "ukprn",
            "pupil_count",
            "website",
            "postcode",
            "district_code",
            "ward_code",
            "lsoa_code",
            "closed_on",
        )
        import_id_fields = ()

    def __init__(self, *, include_closed: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.include_closed = include_closed
        self.sources: dict[str, str] = {}
        self.gias_file = ""  # "establishments" or "groups" for a GIAS extract
        self._pending_trusts: dict[str, str] = {}
        self._school_links: dict[str, str] = {}
        self._unlinked = 0
        self._linked = 0
        self._without_number = 0
        self._trusts_by_uid: dict[str, Organisation] = {}

    def scoped_export(self, *, user):
        return selectors.organisation_list(user=user)

    def column_for(self, attribute):
        name = super().column_for(attribute)
        return self.sources.get(name) or name

    def prepare_dataset(self, dataset):
        headers = dataset.headers or []
        self.sources, self._school_links, self._unlinked, self._without_number = {}, {}, 0, 0
        if gias.is_establishment_links(headers):
            raise ValueError(gias.ESTABLISHMENT_LINKS)
        if gias.is_groups(headers):  # first: a links file names the school (URN, EstablishmentName) too
            self.gias_file = "groups"
            shaped = gias.groups(dataset, keep_closed=self.include_closed)
        elif gias.is_establishments(headers):
            self.gias_file = "establishments"
            las = self.fields["local_authority"].widget
            las.load()
            shaped = gias.establishments(
                dataset, keep_closed=self.include_closed, la_known=lambda v: las.find(v) is not None
            )
        else:
            self.gias_file = ""
            return
        dataset.wipe()
        dataset.headers = shaped.headers
        for values in shaped.rows:
            dataset.append(values)
        self.sources, self.left_out, self._school_links = shaped.sources, shaped.left_out, shaped.school_links
        self._without_number = shaped.without_company_number

    def load_existing(self, dataset):
        existing = super().load_existing(dataset)
        # Trusts that arrive in the same file as their schools: linked once they have ids.
        self._pending_trusts = {}
        self._trusts_by_uid = {
            o.group_uid: o for o in Organisation.objects.filter(kind=Organisation.Kind.MAT).exclude(group_uid="")
        }
        if "Kind" in dataset.headers and not self.gias_file:
            kinds = self.fields["org_kind"].widget
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

    def get_instance(self, instance_loader, row):
        """A GIAS trust by its identifier, else by its Group UID: the same trust with or without its
        Companies House number in the file."""
        found = super().get_instance(instance_loader, row)
        if found is None and self.gias_file == "groups":
            found = self._trusts_by_uid.get(cell_text(row.get("Group UID")))
        return found

    def get_bulk_update_fields(self):
        names = super().get_bulk_update_fields()
        if self.gias_file == "groups":  # a trust known by its Group UID until a file gives its company number
            names.append("identifier")
        return names

    def import_instance(self, instance, row, **kwargs):
        if (
            self.gias_file == "groups"
            and instance.pk
            and not instance.identifier.startswith(gias.NO_COMPANY_NUMBER_PREFIX)
        ):
            if cell_text(row.get("Identifier")).startswith(gias.NO_COMPANY_NUMBER_PREFIX):
                row = {**row, "Identifier": instance.identifier}  # a file without the number keeps the one known
        if self.gias_file == "establishments":  # the trust is found by its number, else its name: after_cells
            instance._trust_name = row.get("Trust", "")
            row = {k: v for k, v in row.items() if k != "Trust"}
        pending = self._pending_trusts.get(lookup_key(row.get("Trust")))
        instance._pending_trust = pending
        if pending:  # the trust is new in this file: linked once it has an id (after_write)
            row = {**row, "Trust": ""}
        super().import_instance(instance, row, **kwargs)

    def after_cells(self, instance, row):
        """A GIAS school's trust by its Group UID ("Trusts (code)"): a trust not imported yet is no error;
        the school keeps the number and is linked when the groups file comes."""
        if self.gias_file == "groups" and not instance.identifier:
            return {"identifier": "empty: Exchange knows a trust by its Companies House number, else its Group UID"}
        if self.gias_file == "establishments" and instance.trust_uid and instance.kind == Organisation.Kind.SCHOOL:
            trust = self._trusts_by_uid.get(instance.trust_uid) or self.fields["trust"].widget.find(
                instance._trust_name
            )
            if trust is not None:
                instance.trust = trust
            else:
                self._unlinked += 1
        return {}

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
        if pending:
            by_identifier = {
                lookup_key(o.identifier): o
                for o in Organisation.objects.filter(identifier__in={o._pending_trust for o in pending})
            }
            for school in pending:
                school.trust = by_identifier[lookup_key(school._pending_trust)]
            Organisation.objects.bulk_update(pending, ["trust"])
        if self.gias_file == "groups":
            self._link_schools()

    def _link_schools(self):
        """Schools that named these trusts by Group UID (an establishments file imported before), and the
        schools a links file lists, join their trust."""
        trusts = {o.group_uid: o for o in self._created + self._updated if o.group_uid}
        if not trusts:
            return
        schools = list(
            Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, trust_uid__in=list(trusts))
            | Organisation.objects.filter(kind=Organisation.Kind.SCHOOL, identifier__in=list(self._school_links))
        )
        changed = []
        for school in schools:
            uid = self._school_links.get(school.identifier) or school.trust_uid
            trust = trusts.get(uid)
            if trust is not None and (school.trust_id != trust.pk or school.trust_uid != uid):
                school.trust, school.trust_uid = trust, uid
                changed.append(school)
        Organisation.objects.bulk_update(changed, ["trust", "trust_uid"])
        self._linked = len(changed)

    def notes(self):
        notes = super().notes()
        if self._unlinked:
            notes.append(
                f"{self._unlinked:,} school{'s' if self._unlinked != 1 else ''} name a trust not imported yet "
                "(“Trusts (code)”): import the GIAS groups file and they are linked to it."
            )
        if self._linked:
            notes.append(f"{self._linked:,} schools linked to their trust.")
        if self._without_number:
            many = self._without_number != 1
            notes.append(
                f"{self._without_number:,} trust{'s have' if many else ' has'} no Companies House number in the "
                f"file: identified by {'their' if many else 'its'} Group UID ({gias.NO_COMPANY_NUMBER_PREFIX}…, "
                "no official identifier) until a file gives the number."
            )
        return notes
