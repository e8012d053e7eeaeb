"""/api/v1/match-funding/."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response

from workflow.apis import (
    ERROR_RESPONSES,
    ExchangeViewSet,
    ScopedPrimaryKeyRelatedField,
    money_field,
)

from ... import selectors as grant_selectors
from ...models import Award
from .. import selectors, services
from ..models import MatchFunding

ERRORS = {c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}

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
