"""The admin for calls, applications, assessments and conflicts: read-only, and scoped by the same
selectors as the pages and the API (assessment.scopes), for administrators too — a conflicted person
never reads an application's scores here either. Changes go through the pages and the API, except the
criteria, which a call's managers also set here through the same services."""

from django.contrib import admin

from accounts import roles
from workflow.admin import RoleScopedAdmin
from workflow.errors import PermissionRefused

from . import selectors, services
from .models import Application, Assignment, Attachment, Call, Conflict, Criterion, Score


class ReadOnlyScopedAdmin(admin.ModelAdmin):
    scope = None  # callable(user=…) -> queryset

    def has_module_permission(self, request):
        return request.user.is_active and request.user.is_staff and roles.of(request.user).is_manager

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).filter(pk__in=self.scope(user=request.user).values("pk"))


@admin.register(Call)
class CallAdmin(ReadOnlyScopedAdmin):
    scope = staticmethod(selectors.call_list)
    list_display = ("title", "programme", "opens_at", "closes_at", "stages", "blind")
    list_select_related = ("programme",)
    search_fields = ("title",)


@admin.register(Application)
class ApplicationAdmin(ReadOnlyScopedAdmin):
    scope = staticmethod(selectors.application_list)
    list_display = ("award", "call", "stage", "decision")
    list_select_related = ("award", "call")
    search_fields = ("award__identifier", "award__title")


class ScoreInline(admin.TabularInline):
    model = Score
    fields = readonly_fields = ("criterion", "score", "comment")
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Assignment)
class AssignmentAdmin(ReadOnlyScopedAdmin):
    """Assessments with their scores: the rows of assessment_scope only."""

    scope = staticmethod(selectors.assessment_list)
    list_display = ("application", "assessor", "state", "recommendation", "submitted_at")
    list_select_related = ("application__award", "assessor")
    inlines = [ScoreInline]


@admin.register(Conflict)
class ConflictAdmin(ReadOnlyScopedAdmin):
    scope = staticmethod(selectors.conflict_list)
    list_display = ("assignment", "source", "reason", "recorded_at")
    list_select_related = ("assignment__assessor", "assignment__application__award")


@admin.register(Criterion)
class CriterionAdmin(RoleScopedAdmin):
    """Criteria are set here as on the call's page: by the call's managers, through the same services, until
    applicants are writing to them (services.criteria_change_refusal says why not, in words)."""

    scope = staticmethod(selectors.criterion_list)
    related_scopes = {"call": selectors.managed_call_list}
    list_display = ("title", "call", "position", "weight", "scale_max")
    list_select_related = ("call__programme",)
    search_fields = ("title", "call__title")

    def edit_refusal(self, request, obj):
        if not self._roles(request).manages_programme(obj.call.programme):
            return PermissionRefused(f"Only the programme managers of {obj.call.programme} can set the criteria.")
        return services.criteria_change_refusal(obj.call)

    def has_delete_permission(self, request, obj=None):
        if not self.has_module_permission(request):
            return False
        return obj is None or self.edit_refusal(request, obj) is None

    def fixed_fields(self, request, obj=None):
        return ("call",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        names = services.CRITERION_FIELDS + (("position",) if change else ())
        data = self.service_fields(form, names, changed_only=change)
        if change:
            saved = services.criterion_update(criterion=obj, actor=request.user, **data)
        else:
            saved = services.criterion_add(call=form.cleaned_data["call"], actor=request.user, **data)
        obj.pk = saved.pk

    def delete_model(self, request, obj):
        services.criterion_remove(criterion=obj, actor=request.user)

    def delete_queryset(self, request, queryset):
        for criterion in queryset:
            services.criterion_remove(criterion=criterion, actor=request.user)


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyScopedAdmin):
    """Attached files, listed through the one scope (no conflicted person, no blind call's assessor); the file
    itself is downloaded from the application's page, which checks the same scope."""

    scope = staticmethod(selectors.attachment_list)
    list_display = ("original_name", "application", "content_type", "size", "uploaded_by", "uploaded_at")
    list_select_related = ("application__award", "uploaded_by")
    exclude = ("file",)
    search_fields = ("original_name", "description")
