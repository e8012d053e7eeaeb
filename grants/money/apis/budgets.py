"""/api/v1/budget-categories/ and budget-lines/ (with against-actual/)."""

from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from workflow.apis import (
    ERROR_RESPONSES,
    EditableMixin,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    editable_schema,
    money_field,
)

from ... import selectors as grant_selectors
from ...models import Award, FundingProgramme
from .. import selectors, services
from ..models import MAX_YEARS, BudgetCategory, BudgetLine

ERRORS = {c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}

# Budget categories ---------------------------------------------------------------------------


class BudgetCategorySerializer(serializers.ModelSerializer):
    class Meta:
        model = BudgetCategory
        fields = ["id", "programme", "name", "finance_code", "position"]
        read_only_fields = fields


class BudgetCategoryCreateSerializer(serializers.ModelSerializer):
    programme = ScopedPrimaryKeyRelatedField(grant_selectors.programme_list, queryset=FundingProgramme.objects.all())
    position = serializers.IntegerField(min_value=0, max_value=999, required=False)

    class Meta:
        model = BudgetCategory
        fields = ["programme", "name", "finance_code", "position"]
        validators: list = []


class BudgetCategoryEditSerializer(serializers.ModelSerializer):
    position = serializers.IntegerField(min_value=0, max_value=999, required=False)

    class Meta:
        model = BudgetCategory
        fields = ["name", "finance_code", "position"]
        validators: list = []


@extend_schema_view(
    **editable_schema(BudgetCategorySerializer, BudgetCategoryCreateSerializer, BudgetCategoryEditSerializer)
)
class BudgetCategoryViewSet(EditableMixin, mixins.CreateModelMixin, mixins.UpdateModelMixin, ExchangeViewSet):
    """The budget lines a programme's awards budget by (staffing, supply cover…), with finance codes.
    Programme managers set them; everyone who sees the programme reads them."""

    serializer_class = BudgetCategorySerializer
    create_serializer_class = BudgetCategoryCreateSerializer
    edit_serializer_class = BudgetCategoryEditSerializer
    queryset = BudgetCategory.objects.none()
    filterset_fields = ["programme"]
    search_fields = ["name", "finance_code"]
    ordering_fields = ["id", "name", "position"]
    ordering = ["programme_id", "position", "name"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.budget_category_list(user=self.request.user)

    def create_with_service(self, data, user):
        return services.budget_category_save(actor=user, **data)

    def edit_with_service(self, obj, data, user):
        data = {"name": obj.name, "finance_code": obj.finance_code} | data
        return services.budget_category_save(programme=obj.programme, actor=user, category=obj, **data)


# Budget lines --------------------------------------------------------------------------------


class BudgetLineSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True)
    category_name = serializers.CharField(source="category.name", read_only=True)
    finance_code = serializers.CharField(source="category.finance_code", read_only=True)
    requested = money_field(read_only=True)
    approved = money_field(read_only=True, allow_null=True)

    class Meta:
        model = BudgetLine
        fields = [
            "id",
            "award",
            "award_identifier",
            "category",
            "category_name",
            "finance_code",
            "year",
            "requested",
            "approved",
        ]
        read_only_fields = fields


class LineInSerializer(serializers.Serializer):
    category = serializers.PrimaryKeyRelatedField(queryset=BudgetCategory.objects.all())
    year = serializers.IntegerField(min_value=1, max_value=MAX_YEARS)
    amount = money_field()


class BudgetSetSerializer(serializers.Serializer):
    award = ScopedPrimaryKeyRelatedField(grant_selectors.award_list, queryset=Award.objects.all())
    lines = LineInSerializer(many=True, allow_empty=False, max_length=200)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class BudgetRowSerializer(serializers.Serializer):
    name = serializers.CharField()
    finance_code = serializers.CharField()
    approved = money_field()
    actual = money_field()
    variance = money_field()


class BudgetReportSerializer(serializers.Serializer):
    awards = serializers.IntegerField()
    approved = money_field()
    actual = money_field()
    variance = money_field()
    rows = BudgetRowSerializer(many=True)


SUBJECT_PARAMS = [
    OpenApiParameter(kind, int, description=f"The {kind}'s id (give exactly one of these).")
    for kind in selectors.SUBJECTS
]


class BudgetLineViewSet(ExchangeViewSet):
    """An award's budget by line and year: asked for, then approved (fixed at approval, moved only by
    approved variations). POST replaces an application's whole budget (the applicant while it is a draft,
    a manager until it is decided); the amount requested becomes its total."""

    serializer_class = BudgetLineSerializer
    queryset = BudgetLine.objects.none()
    filterset_fields = ["award", "award__programme", "category", "year"]
    ordering_fields = ["id", "year", "requested", "approved"]
    ordering = ["award_id", "category__position", "category__name", "year"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def selected(self):
        return selectors.budget_line_list(user=self.request.user)

    @extend_schema(request=BudgetSetSerializer, responses={201: BudgetLineSerializer(many=True), **ERRORS})
    def create(self, request, *args, **kwargs):
        incoming = BudgetSetSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        lines = [(line["category"], line["year"], line["amount"]) for line in data["lines"]]
        award = data["award"]
        services.budget_lines_set(award=award, actor=request.user, lines=lines, note=data.get("note", ""))
        saved = self.get_queryset().filter(award=award)
        return Response(BudgetLineSerializer(saved, many=True).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        summary="Budget against actual, by line",
        parameters=SUBJECT_PARAMS,
        responses={200: BudgetReportSerializer, 400: ERROR_RESPONSES[400], 404: ERROR_RESPONSES[404]},
    )
    @action(detail=False, methods=["get"], url_path="against-actual")
    def against_actual(self, request):
        given = [(k, request.query_params[k]) for k in selectors.SUBJECTS if request.query_params.get(k)]
        if len(given) != 1 or not given[0][1].isdigit():
            raise ValidationError({"detail": f"Give exactly one of {', '.join(selectors.SUBJECTS)} as an id."})
        kind, pk = given[0][0], int(given[0][1])
        awards = selectors.awards_for(user=request.user, kind=kind, pk=pk)
        if not awards.exists():
            raise NotFound("Not found.")
        report = selectors.budget_against_actual(awards=awards)
        return Response(BudgetReportSerializer(report).data)
