"""/api/v1/budget-categories/, budget-lines/ (with against-actual/), variations/ (with their steps),
payment-runs/ (with download/) and financial-years/."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response

from accounts.mfa import RecentSecondFactor
from partnerships.models import Organisation
from workflow.apis import (
    ERROR_RESPONSES,
    EditableMixin,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    WorkflowSerializer,
    add_transition_actions,
    editable_schema,
    money_field,
)
from workflow.dates import GrantDateSerializerField
from workflow.text import NARRATIVE

from .. import selectors as grant_selectors
from ..models import Award, FundingProgramme
from . import selectors, services
from .exports import FORMATS
from .models import MAX_YEARS, BudgetCategory, BudgetLine, MatchFunding, PaymentRun, Variation
from .years import KINDS

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


# Match funding ------------------------------------------------------------------------------


class MatchFundingSerializer(serializers.ModelSerializer):
    amount = money_field(read_only=True)

    class Meta:
        model = MatchFunding
        fields = ["id", "award", "source", "provider", "kind", "amount", "description"]
        read_only_fields = fields


class MatchRowSerializer(serializers.Serializer):
    source = serializers.CharField(max_length=200)
    provider = serializers.ChoiceField(choices=MatchFunding.Provider.choices, default="recipient")
    kind = serializers.ChoiceField(choices=MatchFunding.Kind.choices, default="cash")
    amount = money_field(min_value=0)
    description = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class MatchSetSerializer(serializers.Serializer):
    award = ScopedPrimaryKeyRelatedField(grant_selectors.award_list, queryset=Award.objects.all())
    rows = MatchRowSerializer(many=True, max_length=30)


class MatchFundingViewSet(ExchangeViewSet):
    """Match funding recorded on an application (cash or in kind, from the applicant or others). POST
    replaces an application's whole list (the applicant while it is a draft, a manager until it is decided)."""

    serializer_class = MatchFundingSerializer
    queryset = MatchFunding.objects.none()
    filterset_fields = ["award", "kind", "provider"]
    ordering_fields = ["id", "amount"]
    ordering = ["award_id", "id"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def selected(self):
        return selectors.match_funding_list(user=self.request.user)

    @extend_schema(request=MatchSetSerializer, responses={201: MatchFundingSerializer(many=True), **ERRORS})
    def create(self, request, *args, **kwargs):
        incoming = MatchSetSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        award = incoming.validated_data["award"]
        rows = [
            (r["source"], r["provider"], r["kind"], r["amount"], r["description"])
            for r in incoming.validated_data["rows"]
        ]
        services.match_funding_set(award=award, actor=request.user, rows=rows)
        saved = self.get_queryset().filter(award=award)
        return Response(MatchFundingSerializer(saved, many=True).data, status=status.HTTP_201_CREATED)


# Variations ----------------------------------------------------------------------------------


class VariationSerializer(WorkflowSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True)
    kind_label = serializers.CharField(source="get_kind_display", read_only=True)
    amount_change = money_field(read_only=True)
    amount_before = money_field(read_only=True, allow_null=True)
    amount_after = money_field(read_only=True, allow_null=True)
    lines = serializers.SerializerMethodField()

    class Meta:
        model = Variation
        fields = [
            "id",
            "award",
            "award_identifier",
            "number",
            "kind",
            "kind_label",
            "reason",
            "amount_change",
            "new_planned_end",
            "scope_change",
            "lines",
            "state",
            "state_label",
            "requested_by",
            "requested_at",
            "decided_by",
            "decided_at",
            "decision_note",
            "amount_before",
            "amount_after",
            "available_transitions",
        ]
        read_only_fields = fields

    def get_lines(self, obj) -> list[dict]:
        return [
            {"category": line.category_id, "year": line.year, "change": f"{line.change:.2f}"}
            for line in obj.lines.all()
        ]


class VariationCreateSerializer(serializers.Serializer):
    award = ScopedPrimaryKeyRelatedField(grant_selectors.award_list, queryset=Award.objects.all())
    kind = serializers.ChoiceField(choices=Variation.Kind.choices)
    reason = serializers.CharField(max_length=NARRATIVE)
    amount_change = money_field(required=False, default="0")
    new_planned_end = GrantDateSerializerField(required=False, allow_null=True)
    scope_change = serializers.CharField(required=False, allow_blank=True, max_length=NARRATIVE, default="")
    lines = LineInSerializer(many=True, required=False, max_length=200)


@extend_schema_view(
    create=extend_schema(request=VariationCreateSerializer, responses={201: VariationSerializer, **ERRORS})
)
class VariationViewSet(EditableMixin, mixins.CreateModelMixin, ExchangeViewSet):
    """Changes to approved awards, in order: asked for by the recipient or a manager, approved or declined
    by a manager (POST /variations/{id}/approve/, decline/ with a note, withdraw/ with a note). An approved
    increase goes through the programme's budget guard; the amount awarded is always the original plus
    the approved variations."""

    serializer_class = VariationSerializer
    create_serializer_class = VariationCreateSerializer
    queryset = Variation.objects.none()
    # Approving a variation moves money: a recent second factor, as for approving the award itself.
    permission_classes = [*ExchangeViewSet.permission_classes, RecentSecondFactor]
    second_factor_actions = {"approve"}
    filterset_fields = ["award", "state", "kind", "award__programme"]
    ordering_fields = ["id", "number", "requested_at", "decided_at"]
    ordering = ["award_id", "number"]

    def may_write(self, r):
        return r.is_manager or r.is_partner

    def selected(self):
        return selectors.variation_list(user=self.request.user).prefetch_related("lines")

    def create_with_service(self, data, user):
        lines = [(line["category"], line["year"], line["amount"]) for line in data.pop("lines", [])]
        return services.variation_request(actor=user, lines=lines, **data)


def _run_variation_transition(obj, name, user, note=""):
    return services.variation_transition(variation=obj, name=name, actor=user, note=note)


add_transition_actions(VariationViewSet, Variation, _run_variation_transition)


# Payment runs --------------------------------------------------------------------------------


class PaymentRunSerializer(serializers.ModelSerializer):
    total = money_field(read_only=True)
    payments = serializers.SerializerMethodField()

    class Meta:
        model = PaymentRun
        fields = [
            "id",
            "managed_by",
            "due_by",
            "format",
            "created_by",
            "created_at",
            "payment_count",
            "total",
            "filename",
            "payments",
        ]
        read_only_fields = fields

    def get_payments(self, obj) -> list[int]:
        return [item.payment_id for item in obj.items.all()]


class PaymentRunCreateSerializer(serializers.Serializer):
    organisation = serializers.PrimaryKeyRelatedField(
        queryset=Organisation.objects.all(), help_text="The organisation whose programmes' payments to send."
    )
    due_by = GrantDateSerializerField()
    format = serializers.ChoiceField(choices=sorted(FORMATS), default="xero")


@extend_schema_view(
    create=extend_schema(request=PaymentRunCreateSerializer, responses={201: PaymentRunSerializer, **ERRORS})
)
class PaymentRunViewSet(EditableMixin, mixins.CreateModelMixin, ExchangeViewSet):
    """Payment runs: every approved payment due by a date, exported once to the finance system
    (POST makes one; GET {id}/download/ is its file). Programme managers of the organisation only."""

    serializer_class = PaymentRunSerializer
    create_serializer_class = PaymentRunCreateSerializer
    # Making a run and downloading its file for the bank need a recent second factor, like releasing money.
    permission_classes = [*ExchangeViewSet.permission_classes, RecentSecondFactor]
    second_factor_actions = {"create", "download"}
    queryset = PaymentRun.objects.none()
    filterset_fields = ["managed_by", "format"]
    ordering_fields = ["id", "created_at", "due_by", "total"]
    ordering = ["-created_at", "-id"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.payment_run_list(user=self.request.user).prefetch_related("items")

    def create_with_service(self, data, user):
        return services.payment_run_export(actor=user, **data)

    @extend_schema(summary="The run's file, as exported", responses={(200, "text/csv"): OpenApiTypes.STR})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        run = self.get_object()
        response = HttpResponse(run.content, content_type=f"{FORMATS[run.format].content_type}; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{run.filename}"'
        return response


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
