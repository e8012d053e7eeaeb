"""/api/v1/inbox/: the signed-in person's inbox, the same sections and counts as /inbox/."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from . import selectors


class InboxItemSerializer(serializers.Serializer):
    title = serializers.CharField()
    url = serializers.CharField()
    detail = serializers.CharField()
    tag = serializers.CharField()
    when = serializers.DateField(allow_null=True)


class InboxSectionSerializer(serializers.Serializer):
    key = serializers.CharField()
    heading = serializers.CharField()
    role = serializers.CharField()
    count = serializers.IntegerField()
    capped = serializers.BooleanField(help_text="True when there are more than `count` (counted to 1,000).")
    action = serializers.BooleanField(help_text="Something to do (true) or only to know (false).")
    items = InboxItemSerializer(many=True, help_text="The first ten, most urgent first.")


class InboxSerializer(serializers.Serializer):
    today = serializers.DateField()
    waiting = serializers.IntegerField(help_text="How many things wait for you to act on.")
    sections = InboxSectionSerializer(many=True)


class InboxApi(APIView):
    """What is waiting for you: updates to review, payments to approve and release, applications to
    decide, reports due or overdue, changes requested. The same as the /inbox/ page."""

    permission_classes = [permissions.IsAuthenticated]

    @extend_schema(operation_id="inbox", responses={200: InboxSerializer})
    def get(self, request):
        return Response(InboxSerializer(selectors.inbox_for(user=request.user)).data)
