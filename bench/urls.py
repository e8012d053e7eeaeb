"""The app's URLs plus the bench's reference endpoint (only bench_scale's measuring process uses this
URLconf): the API award list's first page read with `values()` and written as JSON, with the same
capped count and the same per-row money subqueries — what a hand-written endpoint would cost."""

from django.core.serializers.json import DjangoJSONEncoder
from django.db.models import OuterRef
from django.http import JsonResponse
from django.urls import path
from rest_framework.authtoken.models import Token

from config.urls import urlpatterns as app_urlpatterns
from grants.apis.programmes import _total
from grants.models import Award, Payment
from grants.selectors import award_list
from workflow.pagination import count_cap

FIELDS = [f.attname for f in Award._meta.concrete_fields] + [
    "programme__name",
    "programme__funder_id",
    "programme__funder__name",
    "recipient__name",
    "recipient__local_authority_id",
    "recipient__local_authority__name",
    "recipient__local_authority__sub_region__name",
    "project__reference",
    "partnership__name",
]


def awards_reference(request):
    token = Token.objects.select_related("user").get(key=request.headers["Authorization"].split()[1])
    payments = Payment.objects.filter(award=OuterRef("pk"))
    awards = award_list(user=token.user).annotate(
        paid_total=_total(payments.filter(state=Payment.State.PAID), "award", "amount"),
        scheduled_total=_total(payments.exclude(state="cancelled"), "award", "amount"),
    )
    rows = list(awards.values(*FIELDS, "paid_total", "scheduled_total")[:50])
    count = awards.values("pk")[: count_cap() + 1].count()  # the keys only, as the app counts
    return JsonResponse({"count": count, "results": rows}, encoder=DjangoJSONEncoder)


urlpatterns = [path("bench/awards-reference/", awards_reference), *app_urlpatterns]
