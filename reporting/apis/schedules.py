"""Reporting schedules: /api/v1/schedules/ (set, extra due dates, extensions, due periods)."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import exceptions, mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.response import Response

from workflow.apis import EditableMixin, ExchangeViewSet
from workflow.dates import GrantDateSerializerField
from workflow.text import NOTE

from .. import selectors, services
from ..filters import ScheduleFilter
from ..models import AdHocDueDate, DueDateExtension, ReportingSchedule
from .common import ERRORS, SubjectSerializer, subject_kwargs


class AdHocDueDateSerializer(serializers.ModelSerializer):
    added_by = serializers.CharField(source="added_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AdHocDueDate
        fields = ["id", "label", "period_start", "period_end", "due_on", "added_by", "added_at"]
        read_only_fields = fields


class DueDateExtensionSerializer(serializers.ModelSerializer):
    extended_by = serializers.CharField(source="extended_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = DueDateExtension
        fields = ["id", "period_end", "original_due_on", "new_due_on", "reason", "extended_by", "extended_at"]
        read_only_fields = fields


class ScheduleSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True, allow_null=True, default=None)
    project_reference = serializers.CharField(source="project.reference", read_only=True, allow_null=True, default=None)
    frequency_label = serializers.CharField(source="get_frequency_display", read_only=True)
    ad_hoc_dates = AdHocDueDateSerializer(many=True, read_only=True)
    extensions = DueDateExtensionSerializer(many=True, read_only=True)

    class Meta:
        model = ReportingSchedule
        fields = [
            "id",
            "award",
            "award_identifier",
            "project",
            "project_reference",
            "frequency",
            "frequency_label",
            "starts_on",
            "ends_on",
            "ad_hoc_dates",
            "extensions",
            "updated_at",
        ]
        read_only_fields = fields


class ScheduleEditSerializer(serializers.Serializer):
    frequency = serializers.ChoiceField(choices=ReportingSchedule.Frequency.choices, required=False)
    starts_on = GrantDateSerializerField(required=False)
    ends_on = GrantDateSerializerField(required=False)


class ScheduleSetSerializer(SubjectSerializer, ScheduleEditSerializer):
    """Leave out frequency or dates to keep the ones the work already has (an award's own)."""


class DueDateAddSerializer(serializers.Serializer):
    period_start = GrantDateSerializerField()
    period_end = GrantDateSerializerField()
    due_on = GrantDateSerializerField()
    label = serializers.CharField(required=False, allow_blank=True, default="", max_length=120)


class ExtendSerializer(serializers.Serializer):
    period_end = GrantDateSerializerField(help_text="The end of the due period whose date moves.")
    new_due_on = GrantDateSerializerField()
    reason = serializers.CharField(allow_blank=True, max_length=NOTE, help_text="Kept, with who and when.")


class DuePeriodSerializer(serializers.Serializer):
    period_start = GrantDateSerializerField()
    period_end = GrantDateSerializerField()
    label = serializers.CharField()
    original_due_on = GrantDateSerializerField()
    due_on = GrantDateSerializerField()
    extended = serializers.BooleanField()
    is_final = serializers.BooleanField()
    ad_hoc = serializers.BooleanField()
    update = serializers.IntegerField(source="update.pk", allow_null=True, default=None)
    state = serializers.CharField()
    urgency = serializers.CharField()
    days_late = serializers.IntegerField()


@extend_schema_view(
    create=extend_schema(
        request=ScheduleSetSerializer,
        responses={201: ScheduleSerializer, 200: ScheduleSerializer, **ERRORS},
        description="Set (or save the default) reporting schedule of an award or of a project without one; "
        "200 when the work already had a saved schedule.",
    ),
    partial_update=extend_schema(request=ScheduleEditSerializer, responses={200: ScheduleSerializer, **ERRORS}),
)
class ScheduleViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """Saved reporting schedules of the work you may see, with their extra due dates and extensions.
    Managers of the work set them (POST with the award or project; PATCH), add extra due dates
    (POST {id}/due-dates/) and extend a due date with a reason (POST {id}/extend/). Due periods:
    GET {id}/periods/."""

    serializer_class = ScheduleSerializer
    create_serializer_class = ScheduleSetSerializer
    edit_serializer_class = ScheduleEditSerializer
    queryset = ReportingSchedule.objects.none()
    filterset_class = ScheduleFilter
    search_fields = ["award__identifier", "project__reference"]
    ordering_fields = ["id", "starts_on", "ends_on", "updated_at"]
    ordering = ["id"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.schedule_list(user=self.request.user).prefetch_related(
            Prefetch("ad_hoc_dates", AdHocDueDate.objects.select_related("added_by")),
            Prefetch("extensions", DueDateExtension.objects.select_related("extended_by")),
        )

    def _save(self, subject: dict, data: dict, user):
        (work,) = subject.values()
        current = selectors.schedule_for(work)
        values = {}
        for name in ("frequency", "starts_on", "ends_on"):
            values[name] = data.get(name, getattr(current, name, None))
            if values[name] is None:
                raise exceptions.ValidationError(
                    {name: [f"{work} has no planned dates to start from: give frequency, starts_on and ends_on."]}
                )
        return services.schedule_save(actor=user, **subject, **values)

    def create(self, request, *args, **kwargs):
        incoming = ScheduleSetSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        subject = subject_kwargs(incoming.validated_data)
        existed = ReportingSchedule.objects.filter(**subject).exists()
        schedule = self._save(subject, incoming.validated_data, request.user)
        return self.respond(schedule, status.HTTP_200_OK if existed else status.HTTP_201_CREATED)

    def edit_with_service(self, obj, data, user):
        return self._save(obj.subject.kwargs(), data, user)

    @extend_schema(
        operation_id="schedule_due_date_add",
        summary="Add an extra due date (a report outside the regular schedule)",
        request=DueDateAddSerializer,
        responses={200: ScheduleSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"], url_path="due-dates", url_name="due-dates")
    def due_dates(self, request, pk=None):
        schedule = self.get_object()
        incoming = DueDateAddSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.due_date_add(actor=request.user, **schedule.subject.kwargs(), **incoming.validated_data)
        return self.respond(schedule)

    @extend_schema(
        operation_id="schedule_extend",
        summary="Extend one due date, with a reason (kept with who and when)",
        request=ExtendSerializer,
        responses={200: ScheduleSerializer, **ERRORS},
    )
    @action(detail=True, methods=["post"])
    def extend(self, request, pk=None):
        schedule = self.get_object()
        incoming = ExtendSerializer(data=request.data)
        incoming.is_valid(raise_exception=True)
        services.due_date_extend(actor=request.user, **schedule.subject.kwargs(), **incoming.validated_data)
        return self.respond(schedule)

    @extend_schema(
        operation_id="schedule_periods",
        summary="The due periods: dates, due dates after extensions, and each period's update",
        responses={200: DuePeriodSerializer(many=True), 404: ERRORS[404]},
        filters=False,
    )
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])
    def periods(self, request, pk=None):
        schedule = self.get_object()
        periods = selectors.due_period_list(user=request.user, **schedule.subject.kwargs())
        return Response(DuePeriodSerializer(periods, many=True).data)
