"""Admin pieces shared by every workflow model: transition buttons that go through the services,
the refusal reason as a message, and the history inline."""

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.contrib.contenttypes.admin import GenericTabularInline
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from accounts import roles

from .admin_scope import ScopedAdminMixin, ScopedInlineFormSet, ScopedRelationsMixin
from .errors import TransitionRefused
from .models import MoneyChange, TransitionLog
from .services import available_transitions, done_message, transition_info
from .views import reason_of


class ReadOnlyInline(GenericTabularInline):
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True  # the parent object's admin has already decided who may see it

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class TransitionLogInline(ReadOnlyInline):
    model = TransitionLog
    fields = readonly_fields = ("at", "transition", "source", "target", "actor", "note")
    verbose_name_plural = "History (state changes)"


class MoneyChangeInline(ReadOnlyInline):
    model = MoneyChange
    fields = readonly_fields = ("at", "field", "old_amount", "new_amount", "actor", "note")
    verbose_name_plural = "Money changes"


class ScopedInline(ScopedRelationsMixin, admin.TabularInline):
    """An inline whose related fields a non-administrator picks from `related_scopes`."""

    extra = 0
    formset = ScopedInlineFormSet


# Never typed into a form by anyone: states move by their steps, archiving by the archive action (which
# refuses active work), running totals with approvals and payments.
NEVER_EDITED = ("state", "archived_at", "committed_amount", "paid_amount")


class RoleScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Programme managers use the admin without Django model permissions: what they may see
    comes from the same selectors as the pages and API, what they may pick in a related field from
    `related_scopes`, what they may change from the services' own `<action>_refusal()` (`edit_refusal`);
    administrators see and pick everything, and write through the same services."""

    scope = None  # callable(user) -> queryset, from the app's selectors
    manager_can_add = True

    def _roles(self, request):
        return roles.of(request.user)

    def edit_refusal(self, request, obj):
        """Why the person may not change `obj` here (the page shows it read-only), or None."""
        return None

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._roles(request).is_manager

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_change_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or self.edit_refusal(request, obj) is None

    def has_add_permission(self, request):
        r = self._roles(request)
        return self.has_module_permission(request) and (r.is_admin or self.manager_can_add)

    def has_delete_permission(self, request, obj=None):
        return False

    def fixed_fields(self, request, obj=None) -> tuple:
        """Fields shown but not edited here, beyond `readonly_fields` (what a service fixes once made)."""
        return ()

    def get_readonly_fields(self, request, obj=None):
        fields = (*super().get_readonly_fields(request, obj), *self.fixed_fields(request, obj))
        if obj is not None and not self.has_change_permission(request, obj):
            # Shown, not editable: no form field is built, so none can be posted.
            fields += tuple(f.name for f in self.model._meta.fields if f.editable)
        names = {f.name for f in self.model._meta.get_fields()}
        fields += tuple(name for name in NEVER_EDITED if name in names)
        return tuple(dict.fromkeys(fields))

    def get_inline_instances(self, request, obj=None):
        # History has nothing to show on an add page.
        inlines = super().get_inline_instances(request, obj)
        return inlines if obj is not None else [i for i in inlines if not isinstance(i, ReadOnlyInline)]

    def get_queryset(self, request):
        qs = super().get_queryset(request)
        if self.scope is None or self._roles(request).is_admin:
            return qs
        return qs.filter(pk__in=self.scope(user=request.user).values("pk"))

    def service_fields(self, form, names, *, changed_only: bool) -> dict:
        """The form's values for the service's own field names (only those the person changed, on a change)."""
        return {
            name: form.cleaned_data[name]
            for name in names
            if name in form.cleaned_data and (not changed_only or name in form.changed_data)
        }


def archive_each(model_admin, request, queryset, run):
    for obj in queryset:
        try:
            run(obj)
        except TransitionRefused as refusal:
            model_admin.message_user(request, f"{obj}: {refusal.reason}", messages.ERROR)
        else:
            model_admin.message_user(request, f"{obj} archived.", messages.SUCCESS)


class TransitionAdminMixin:
    """Adds the steps the user may take as buttons on the change page; each runs
    `run_transition(obj, name, actor, note)`, the same service the pages and API call."""

    change_form_template = "admin/workflow/change_form.html"

    def run_transition(self, obj, name, actor, note):
        raise NotImplementedError

    def get_urls(self):
        info = self.model._meta.app_label, self.model._meta.model_name
        return [
            path(
                "<path:object_id>/transition/<str:name>/",
                self.admin_site.admin_view(self.transition_view),
                name="{}_{}_transition".format(*info),
            )
        ] + super().get_urls()

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = extra_context or {}
        obj = self.get_object(request, object_id)
        if obj is not None:
            extra_context["available_transitions"] = available_transitions(obj, request.user)
            opts = self.model._meta
            extra_context["transition_url_name"] = f"admin:{opts.app_label}_{opts.model_name}_transition"
        return super().change_view(request, object_id, form_url, extra_context)

    def transition_view(self, request, object_id, name):
        obj = self.get_object(request, unquote(object_id))  # None for an id that is not a number, as absent
        if obj is None:
            raise Http404("Not found")
        change_url = reverse(f"admin:{self.model._meta.app_label}_{self.model._meta.model_name}_change", args=[obj.pk])
        try:
            info = transition_info(obj, name)
        except TransitionRefused as refusal:
            messages.error(request, refusal.reason)
            return HttpResponseRedirect(change_url)
        if request.method == "POST":
            note = request.POST.get("note", "")
            try:
                self.run_transition(obj, name, request.user, note)
            except TransitionRefused as refusal:
                messages.error(request, f"“{info.label}” was refused: {refusal.reason}")
                if info.note_required and not note.strip():
                    return self._confirm(request, obj, info, change_url, error=refusal.reason)
            except ValidationError as error:
                messages.error(request, f"“{info.label}” was refused: {reason_of(error)}")
            else:
                messages.success(request, done_message(obj, info))
            return HttpResponseRedirect(change_url)
        return self._confirm(request, obj, info, change_url)

    def _confirm(self, request, obj, info, change_url, error=""):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "object": obj,
            "info": info,
            "change_url": change_url,
            "error": error,
            "title": f"{info.label}: {obj}",
        }
        return TemplateResponse(request, "admin/workflow/confirm_transition.html", context)


@admin.register(TransitionLog)
class TransitionLogAdmin(admin.ModelAdmin):
    list_display = ("at", "object_repr", "transition", "source", "target", "actor", "note")
    list_filter = ("content_type", "transition", "target")
    search_fields = ("object_repr", "note", "actor__username")
    date_hierarchy = "at"
    list_select_related = ("actor", "content_type")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(MoneyChange)
class MoneyChangeAdmin(TransitionLogAdmin):
    list_display = ("at", "object_repr", "field", "old_amount", "new_amount", "actor", "note")
    list_filter = ("content_type", "field")
