"""/api/v1/financial-years/."""

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from workflow.apis import (
    ERROR_RESPONSES,
    ExchangeViewSet,
    money_field,
)

from ...models import FundingProgramme
from .. import selectors
from ..years import KINDS

ERRORS = {c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}

# Financial years -----------------------------------------------------------------------------


class YearRowSerializer(serializers.Serializer):
    year = serializers.IntegerField(help_text="The calendar year the year starts in.")
    label = serializers.CharField()
    paid = money_field()
    forecast = money_field(help_text="Scheduled or approved, not yet paid.")
    total = money_field()


class YearTableSerializer(serializers.Serializer):
    name = serializers.CharField()
    committed = money_field()
    scheduled = money_field()
    unscheduled = money_field(help_text="Committed but in no payment yet.")
    years = YearRowSerializer(many=True)


class FinancialYearViewSet(ExchangeViewSet):
    """Payments by the year their due date falls in: `year=financial` (April to March, the default) or
    `year=school` (September to August); `by=programme` (default) or `by=funder`."""

    serializer_class = YearTableSerializer
    queryset = FundingProgramme.objects.none()
    filter_backends: list = []
    pagination_class = None

    def selected(self):
        return FundingProgramme.objects.none()

    @extend_schema(
        parameters=[
            OpenApiParameter("year", str, enum=list(KINDS), description="financial (April–March) or school"),
            OpenApiParameter("by", str, enum=["programme", "funder"]),
        ],
        responses={200: YearTableSerializer(many=True), 400: ERROR_RESPONSES[400]},
    )
    def list(self, request, *args, **kwargs):
        kind = request.query_params.get("year", "financial")
        by = request.query_params.get("by", "programme")
        if kind not in KINDS or by not in ("programme", "funder"):
            raise ValidationError({"detail": "year is financial or school; by is programme or funder."})
        tables = selectors.money_by_year(user=request.user, kind=kind, by=by)
        return Response(YearTableSerializer(tables, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        raise NotFound("Not found.")
