"""The REST API: /api/v1/ (resources and the token endpoint), /api/schema/ and /api/docs/."""

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from assessment.apis import (
    ApplicationViewSet,
    AssessmentViewSet,
    AttachmentViewSet,
    CallViewSet,
    ConflictViewSet,
    CriterionViewSet,
)
from grants.apis import AwardViewSet, PaymentViewSet, ProgrammeViewSet
from grants.apis.giving360 import Giving360ImportApi, Giving360QualityApi
from grants.money import apis as money_apis
from inbox.apis import InboxApi
from partnerships.apis import LocalAuthorityViewSet, OrganisationViewSet, PartnershipViewSet, ProjectViewSet
from reporting.apis import (
    EvaluationViewSet,
    EvidenceViewSet,
    IndicatorViewSet,
    ProgressUpdateViewSet,
    ScheduleViewSet,
)
from support.apis import NeedViewSet, OfferViewSet
from workflow.apis import MoneyChangeViewSet, TokenView, TransitionLogViewSet

app_name = "api"

router = DefaultRouter()
router.register("organisations", OrganisationViewSet, basename="organisation")
router.register("local-authorities", LocalAuthorityViewSet, basename="local-authority")
router.register("partnerships", PartnershipViewSet, basename="partnership")
router.register("projects", ProjectViewSet, basename="project")
router.register("programmes", ProgrammeViewSet, basename="programme")
router.register("awards", AwardViewSet, basename="award")
router.register("payments", PaymentViewSet, basename="payment")
router.register("indicators", IndicatorViewSet, basename="indicator")
router.register("updates", ProgressUpdateViewSet, basename="update")
router.register("evaluations", EvaluationViewSet, basename="evaluation")
router.register("evidence", EvidenceViewSet, basename="evidence")
router.register("schedules", ScheduleViewSet, basename="schedule")
router.register("calls", CallViewSet, basename="call")
router.register("applications", ApplicationViewSet, basename="application")
router.register("assessments", AssessmentViewSet, basename="assessment")
router.register("conflicts", ConflictViewSet, basename="conflict")
router.register("criteria", CriterionViewSet, basename="criterion")
router.register("attachments", AttachmentViewSet, basename="attachment")
router.register("transitions", TransitionLogViewSet, basename="transition")
router.register("money-changes", MoneyChangeViewSet, basename="money-change")
router.register("needs", NeedViewSet, basename="need")
router.register("offers", OfferViewSet, basename="offer")
# Money in depth (grants/money/apis.py)
router.register("budget-categories", money_apis.BudgetCategoryViewSet, basename="budget-category")
router.register("budget-lines", money_apis.BudgetLineViewSet, basename="budget-line")
router.register("variations", money_apis.VariationViewSet, basename="variation")
router.register("payment-runs", money_apis.PaymentRunViewSet, basename="payment-run")
router.register("financial-years", money_apis.FinancialYearViewSet, basename="financial-year")
router.register("match-funding", money_apis.MatchFundingViewSet, basename="match-funding")
router.register("award-shares", money_apis.AwardShareViewSet, basename="award-share")

urlpatterns = [
    path("v1/auth/token/", TokenView.as_view(), name="token"),
    path("v1/360giving/imports/", Giving360ImportApi.as_view(), name="giving360-import"),
    path("v1/360giving/quality/", Giving360QualityApi.as_view(), name="giving360-quality"),
    path("v1/inbox/", InboxApi.as_view(), name="inbox"),
    path("v1/", include(router.urls)),
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api:schema"), name="docs"),
    path("redoc/", SpectacularRedocView.as_view(url_name="api:schema"), name="redoc"),
]
