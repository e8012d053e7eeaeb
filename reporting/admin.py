from django.contrib import admin, messages

from partnerships.importing import ExchangeAdminMixin
from workflow.admin import RoleScopedAdmin, TransitionAdminMixin, TransitionLogInline
from workflow.errors import TransitionRefused

from . import selectors, services
from .models import Evaluation, Indicator, IndicatorResult, ProgressUpdate
from .resources import IndicatorResultResource


@admin.register(Indicator)
class IndicatorAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.indicator_list)
    list_display = ("name", "unit", "baseline", "target", "direction", "cumulative", "project", "award")
    list_filter = ("direction", "cumulative", "unit")
    search_fields = ("name", "project__reference", "award__identifier")
    list_select_related = ("project", "award")
    autocomplete_fields = ("project", "award")


class IndicatorResultInline(admin.TabularInline):
    model = IndicatorResult
    extra = 0


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(TransitionAdminMixin, RoleScopedAdmin):
    scope = staticmethod(selectors.update_list)
    list_display = ("__str__", "state", "due_on", "submitted_at", "author", "reviewed_by")
    list_filter = ("state", "is_final", "award__programme")
    search_fields = ("award__identifier", "project__reference", "progress", "challenges")
    list_select_related = ("award", "project", "author", "reviewed_by")
    autocomplete_fields = ("award", "project")
    readonly_fields = ("state", "author", "submitted_at", "reviewed_by", "reviewed_at", "review_note")
    inlines = [IndicatorResultInline, TransitionLogInline]

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
