from functools import partial

from django.contrib import admin
from django.db import models
from django.db.models import Count, Sum

from accounts.admin import record_membership_change
from accounts.models import OrganisationMembership
from workflow.admin import RoleScopedAdmin, TransitionAdminMixin, TransitionLogInline, archive_each

from . import selectors, services
from .importing.admin import ExchangeAdminMixin
from .models import (
    LocalAuthority,
    Organisation,
    Partnership,
    PartnershipMember,
    Project,
    ProjectPartner,
    Region,
    SubRegion,
)
from .resources import OrganisationResource, PartnershipResource, ProjectResource


class ReferenceDataAdmin(RoleScopedAdmin):
    manager_can_add = False

    def has_change_permission(self, request, obj=None):
        return self._roles(request).is_admin


@admin.register(Region)
class RegionAdmin(ReferenceDataAdmin):
    list_display = ("name", "code")


@admin.register(SubRegion)
class SubRegionAdmin(ReferenceDataAdmin):
    list_display = ("number", "name", "region")
    list_filter = ("region",)


@admin.register(LocalAuthority)
class LocalAuthorityAdmin(ReferenceDataAdmin):
    list_display = ("name", "gss_code", "dfe_code", "sub_region", "region")
    list_filter = ("region", "sub_region")
    search_fields = ("name", "gss_code", "dfe_code")
    list_select_related = ("sub_region", "region")


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organisation)
class OrganisationAdmin(ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [OrganisationResource]
    list_display = ("name", "kind", "identifier", "local_authority", "trust", "pupil_count", "size_band")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a website typed without a scheme
    list_filter = ("kind", "local_authority__sub_region", "local_authority")
    search_fields = ("name", "identifier")
    list_select_related = ("local_authority", "trust")
    autocomplete_fields = ("trust", "local_authority")
    inlines = [MembershipInline]

    def get_inlines(self, request, obj):
        return self.inlines if self._roles(request).is_admin else []

    def get_queryset(self, request):
        # The size band needs each trust's schools: counted in the list's own query, not row by row.
        return (
            super()
            .get_queryset(request)
            .annotate(school_count=Count("schools"), school_pupils=Sum("schools__pupil_count"))
        )

    def save_formset(self, request, form, formset, change):
        if formset.model is not OrganisationMembership:
            return super().save_formset(request, form, formset, change)
        changed = [f.instance for f in formset.forms if f.has_changed() and f not in formset.deleted_forms]
        removed = [f.instance for f in formset.deleted_forms if f.instance.pk]
        for membership in removed:
            record_membership_change(request, membership, "removed")
        super().save_formset(request, form, formset, change)
        for membership in changed:
            record_membership_change(request, membership, "granted")


class PartnershipMemberInline(admin.TabularInline):
    model = PartnershipMember
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Partnership)
class PartnershipAdmin(ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [PartnershipResource]
    scope = staticmethod(selectors.partnership_list)
    list_display = ("name", "region", "lead_organisation", "starts_on", "ends_on")
    list_filter = ("region",)
    search_fields = ("name", "aims")
    list_select_related = ("region", "lead_organisation")
    autocomplete_fields = ("lead_organisation",)
    inlines = [PartnershipMemberInline]


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    extra = 0
    autocomplete_fields = ("organisation",)


@admin.register(Project)
class ProjectAdmin(TransitionAdminMixin, ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [ProjectResource]
    scope = staticmethod(partial(selectors.project_list, include_archived=True))
    actions = ["archive_selected"]
    list_display = ("reference", "title", "partnership", "lead_organisation", "theme", "state", "children_reached")
    list_filter = ("state", "theme", "partnership", "lead_organisation__local_authority__sub_region", "archived_at")
    search_fields = ("reference", "title", "summary", "lead_organisation__name")
    list_select_related = ("partnership", "lead_organisation")
    autocomplete_fields = ("lead_organisation", "partnership")
    readonly_fields = ("state", "proposed_by", "created_at", "updated_at")
    inlines = [ProjectPartnerInline, TransitionLogInline]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.proposed_by = request.user
        super().save_model(request, obj, form, change)

    def run_transition(self, obj, name, actor, note):
        return services.project_transition(project=obj, name=name, actor=actor, note=note)

    @admin.action(description="Archive selected (finished work only; kept with its history)")
    def archive_selected(self, request, queryset):
        archive_each(self, request, queryset, lambda obj: services.project_archive(project=obj, actor=request.user))
