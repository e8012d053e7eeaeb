from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError

from accounts import roles
from partnerships.importing.admin import ExchangeAdminMixin
from workflow.admin import RoleScopedAdmin, TransitionAdminMixin, TransitionLogInline
from workflow.errors import TransitionRefused

from . import selectors, services
from .models import (
    AdHocDueDate,
    DueDateExtension,
    Evaluation,
    EvidenceFile,
    Indicator,
    IndicatorResult,
    ProgressUpdate,
    ReachByLocalAuthority,
    ReportingSchedule,
    SentReminder,
)
from .resources import IndicatorResultResource


@admin.register(Indicator)
class IndicatorAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.indicator_list)
    list_display = ("name", "unit", "baseline", "target", "direction", "cumulative", "project", "award")
    list_filter = ("direction", "cumulative", "unit")
    search_fields = ("name", "project__reference", "award__identifier")
    list_select_related = ("project", "award")
    autocomplete_fields = ("project", "award")


def _content_locked(request, update) -> bool:
    """A partner's update is theirs to write (reporting.services.update_edit): in the admin only an
    administrator may correct one, and nobody an accepted one (a manager reopens it, with a reason)."""
    if update is None:
        return False
    return update.state == ProgressUpdate.State.ACCEPTED or not roles.of(request.user).is_admin


class IndicatorResultInline(admin.TabularInline):
    model = IndicatorResult
    extra = 0

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return not _content_locked(request, obj) and roles.of(request.user).is_admin

    def has_change_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return self.has_add_permission(request, obj)


class ReadOnlyTabularInline(admin.TabularInline):
    """Shown on a parent the role-scoped admin already let the person see; changed only through services."""

    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


class ReachInline(ReadOnlyTabularInline):
    model = ReachByLocalAuthority


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(TransitionAdminMixin, RoleScopedAdmin):
    scope = staticmethod(selectors.update_list)
    list_display = ("__str__", "state", "due_on", "submitted_at", "author", "reviewed_by")
    list_filter = ("state", "is_final", "award__programme")
    search_fields = ("award__identifier", "project__reference", "progress", "challenges")
    list_select_related = ("award", "project", "author", "reviewed_by")
    autocomplete_fields = ("award", "project")
    readonly_fields = ("state", "author", "submitted_at", "reviewed_by", "reviewed_at", "review_note")
    inlines = [IndicatorResultInline, ReachInline, TransitionLogInline]

    def get_readonly_fields(self, request, obj=None):
        if _content_locked(request, obj):
            return [field.name for field in self.model._meta.fields]
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    def run_transition(self, obj, name, actor, note):
        return services.update_transition(update=obj, name=name, actor=actor, note=note)


@admin.register(IndicatorResult)
class IndicatorResultAdmin(ExchangeAdminMixin, RoleScopedAdmin):
    """Indicator results as a list, for importing and exporting the figures; they are written in updates."""

    resource_classes = [IndicatorResultResource]
    scope = staticmethod(selectors.indicator_result_list)
    manager_can_add = False
    list_display = ("indicator", "update", "value")
    list_filter = ("update__state", "indicator__unit")
    search_fields = ("indicator__name", "update__award__identifier", "update__project__reference")
    list_select_related = ("indicator", "update__award", "update__project")
    autocomplete_fields = ("update", "indicator")


@admin.register(Evaluation)
class EvaluationAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.evaluation_list)
    list_display = ("__str__", "rating", "stage_reached", "completed_at", "author")
    list_filter = ("rating", "stage_reached")
    search_fields = ("lessons", "what_worked", "project__reference", "award__identifier")
    autocomplete_fields = ("project", "award")
    readonly_fields = ("completed_at", "author")
    actions = ["mark_complete"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.completed_at is not None:
            return [field.name for field in self.model._meta.fields]  # in the "what works" library: fixed
        return super().get_readonly_fields(request, obj)

    def save_model(self, request, obj, form, change):
        if not change:
            obj.author = request.user
        super().save_model(request, obj, form, change)

    @admin.action(description="Mark selected evaluations complete")
    def mark_complete(self, request, queryset):
        for evaluation in queryset:
            try:
                services.evaluation_complete(evaluation=evaluation, actor=request.user)
            except TransitionRefused as refusal:
                messages.error(request, f"{evaluation}: {refusal.reason}")
            else:
                messages.success(request, f"{evaluation} marked complete.")


class AdHocDueDateInline(ReadOnlyTabularInline):
    """Added through reporting.services.due_date_add (the schedule page)."""

    model = AdHocDueDate


class DueDateExtensionInline(ReadOnlyTabularInline):
    """Extensions go through reporting.services.due_date_extend (the schedule page)."""

    model = DueDateExtension


@admin.register(ReportingSchedule)
class ReportingScheduleAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.schedule_list)
    list_display = ("__str__", "frequency", "starts_on", "ends_on")
    list_filter = ("frequency",)
    search_fields = ("award__identifier", "project__reference")
    autocomplete_fields = ("award", "project")
    readonly_fields = ("created_by",)
    inlines = [AdHocDueDateInline, DueDateExtensionInline]

    def save_model(self, request, obj, form, change):
        try:
            saved = services.schedule_save(
                actor=request.user,
                frequency=obj.frequency,
                starts_on=obj.starts_on,
                ends_on=obj.ends_on,
                award=obj.award,
                project=obj.project,
            )
        except (TransitionRefused, ValidationError) as refusal:
            raise PermissionDenied(getattr(refusal, "reason", None) or "; ".join(refusal.messages)) from refusal
        obj.pk = saved.pk


@admin.register(EvidenceFile)
class EvidenceFileAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.evidence_list)
    manager_can_add = False
    list_display = ("original_name", "update", "content_type", "size", "uploaded_by", "uploaded_at")
    list_filter = ("content_type",)
    search_fields = ("original_name", "update__award__identifier", "update__project__reference")
    readonly_fields = ("update", "file", "original_name", "content_type", "size", "sha256", "uploaded_by")


@admin.register(SentReminder)
class SentReminderAdmin(RoleScopedAdmin):
    scope = None
    manager_can_add = False
    list_display = ("sent_at", "kind", "email", "subject_repr", "due_on")
    list_filter = ("kind",)
    search_fields = ("email", "subject_repr", "key")

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and self._roles(request).is_admin

    def has_change_permission(self, request, obj=None):
        return False
