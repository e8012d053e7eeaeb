"""The history API: every state change and every money change a person may see."""

from django_filters import rest_framework as filters
from rest_framework import serializers

from .. import selectors
from ..models import MoneyChange, TransitionLog
from ..pagination import HistoryPagination
from .filtering import DateTimeRangeFilter, ExchangeFilterSet
from .viewsets import ExchangeViewSet


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
    pagination_class = HistoryPagination
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
