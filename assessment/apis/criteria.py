"""/api/v1/criteria/: the criteria of the calls you may see; a call's managers change (PATCH) and remove
(DELETE) them until applicants are writing to them (a refusal says why, 409). New ones: POST /calls/{id}/criteria/."""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import mixins, serializers, status
from rest_framework.response import Response

from workflow.apis import ERROR_RESPONSES, EditableMixin, ExchangeFilterSet, ExchangeViewSet

from .. import selectors, services
from ..models import Criterion

ERRORS = {c: ERROR_RESPONSES[c] for c in (400, 403, 404, 409)}


class CriterionReadSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["id", "call", "position", "title", "guidance", "weight", "scale_max", "score_guidance"]
        read_only_fields = fields


class CriterionEditSerializer(serializers.ModelSerializer):
    class Meta:
        model = Criterion
        fields = ["title", "guidance", "weight", "scale_max", "score_guidance", "position"]


class CriterionFilter(ExchangeFilterSet):
    class Meta:
        model = Criterion
        fields = ["call"]


@extend_schema_view(
    partial_update=extend_schema(request=CriterionEditSerializer, responses={200: CriterionReadSerializer, **ERRORS}),
    destroy=extend_schema(responses={204: None, **ERRORS}),
)
class CriterionViewSet(EditableMixin, mixins.UpdateModelMixin, mixins.DestroyModelMixin, ExchangeViewSet):
    """Criteria, weights (shares of 100) and scales of the calls you may see."""

    serializer_class = CriterionReadSerializer
    edit_serializer_class = CriterionEditSerializer
    queryset = Criterion.objects.none()
    filterset_class = CriterionFilter
    ordering_fields = ["id", "position"]
    ordering = ["call", "position", "id"]
    http_method_names = ["get", "patch", "delete", "head", "options"]

    def may_write(self, r):
        return r.is_manager

    def selected(self):
        return selectors.criterion_list(user=self.request.user)

    def edit_with_service(self, obj, data, user):
        return services.criterion_update(criterion=obj, actor=user, **data)

    def destroy(self, request, *args, **kwargs):
        services.criterion_remove(criterion=self.get_object(), actor=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)
