"""The user admin, recording every change to who may do what (staff, superuser, groups, permissions)."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from workflow.audit import record_permission_change

from .models import OrganisationMembership

User = get_user_model()
WATCHED = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ("organisation",)


class AuditedUserAdmin(UserAdmin):
    inlines = [MembershipInline]

    def save_related(self, request, form, formsets, change):
        before = {}
        if change:
            before = {
                "groups": set(form.instance.groups.values_list("name", flat=True)),
                "user_permissions": set(form.instance.user_permissions.values_list("codename", flat=True)),
            }
        super().save_related(request, form, formsets, change)
        changes = [
            f"{name} set to {form.cleaned_data[name]}"
            for name in ("is_active", "is_staff", "is_superuser")
            if name in form.changed_data
        ]
        if change:
            after = {
                "groups": set(form.instance.groups.values_list("name", flat=True)),
                "user_permissions": set(form.instance.user_permissions.values_list("codename", flat=True)),
            }
            changes += [
                f"{name}: {sorted(before[name])} → {sorted(after[name])}"
                for name in after
                if after[name] != before[name]
            ]
        for formset in formsets:
            if formset.model is OrganisationMembership:
                changes += [
                    f"{f.instance.get_role_display()} role in {f.instance.organisation} granted"
                    for f in formset.forms
                    if f.has_changed() and f not in formset.deleted_forms and f.instance.pk
                ]
                changes += [
                    f"{f.instance.get_role_display()} role in {f.instance.organisation} removed"
                    for f in formset.deleted_forms
                ]
        if changes:
            record_permission_change(
                actor=request.user, subject_user=form.instance, detail="; ".join(changes), request=request
            )


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
