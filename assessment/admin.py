"""The admin for calls, applications, assessments and conflicts: read-only, and scoped by the same
selectors as the pages and the API (assessment.scopes), for administrators too — a conflicted person
never reads an application's scores here either. Changes go through the pages and the API."""

from django.contrib import admin

from accounts import roles

from . import selectors
from .models import Application, Assignment, Call, Conflict, Score


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
