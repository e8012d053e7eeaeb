"""The admin for people: users, their roles in organisations and the audit trail. Every change to who may
do what (staff, superuser, groups, permissions, roles) is recorded as an audit event."""

from allauth.account.models import EmailAddress
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.http import HttpResponse
from django.template.response import TemplateResponse
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import mfa, personal_data, roles
from .audit import record_permission_change
from .models import AuditEvent, ErasedPerson, OrganisationEmailDomain, OrganisationMembership

User = get_user_model()
WATCHED = ("is_active", "is_staff", "is_superuser", "groups", "user_permissions")


class MembershipInline(admin.TabularInline):
    model = OrganisationMembership
    extra = 0
    autocomplete_fields = ("organisation",)


def _may_handle_personal_data(request) -> bool:
    return request.user.is_active and (request.user.is_superuser or roles.of(request.user).is_admin)


@admin.action(description="Download the selected person's personal data (one person)")
def download_personal_data(modeladmin, request, queryset):
    if not _may_handle_personal_data(request):
        modeladmin.message_user(request, "Only administrators can export personal data.", messages.ERROR)
        return None
    if queryset.count() != 1:
        modeladmin.message_user(request, "Choose exactly one person to export.", messages.ERROR)
        return None
    person = queryset.get()
    text = personal_data.export_recorded(user=person, actor=request.user, request=request, how="admin")
    response = HttpResponse(text, content_type="application/json; charset=utf-8")
    name = f"exchange-personal-data-{person.get_username()}-{timezone.localdate():%Y-%m-%d}.json"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@admin.action(description="Erase the selected people (personal details replaced by a pseudonym)")
def erase_people(modeladmin, request, queryset):
    """A confirmation page first; on "Yes, erase", each person is erased (or the reason they cannot be)."""
    if not _may_handle_personal_data(request):
        modeladmin.message_user(request, "Only administrators can erase people.", messages.ERROR)
        return None
    people = list(queryset.order_by("username"))
    if request.POST.get("confirmed") == "yes":
        for person in people:
            refusal = personal_data.erase_refusal(user=person, actor=request.user)
            if refusal:
                modeladmin.message_user(request, refusal, messages.ERROR)
                continue
            erased = personal_data.erase(user=person, actor=request.user, request=request)
            modeladmin.message_user(request, f"Erased: the person is now {erased.pseudonym}.", messages.SUCCESS)
        return None
    return TemplateResponse(
        request,
        "admin/accounts/erase_confirmation.html",
        {
            **modeladmin.admin_site.each_context(request),
            "title": "Erase personal details",
            "people": people,
            "rows": [(p, personal_data.erase_refusal(user=p, actor=request.user)) for p in people],
            "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
            "opts": modeladmin.model._meta,
        },
    )


@admin.action(description="Remove the selected people's second factor (they set it up again)")
def remove_second_factor(modeladmin, request, queryset):
    if not _may_handle_personal_data(request):
        modeladmin.message_user(request, "Only administrators can remove a second factor.", messages.ERROR)
        return
    for person in queryset:
        mfa.remove(user=person, actor=request.user, request=request)
    modeladmin.message_user(request, f"Second factor removed for {queryset.count()} people.", messages.SUCCESS)


class AuditedUserAdmin(UserAdmin):
    inlines = [MembershipInline]
    actions = [download_personal_data, erase_people, remove_second_factor]

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
# django-otp's own admin shows the devices' secret keys: people manage their devices on their account page,
# administrators remove them with the user admin's action.
for _device in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(_device):
        admin.site.unregister(_device)
# django-allauth's: providers come from the environment (OIDC_PROVIDERS), not the admin; a person's link to
# their organisation's account is shown in their personal data and removed with an erasure.
for _model in (EmailAddress, SocialApp, SocialAccount, SocialToken):
    if admin.site.is_registered(_model):
        admin.site.unregister(_model)


def record_membership_change(request, membership, verb: str) -> AuditEvent:
    return record_permission_change(
        actor=request.user,
        subject_user=membership.user,
        detail=f"{membership.get_role_display()} role in {membership.organisation} {verb}",
        request=request,
    )


@admin.register(OrganisationMembership)
class OrganisationMembershipAdmin(admin.ModelAdmin):
    """Only administrators grant and remove roles, whatever their Django model permissions say."""

    list_display = ("user", "organisation", "role", "job_title")
    list_filter = ("role",)
    search_fields = ("user__username", "user__email", "organisation__name")
    autocomplete_fields = ("user", "organisation")
    list_select_related = ("user", "organisation")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and roles.of(request.user).is_admin

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        record_membership_change(request, obj, "changed" if change else "granted")

    def delete_model(self, request, obj):
        record_membership_change(request, obj, "removed")
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for membership in queryset:
            record_membership_change(request, membership, "removed")
        super().delete_queryset(request, queryset)


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read only: the trail is evidence, so nobody edits or deletes it here."""

    list_display = ("at", "kind", "username", "actor", "ip_address", "detail")
    list_filter = ("kind",)
    search_fields = ("username", "detail", "ip_address")
    date_hierarchy = "at"
    list_select_related = ("actor",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ErasedPerson)
class ErasedPersonAdmin(admin.ModelAdmin):
    """Who was erased and when, by pseudonym only (the audit log says who erased them)."""

    list_display = ("pseudonym", "erased_at")
    search_fields = ("pseudonym",)

    def has_module_permission(self, request):
        return _may_handle_personal_data(request) and request.user.is_staff

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(OrganisationEmailDomain)
class OrganisationEmailDomainAdmin(admin.ModelAdmin):
    """Administrators register an organisation's email domains for single sign-on, and may switch password
    sign-in off for them."""

    list_display = ("domain", "organisation", "password_sign_in")
    search_fields = ("domain", "organisation__name")
    autocomplete_fields = ("organisation",)
    list_select_related = ("organisation",)

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and roles.of(request.user).is_admin

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return self.has_module_permission(request)

    def has_delete_permission(self, request, obj=None):
        return self.has_module_permission(request)
