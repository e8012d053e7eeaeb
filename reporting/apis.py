"""REST API for indicators, progress updates (with their indicator results), evaluations and
the history of state and money changes. Reads through the selectors; every step on an
update goes through reporting.services.update_transition."""

from django.db.models import Prefetch, Q
from django_filters import rest_framework as filters
from rest_framework import serializers

from workflow.apis import (
    DateTimeRangeFilter,
    ExchangeFilterSet,
    ExchangeViewSet,
    IdFilter,
    WorkflowSerializer,
    add_transition_actions,
)
from workflow.models import MoneyChange, TransitionLog

from . import selectors, services
from .models import Evaluation, Indicator, IndicatorResult, ProgressUpdate

# Indicators --------------------------------------------------------------------------------


class IndicatorSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)

    class Meta:
        model = Indicator
        fields = [
            "id",
            "name",
            "unit",
            "baseline",
            "target",
            "direction",
            "cumulative",
            "award",
            "award_identifier",
            "project",
            "project_reference",
        ]
        read_only_fields = fields


class IndicatorFilter(ExchangeFilterSet):
    programme = IdFilter(field_name="award__programme")
    partnership = IdFilter(method="filter_partnership")
    target = filters.RangeFilter()

    class Meta:
        model = Indicator
        fields = ["award", "project", "programme", "partnership", "direction", "cumulative"]

    def filter_partnership(self, queryset, name, value):
        return queryset.filter(
            Q(project__partnership=value) | Q(award__partnership=value) | Q(award__project__partnership=value)
        )


class IndicatorViewSet(ExchangeViewSet):
    """Outcome indicators on the projects and awards you may see; their results come with each update."""

    serializer_class = IndicatorSerializer
    queryset = Indicator.objects.none()
    filterset_class = IndicatorFilter
    search_fields = ["name", "unit"]
    ordering_fields = ["name", "target", "id"]
    ordering = ["name", "id"]

    def selected(self):
        return selectors.indicator_list(user=self.request.user)


# Progress updates --------------------------------------------------------------------------


class IndicatorResultSerializer(serializers.ModelSerializer):
    indicator_name = serializers.CharField(source="indicator.name", read_only=True)
    unit = serializers.CharField(source="indicator.unit", read_only=True)
    target = serializers.DecimalField(source="indicator.target", max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = IndicatorResult
        fields = ["indicator", "indicator_name", "unit", "target", "value", "note"]
        read_only_fields = fields


class ProgressUpdateSerializer(WorkflowSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    organisation = serializers.IntegerField(source="organisation_id", read_only=True)
    period_label = serializers.CharField(read_only=True)
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True, default=None)
    reviewed_by = serializers.CharField(source="reviewed_by.username", read_only=True, allow_null=True, default=None)
    results = IndicatorResultSerializer(many=True, read_only=True)

    class Meta:
        model = ProgressUpdate
        fields = [
            "id",
            "award",
            "award_identifier",
            "project",
            "project_reference",
            "organisation",
            "period_start",
            "period_end",
            "period_label",
            "due_on",
            "is_final",
            "progress",
            "challenges",
            "next_steps",
            "spend_to_date",
            "settings_reached",
            "children_reached",
            "results",
            "state",
            "state_label",
            "author",
            "submitted_at",
            "reviewed_by",
            "reviewed_at",
            "review_note",
            "created_at",
            "updated_at",
            "available_transitions",
        ]
        read_only_fields = fields


class ProgressUpdateFilter(ExchangeFilterSet):
    state = filters.MultipleChoiceFilter(choices=ProgressUpdate.State.choices, distinct=False)
    programme = IdFilter(field_name="award__programme")
    partnership = IdFilter(method="filter_partnership")
    organisation = IdFilter(method="filter_organisation")
    local_authority = IdFilter(method="filter_local_authority")
    sub_region = IdFilter(method="filter_sub_region")
    period_start = filters.DateFromToRangeFilter()
    period_end = filters.DateFromToRangeFilter()
    due_on = filters.DateFromToRangeFilter()
    submitted_at = DateTimeRangeFilter()
    spend_to_date = filters.RangeFilter()

    class Meta:
        model = ProgressUpdate
        fields = ["state", "award", "project", "programme", "partnership", "organisation", "is_final"]

    def filter_partnership(self, queryset, name, value):
        return queryset.filter(Q(project__partnership=value) | Q(award__partnership=value))

    def _owner(self, queryset, lookup, value):
        return queryset.filter(
            Q(award__isnull=False, **{f"award__recipient__{lookup}": value})
            | Q(project__isnull=False, **{f"project__lead_organisation__{lookup}": value})
        )

    def filter_organisation(self, queryset, name, value):
        return queryset.filter(Q(award__recipient=value) | Q(award__isnull=True, project__lead_organisation=value))

    def filter_local_authority(self, queryset, name, value):
        return self._owner(queryset, "local_authority", value)

    def filter_sub_region(self, queryset, name, value):
        return self._owner(queryset, "local_authority__sub_region", value)


class ProgressUpdateViewSet(ExchangeViewSet):
    """Progress updates: partners submit their own, managers accept or ask for changes, funders
    read accepted ones. Each step: POST /updates/{id}/<step>/."""

    serializer_class = ProgressUpdateSerializer
    queryset = ProgressUpdate.objects.none()
    filterset_class = ProgressUpdateFilter
    search_fields = ["progress", "challenges", "next_steps", "award__identifier", "project__reference"]
    ordering_fields = ["id", "period_start", "period_end", "due_on", "submitted_at", "spend_to_date", "state"]
    ordering = ["-period_end", "-id"]

    def selected(self):
        return (
            selectors.update_list(user=self.request.user)
            # What the permission checks behind available_transitions read, without a query per row.
            .select_related("project__partnership", "reviewed_by")
            .prefetch_related(Prefetch("results", IndicatorResult.objects.select_related("indicator")))
        )


add_transition_actions(
    ProgressUpdateViewSet,
    ProgressUpdate,
    lambda obj, name, user, note="": services.update_transition(update=obj, name=name, actor=user, note=note),
)


# Evaluations ---------------------------------------------------------------------------------


class EvaluationSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    author = serializers.CharField(source="author.username", read_only=True, allow_null=True, default=None)
    rating = serializers.ChoiceField(choices=Evaluation.Rating.choices, allow_blank=True, read_only=True)
    stage_reached = serializers.ChoiceField(choices=Evaluation.Stage.choices, allow_blank=True, read_only=True)

    class Meta:
        model = Evaluation
        fields = [
            "id",
            "award",
            "award_identifier",
            "project",
            "project_reference",
            "author",
            "evaluator_name",
            "outcomes",
            "what_worked",
            "what_did_not_work",
            "lessons",
            "rating",
            "stage_reached",
            "completed_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields


class EvaluationFilter(ExchangeFilterSet):
    completed = filters.BooleanFilter(field_name="completed_at", lookup_expr="isnull", exclude=True)

    class Meta:
        model = Evaluation
        fields = ["award", "project", "rating", "stage_reached", "completed"]


class EvaluationViewSet(ExchangeViewSet):
    """Evaluations of the projects and awards you may see: outcomes, what worked, lessons."""

    serializer_class = EvaluationSerializer
    queryset = Evaluation.objects.none()
    filterset_class = EvaluationFilter
    search_fields = ["outcomes", "what_worked", "what_did_not_work", "lessons"]
    ordering_fields = ["id", "created_at", "completed_at"]
    ordering = ["-created_at", "-id"]

    def selected(self):
        return selectors.evaluation_list(user=self.request.user)


# History ---------------------------------------------------------------------------------------


class TransitionLogSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="content_type.model", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = TransitionLog
        fields = ["id", "model", "object_id", "object_repr", "transition", "source", "target", "actor", "at", "note"]
        read_only_fields = fields


class TransitionLogFilter(ExchangeFilterSet):
    model = filters.CharFilter(field_name="content_type__model", help_text="award, project, payment, progressupdate…")
    actor = filters.CharFilter(field_name="actor__username")
    at = DateTimeRangeFilter()

    class Meta:
        model = TransitionLog
        fields = ["model", "object_id", "transition", "source", "target", "actor"]


class TransitionLogViewSet(ExchangeViewSet):
    """Every state change you may see: what, from, to, who, when and the note."""

    serializer_class = TransitionLogSerializer
    queryset = TransitionLog.objects.none()
    filterset_class = TransitionLogFilter
    search_fields = ["object_repr", "note"]
    ordering_fields = ["at", "id"]
    ordering = ["-at", "-id"]

    def selected(self):
        return selectors.transition_list(user=self.request.user)


class MoneyChangeSerializer(serializers.ModelSerializer):
    model = serializers.CharField(source="content_type.model", read_only=True)
    actor = serializers.CharField(source="actor.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = MoneyChange
        fields = ["id", "model", "object_id", "object_repr", "field", "old_amount", "new_amount", "actor", "at", "note"]
        read_only_fields = fields


class MoneyChangeFilter(TransitionLogFilter):
    class Meta:
        model = MoneyChange
        fields = ["model", "object_id", "field", "actor"]


class MoneyChangeViewSet(TransitionLogViewSet):
    """Every amount set or changed (budgets, requests, awards, payments) that you may see."""

    serializer_class = MoneyChangeSerializer
    queryset = MoneyChange.objects.none()
    filterset_class = MoneyChangeFilter

    def selected(self):
        return selectors.money_change_list(user=self.request.user)
