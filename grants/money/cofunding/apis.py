"""/api/v1/award-shares/: who funds how much of a co-funded award."""

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from accounts.mfa import money_step_refusal
from workflow.apis import ERROR_RESPONSES, ExchangeViewSet, ScopedPrimaryKeyRelatedField, money_field
from workflow.text import NOTE

from ... import selectors as grant_selectors
from ...models import Award, FundingProgramme
from . import selectors, services
from .models import AwardShare

ERRORS = {c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}


class AwardShareSerializer(serializers.ModelSerializer):
    award_identifier = serializers.CharField(source="award.identifier", read_only=True)
    programme_name = serializers.CharField(source="programme.name", read_only=True)
    funder = serializers.IntegerField(source="programme.funder_id", read_only=True)
    funder_name = serializers.CharField(source="programme.funder.name", read_only=True)
    amount = money_field(read_only=True)
    lead = serializers.BooleanField(source="is_lead", read_only=True, help_text="The award's own programme.")
    set_by = serializers.CharField(source="set_by.username", read_only=True, allow_null=True, default=None)

    class Meta:
        model = AwardShare
        fields = [
            "id",
            "award",
            "award_identifier",
            "programme",
            "programme_name",
            "funder",
            "funder_name",
            "amount",
            "lead",
            "set_by",
            "set_at",
        ]
        read_only_fields = fields


class ShareInSerializer(serializers.Serializer):
    programme = ScopedPrimaryKeyRelatedField(grant_selectors.programme_list, queryset=FundingProgramme.objects.all())
    amount = money_field(min_value=0)


class SharesSetSerializer(serializers.Serializer):
    award = ScopedPrimaryKeyRelatedField(grant_selectors.award_list, queryset=Award.objects.all())
    shares = ShareInSerializer(
        many=True,
        max_length=30,
        help_text="The co-funding programmes and their amounts; the award's own programme takes what is left "
        "(or give it too: then the shares must add up to the amount awarded). An empty list ends co-funding.",
    )
    note = serializers.CharField(
        required=False,
        allow_blank=True,
        max_length=NOTE,
        default="",
        error_messages={"max_length": f"The note is too long: keep it to {NOTE:,} characters."},
    )


class AwardShareViewSet(ExchangeViewSet):
    """The shares of co-funded awards: each programme (and so funder) and how much of the award it pays.
    A co-funder sees its own share; the award's own managers and funder, and its recipient, see them all.
    POST sets an approved award's shares (the managers of every programme concerned; a recent second
    factor, as for approving): each programme's budget guard holds for its share. A variation of the
    amount awarded changes the lead programme's share only."""

    serializer_class = AwardShareSerializer
    queryset = AwardShare.objects.none()
    filterset_fields = ["award", "programme", "programme__funder"]
    ordering_fields = ["id", "amount", "set_at"]
    ordering = ["award_id", "programme__name"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.share_list(user=self.request.user)

    @extend_schema(request=SharesSetSerializer, responses={201: AwardShareSerializer(many=True), **ERRORS})
    def create(self, request, *args, **kwargs):
        incoming = SharesSetSerializer(data=request.data, context=self.get_serializer_context())
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        refusal = money_step_refusal(request)
        if refusal:
            raise PermissionDenied(refusal)
        pairs = [(row["programme"], row["amount"]) for row in data["shares"]]
        services.award_shares_set(award=data["award"], actor=request.user, shares=pairs, note=data["note"])
        saved = self.get_queryset().filter(award=data["award"])
        return Response(AwardShareSerializer(saved, many=True).data, status=status.HTTP_201_CREATED)
