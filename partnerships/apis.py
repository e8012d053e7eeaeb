"""REST API for organisations, partnerships and collaboration projects: reads through the
selectors, writes and transitions through the services."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema_view
from rest_framework import mixins, serializers

from workflow.apis import (
    ArchivableMixin,
    EditableMixin,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
)

from . import selectors, services
from .filters import LocalAuthorityFilter, OrganisationFilter, PartnershipFilter, ProjectFilter
from .models import LocalAuthority, Organisation, Partnership, PartnershipMember, Project, ProjectPartner

# Organisations and geography ----------------------------------------------------------------


class LocalAuthoritySerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    sub_region_name = serializers.CharField(source="sub_region.name", read_only=True, allow_null=True, default=None)

    class Meta:
        model = LocalAuthority
        fields = ["id", "name", "gss_code", "dfe_code", "region", "region_name", "sub_region", "sub_region_name"]
        read_only_fields = fields


class LocalAuthorityViewSet(ExchangeViewSet):
    """Local authorities, with their ONS and DfE codes, for filtering by place."""

    serializer_class = LocalAuthoritySerializer
    queryset = LocalAuthority.objects.none()
    filterset_class = LocalAuthorityFilter
    search_fields = ["name", "gss_code", "dfe_code"]
    ordering_fields = ["id", "name", "gss_code"]
    ordering = ["name"]

    def selected(self):
        return selectors.local_authority_list()


class OrganisationSerializer(serializers.ModelSerializer):
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    local_authority_name = serializers.CharField(
        source="local_authority.name", read_only=True, allow_null=True, default=None
    )
    sub_region = serializers.IntegerField(
        source="local_authority.sub_region_id", read_only=True, allow_null=True, default=None
    )
    sub_region_name = serializers.CharField(
        source="local_authority.sub_region.name", read_only=True, allow_null=True, default=None
    )
    trust_name = serializers.CharField(source="trust.name", read_only=True, allow_null=True, default=None)
    urn = serializers.CharField(read_only=True, help_text="A school's DfE URN (its org-id is GB-EDU-<URN>).")
    establishment_type = serializers.CharField(
        read_only=True,
        help_text="For schools and settings: " + ", ".join(Organisation.EstablishmentType.values) + "; or empty.",
    )
    establishment_type_label = serializers.CharField(source="get_establishment_type_display", read_only=True)
    website = serializers.CharField(read_only=True, help_text="A URL, or empty when unknown.")
    size_band = serializers.CharField(
        read_only=True, help_text="For a trust: starter, established, national or system leader (national bands)."
    )

    class Meta:
        model = Organisation
        fields = [
            "id",
            "name",
            "kind",
            "kind_label",
            "identifier",
            "local_authority",
            "local_authority_name",
            "sub_region",
            "sub_region_name",
            "trust",
            "trust_name",
            "pupil_count",
            "size_band",
            "website",
            "postcode",
            "establishment_type",
            "establishment_type_label",
            "type_of_establishment",
            "phase",
            "urn",
            "ukprn",
            "closed_on",
            "district_code",
            "ward_code",
            "lsoa_code",
        ]
        read_only_fields = fields


class OrganisationViewSet(ExchangeViewSet):
    """The organisation directory (names and identifiers are public to signed-in users).
    Organisations are added by administrators, in the admin or by import."""

    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.none()
    filterset_class = OrganisationFilter
    search_fields = ["name", "identifier", "postcode"]
    ordering_fields = ["id", "name", "identifier", "pupil_count"]
    ordering = ["name"]

    def selected(self):
        return selectors.organisation_list(user=self.request.user)


# Partnerships ------------------------------------------------------------------------------


class PartnershipMemberSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = PartnershipMember
        fields = ["organisation", "organisation_name", "role", "joined_on"]
        read_only_fields = fields


class PartnershipSerializer(serializers.ModelSerializer):
    region_name = serializers.CharField(source="region.name", read_only=True)
    lead_organisation_name = serializers.CharField(source="lead_organisation.name", read_only=True)
    members = PartnershipMemberSerializer(many=True, read_only=True)

    class Meta:
        model = Partnership
        fields = [
            "id",
            "name",
            "region",
            "region_name",
            "lead_organisation",
            "lead_organisation_name",
            "starts_on",
            "ends_on",
            "aims",
            "members",
        ]
        read_only_fields = fields


class PartnershipCreateSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partnership
        fields = ["name", "region", "lead_organisation", "starts_on", "ends_on", "aims"]
        # Uniqueness is checked by the service's full_clean, after permission.
        extra_kwargs = {"name": {"validators": []}}


class PartnershipEditSerializer(serializers.ModelSerializer):
    class Meta:
        model = Partnership
        fields = ["name", "region", "starts_on", "ends_on", "aims"]
        extra_kwargs = {"name": {"validators": []}}


@extend_schema_view(**editable_schema(PartnershipSerializer, PartnershipCreateSerializer, PartnershipEditSerializer))
class PartnershipViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Partnerships you belong to, lead, or fund through a programme. Managers set them up."""

    serializer_class = PartnershipSerializer
    create_serializer_class = PartnershipCreateSerializer
    edit_serializer_class = PartnershipEditSerializer
    queryset = Partnership.objects.none()
    filterset_class = PartnershipFilter
    search_fields = ["name", "aims", "lead_organisation__name"]
    ordering_fields = ["id", "name", "starts_on", "ends_on"]
    ordering = ["name"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.partnership_list(user=self.request.user).prefetch_related(
            Prefetch("members", PartnershipMember.objects.select_related("organisation"))
        )

    def create_with_service(self, data, user):
        return services.partnership_create(actor=user, **data)

    def edit_with_service(self, obj, data, user):
        return services.partnership_update(partnership=obj, actor=user, **data)


# Projects ----------------------------------------------------------------------------------


class ProjectPartnerSerializer(serializers.ModelSerializer):
    organisation_name = serializers.CharField(source="organisation.name", read_only=True)

    class Meta:
        model = ProjectPartner
        fields = ["organisation", "organisation_name", "gives_support", "receives_support"]
        read_only_fields = fields


class ProjectSerializer(WorkflowSerializer):
    partnership_name = serializers.CharField(source="partnership.name", read_only=True)
    lead_organisation_name = serializers.CharField(source="lead_organisation.name", read_only=True)
    local_authority = serializers.IntegerField(
        source="lead_organisation.local_authority_id", read_only=True, allow_null=True
    )
    local_authority_name = serializers.CharField(
        source="lead_organisation.local_authority.name", read_only=True, allow_null=True, default=None
    )
    sub_region_name = serializers.CharField(
        source="lead_organisation.local_authority.sub_region.name", read_only=True, allow_null=True, default=None
    )
    theme = serializers.ChoiceField(choices=Project.Theme.choices, allow_blank=True, read_only=True)
    theme_label = serializers.CharField(source="get_theme_display", read_only=True)
    partners = ProjectPartnerSerializer(many=True, read_only=True)

    class Meta:
        model = Project
        fields = [
            "id",
            "reference",
            "title",
            "partnership",
            "partnership_name",
            "lead_organisation",
            "lead_organisation_name",
            "local_authority",
            "local_authority_name",
            "sub_region_name",
            "theme",
            "theme_label",
            "summary",
            "settings_reached",
            "children_reached",
            "planned_start",
            "planned_end",
            "state",
            "state_label",
            "partners",
            "created_at",
            "updated_at",
            "archived_at",
            "available_transitions",
        ]
        read_only_fields = fields


class ProjectPartnerWriteSerializer(serializers.Serializer):
    organisation = ScopedPrimaryKeyRelatedField(selectors.organisation_list, queryset=Organisation.objects.all())
    gives_support = serializers.BooleanField(required=False, default=False)
    receives_support = serializers.BooleanField(required=False, default=False)


def _partners_field():
    return ProjectPartnerWriteSerializer(
        many=True,
        required=False,
        help_text="The partner organisations, all of them (they replace the ones saved): members of the project's "
        "partnership, never a funder, each giving support, receiving it, or both. Left out, they stay as they are.",
    )


def _partner_rows(data: dict):
    rows = data.pop("partners", None)
    if rows is None:
        return None
    return [(row["organisation"], row.get("gives_support", False), row.get("receives_support", False)) for row in rows]


class ProjectEditSerializer(serializers.ModelSerializer):
    partners = _partners_field()

    class Meta:
        model = Project
        fields = [*services.PROJECT_FIELDS, "partners"]


class ProjectCreateSerializer(serializers.ModelSerializer):
    partnership = ScopedPrimaryKeyRelatedField(selectors.partnership_list, queryset=Partnership.objects.all())
    lead_organisation = ScopedPrimaryKeyRelatedField(selectors.organisation_list, queryset=Organisation.objects.all())
    partners = _partners_field()

    class Meta:
        model = Project
        fields = ["partnership", "lead_organisation", *services.PROJECT_FIELDS, "partners"]


@extend_schema_view(**editable_schema(ProjectSerializer, ProjectCreateSerializer, ProjectEditSerializer, True))
class ProjectViewSet(ArchivableMixin, EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Collaboration projects. Partners propose drafts for their own organisation; managers
    review and move them on. Each step is an action: POST /projects/{id}/<step>/."""

    serializer_class = ProjectSerializer
    create_serializer_class = ProjectCreateSerializer
    edit_serializer_class = ProjectEditSerializer
    queryset = Project.objects.none()
    filterset_class = ProjectFilter
    search_fields = ["reference", "title", "summary", "lead_organisation__name"]
    ordering_fields = ["id", "reference", "title", "planned_start", "planned_end", "created_at", "updated_at", "state"]
    ordering = ["-created_at", "-id"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def selected(self):
        return (
            selectors.project_list(user=self.request.user, include_archived=self.include_archived())
            .select_related("lead_organisation__local_authority__sub_region")
            .prefetch_related(Prefetch("partners", ProjectPartner.objects.select_related("organisation")))
        )

    def create_with_service(self, data, user):
        data = dict(data)
        return services.project_create(actor=user, partners=_partner_rows(data), **data)

    def edit_with_service(self, obj, data, user):
        data = dict(data)
        return services.project_update(project=obj, actor=user, partners=_partner_rows(data), **data)

    def archive_with_service(self, obj, user, note):
        return services.project_archive(project=obj, actor=user, note=note)


add_transition_actions(
    ProjectViewSet,
    Project,
    lambda obj, name, user, note="": services.project_transition(project=obj, name=name, actor=user, note=note),
)
