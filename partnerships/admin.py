from functools import partial

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Count, Sum
from import_export.forms import ConfirmImportForm

from accounts import roles
from accounts.admin import record_membership_change
from accounts.models import OrganisationMembership
from workflow.admin import RoleScopedAdmin, ScopedInline, TransitionAdminMixin, TransitionLogInline, archive_each
from workflow.errors import PermissionRefused

from . import selectors, services
from .importing.admin import ExchangeAdminMixin, SizeLimitedImportForm
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


class OrganisationImportForm(SizeLimitedImportForm):
    include_closed = forms.BooleanField(
        required=False,
        label="Keep closed establishments and trusts (GIAS), marked closed with their close date",
        help_text="Without this, a GIAS extract's closed rows are left out and counted.",
    )


class OrganisationConfirmForm(ConfirmImportForm):
    include_closed = forms.BooleanField(required=False, widget=forms.HiddenInput())


@admin.register(Organisation)
class OrganisationAdmin(ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [OrganisationResource]
    import_form_class = OrganisationImportForm
    confirm_form_class = OrganisationConfirmForm
    list_display = (
        "name",
        "kind",
        "establishment_type",
        "identifier",
        "local_authority",
        "trust",
        "pupil_count",
        "size_band",
    )
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}  # a website typed without a scheme
    list_filter = ("kind", "establishment_type", "local_authority__sub_region", "local_authority")

    search_fields = ("name", "identifier")
    list_select_related = ("local_authority", "trust")
    ordering = ("name", "pk")
    autocomplete_fields = ("trust", "local_authority")
    related_scopes = {
        "trust": selectors.organisation_list,
        "local_authority": lambda user: selectors.local_authority_list(),
    }
    inlines = [MembershipInline]

    def get_confirm_form_initial(self, request, import_form):
        initial = super().get_confirm_form_initial(request, import_form)
        if import_form is not None:
            initial["include_closed"] = import_form.cleaned_data.get("include_closed", False)
        return initial

    def get_import_resource_kwargs(self, request, **kwargs):
        form = kwargs.get("form")
        cleaned = getattr(form, "cleaned_data", {}) or {}
        include_closed = bool(cleaned.get("include_closed"))
        return {**super().get_import_resource_kwargs(request, **kwargs), "include_closed": include_closed}

    def edit_refusal(self, request, obj):
        # The directory is everyone's to read; an organisation's details are its own managers' to change.
        r = self._roles(request)
        if r.is_admin or obj.pk in r.manager_orgs:
            return None
        return PermissionRefused("Only an organisation's own programme managers can change its details.")

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


class PartnershipMemberInline(ScopedInline):
    """Members join through partnership_add_member; existing rows are shown, not edited (a partnership's
    lead is its lead organisation, set when it is set up)."""

    model = PartnershipMember
    fields = ("organisation", "role", "joined_on")
    autocomplete_fields = ("organisation",)
    related_scopes = {"organisation": selectors.organisation_list}
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True  # the partnership's admin has already decided who may see it

    def has_change_permission(self, request, obj=None):
        return False

    def has_add_permission(self, request, obj=None):
        return obj is None or roles.of(request.user).manages_partnership(obj)

    def formfield_for_choice_field(self, db_field, request, **kwargs):
        if db_field.name == "role":
            kwargs["choices"] = [c for c in db_field.choices if c[0] != PartnershipMember.Role.LEAD]
        return super().formfield_for_choice_field(db_field, request, **kwargs)


@admin.register(Partnership)
class PartnershipAdmin(ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [PartnershipResource]
    scope = staticmethod(selectors.partnership_list)
    related_scopes = {
        "lead_organisation": selectors.managed_organisation_list,
        "region": lambda user: selectors.region_list(),
    }
    list_display = ("name", "region", "lead_organisation", "starts_on", "ends_on")
    list_filter = ("region",)
    search_fields = ("name", "aims")
    list_select_related = ("region", "lead_organisation")
    autocomplete_fields = ("lead_organisation",)
    inlines = [PartnershipMemberInline]

    def edit_refusal(self, request, obj):
        if not self._roles(request).manages_partnership(obj):
            return PermissionRefused(f"Only the programme managers of {obj} can change it.")
        return None

    def fixed_fields(self, request, obj=None):
        # Who leads a partnership decides whose managers run it: never changed in a form.
        return super().fixed_fields(request, obj) + (("lead_organisation",) if obj else ())

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, services.PARTNERSHIP_FIELDS, changed_only=change)
        if change:
            saved = services.partnership_update(partnership=obj, actor=request.user, **fields)
        else:
            saved = services.partnership_create(
                actor=request.user, lead_organisation=form.cleaned_data["lead_organisation"], **fields
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not PartnershipMember:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        # Only the new rows: an existing row is shown, not edited (a posted id of another partnership's row
        # makes its form look new, with none of its read-only fields).
        for member_form in formset.extra_forms:
            if member_form.has_changed() and "organisation" in member_form.cleaned_data:
                data = member_form.cleaned_data
                formset.new_objects.append(
                    services.partnership_add_member(
                        partnership=form.instance,
                        actor=request.user,
                        organisation=data["organisation"],
                        role=data["role"],
                    )
                )


class ProjectPartnerInline(ScopedInline):
    """Saved as a whole through project_set_partners, as the project page does."""

    model = ProjectPartner
    autocomplete_fields = ("organisation",)
    related_scopes = {"organisation": selectors.organisation_list}

    def has_view_permission(self, request, obj=None):
        return True

    def _editable(self, request, obj):
        return obj is None or services.project_edit_refusal(obj, request.user) is None

    def has_add_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_change_permission(self, request, obj=None):
        return self._editable(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self._editable(request, obj)


@admin.register(Project)
class ProjectAdmin(TransitionAdminMixin, ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [ProjectResource]
    scope = staticmethod(partial(selectors.project_list, include_archived=True))
    related_scopes = {
        "partnership": selectors.partnership_list,
        "lead_organisation": selectors.proposing_organisation_list,
    }
    actions = ["archive_selected"]
    list_display = ("reference", "title", "partnership", "lead_organisation", "theme", "state", "children_reached")
    list_filter = ("state", "theme", "partnership", "lead_organisation__local_authority__sub_region", "archived_at")
    search_fields = ("reference", "title", "summary", "lead_organisation__name")
    list_select_related = ("partnership", "lead_organisation")
    autocomplete_fields = ("lead_organisation", "partnership")
    readonly_fields = ("proposed_by", "created_at", "updated_at")
    inlines = [ProjectPartnerInline, TransitionLogInline]

    def edit_refusal(self, request, obj):
        return services.project_edit_refusal(obj, request.user)

    def fixed_fields(self, request, obj=None):
        fields = super().fixed_fields(request, obj)
        if obj is not None:
            return fields + ("reference", "partnership", "lead_organisation")
        # The next reference in the partnership's series, as on the page; an administrator may give one.
        return fields if self._roles(request).is_admin else fields + ("reference",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "reference" in form.base_fields:
            form.base_fields["reference"].required = False
            form.base_fields["reference"].help_text = "Left empty, the next number in the partnership's series."
        return form

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, services.PROJECT_FIELDS, changed_only=change)
        if change:
            saved = services.project_update(project=obj, actor=request.user, **fields)
        else:
            data = form.cleaned_data
            fields.pop("title", None)
            saved = services.project_create(
                actor=request.user,
                partnership=data["partnership"],
                title=data["title"],
                lead_organisation=data["lead_organisation"],
                reference=data.get("reference", ""),
                **fields,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not ProjectPartner:
            return super().save_formset(request, form, formset, change)
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        if not formset.has_changed():
            return
        kept = [
            (
                f.cleaned_data["organisation"],
                f.cleaned_data.get("gives_support"),
                f.cleaned_data.get("receives_support"),
            )
            for f in formset.forms
            if f not in formset.deleted_forms and f.cleaned_data.get("organisation") is not None
        ]
        formset.new_objects = services.project_set_partners(project=form.instance, actor=request.user, partners=kept)

    def run_transition(self, obj, name, actor, note):
        return services.project_transition(project=obj, name=name, actor=actor, note=note)

    @admin.action(description="Archive selected (finished work only; kept with its history)")
    def archive_selected(self, request, queryset):
        archive_each(self, request, queryset, lambda obj: services.project_archive(project=obj, actor=request.user))
