from django import forms
from django.contrib import admin, messages

from grants.selectors import award_list
from grants.subjects import Subject
from partnerships.importing.admin import ExchangeAdminMixin
from partnerships.selectors import project_list
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

SUBJECT_SCOPES = {"award": award_list, "project": project_list}


class OneSubjectForm(forms.ModelForm):
    """An indicator, evaluation or schedule belongs to exactly one award or project."""

    def clean(self):
        data = super().clean()
        if {"award", "project"} <= set(self.fields) and not self.errors.keys() & {"award", "project"}:
            if (data.get("award") is None) == (data.get("project") is None):
                raise forms.ValidationError("Choose either the award or the project (one of them, not both).")
        return data

    def validate_unique(self):
        """The services decide (a schedule is saved over the subject's own); a uniqueness message here
        would tell whether something one may not see exists."""


class SubjectAdmin(RoleScopedAdmin):
    form = OneSubjectForm
    related_scopes = SUBJECT_SCOPES
    autocomplete_fields = ("project", "award")
    list_select_related = ("project", "award")

    def fixed_fields(self, request, obj=None):
        # What it belongs to is fixed once made.
        return super().fixed_fields(request, obj) + (("award", "project") if obj is not None else ())

    def subject_of(self, form) -> dict:
        data = form.cleaned_data
        return {"award": data["award"]} if data.get("award") is not None else {"project": data["project"]}


@admin.register(Indicator)
class IndicatorAdmin(SubjectAdmin):
    scope = staticmethod(selectors.indicator_list)
    list_display = ("name", "unit", "baseline", "target", "direction", "cumulative", "state", "project", "award")
    list_filter = ("state", "direction", "cumulative", "unit")
    readonly_fields = ("proposed_by",)  # who proposed it is recorded by the service
    search_fields = ("name", "project__reference", "award__identifier")
    list_select_related = ("project", "award")

    def edit_refusal(self, request, obj):
        return services.indicator_edit_refusal(obj, request.user)

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, services.INDICATOR_FIELDS, changed_only=change)
        if change:
            saved = services.indicator_update(indicator=obj, actor=request.user, **fields)
        else:
            breakdowns = fields.pop("breakdowns", "")
            saved = services.indicator_add(actor=request.user, **self.subject_of(form), **fields)
            if breakdowns:
                saved = services.indicator_update(indicator=saved, actor=request.user, breakdowns=breakdowns)
        obj.pk = saved.pk


class IndicatorResultInline(admin.TabularInline):
    """Figures are the partner's, written with their update (reporting.services.update_edit): shown here."""

    model = IndicatorResult
    extra = 0
    can_delete = False

    def has_view_permission(self, request, obj=None):
        return True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


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
    """Updates are the partner's to start and write on the pages (update_start, update_edit); here a
    manager reads them and takes their steps (accept, request changes, reopen) through the services."""

    scope = staticmethod(selectors.update_list)
    manager_can_add = False
    list_display = ("__str__", "state", "due_on", "submitted_at", "author", "reviewed_by")
    list_filter = ("state", "is_final", "award__programme")
    search_fields = ("award__identifier", "project__reference", "progress", "challenges")
    list_select_related = ("award", "project", "author", "reviewed_by")
    inlines = [IndicatorResultInline, ReachInline, TransitionLogInline]

    def has_add_permission(self, request):
        return False

    def edit_refusal(self, request, obj):
        return TransitionRefused("A progress update is written by its partner on the updates pages.")

    def run_transition(self, obj, name, actor, note):
        return services.update_transition(update=obj, name=name, actor=actor, note=note)


@admin.register(IndicatorResult)
class IndicatorResultAdmin(ExchangeAdminMixin, RoleScopedAdmin):
    """Indicator results as a list, for importing and exporting the figures; they are written in updates
    (the import refuses an accepted update's figures, as the pages do)."""

    resource_classes = [IndicatorResultResource]
    scope = staticmethod(selectors.indicator_result_list)
    manager_can_add = False
    list_display = ("indicator", "update", "value")
    list_filter = ("update__state", "indicator__unit")
    search_fields = ("indicator__name", "update__award__identifier", "update__project__reference")
    list_select_related = ("indicator", "update__award", "update__project")

    def has_add_permission(self, request):
        return False

    def edit_refusal(self, request, obj):
        return TransitionRefused("Figures are written with their progress update, on the updates pages.")


@admin.register(Evaluation)
class EvaluationAdmin(SubjectAdmin):
    scope = staticmethod(selectors.evaluation_list)
    list_display = ("__str__", "rating", "stage_reached", "completed_at", "author")
    list_filter = ("rating", "stage_reached")
    search_fields = ("lessons", "what_worked", "project__reference", "award__identifier")
    readonly_fields = ("completed_at", "author")
    actions = ["mark_complete"]

    def edit_refusal(self, request, obj):
        if not Subject.of(obj).manages(request.user):
            return TransitionRefused("Only a programme manager of its award or project can change an evaluation.")
        if obj.completed_at is not None:
            return TransitionRefused("This evaluation is complete and in the “what works” library.")
        return None

    def save_model(self, request, obj, form, change):
        evaluation = obj if change else services.evaluation_open(actor=request.user, **self.subject_of(form))
        fields = self.service_fields(form, services.EVALUATION_FIELDS, changed_only=change)
        saved = services.evaluation_edit(evaluation=evaluation, actor=request.user, **fields)
        obj.pk = saved.pk

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
class ReportingScheduleAdmin(SubjectAdmin):
    scope = staticmethod(selectors.schedule_list)
    list_display = ("__str__", "frequency", "starts_on", "ends_on")
    list_filter = ("frequency",)
    search_fields = ("award__identifier", "project__reference")
    readonly_fields = ("created_by",)
    inlines = [AdHocDueDateInline, DueDateExtensionInline]

    def edit_refusal(self, request, obj):
        if not Subject.of(obj).manages(request.user):
            return TransitionRefused("Only a programme manager of its award or project can change its schedule.")
        return None

    def save_model(self, request, obj, form, change):
        saved = services.schedule_save(
            actor=request.user,
            frequency=obj.frequency,
            starts_on=obj.starts_on,
            ends_on=obj.ends_on,
            award=obj.award,
            project=obj.project,
        )
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
