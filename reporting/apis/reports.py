"""API downloads of impact reports: GET /api/v1/reports/<kind>/<pk>/.

200 with the PDF when it is ready; 202 with {"status": "preparing"} and Retry-After while a large
report renders in the background (ask again); 404 for anything the caller may not see.
`?from=2025-04-01&to=2026-03-31`: only that period (the pages' rule and words, reporting.forms.ReportPeriodForm);
400 with the reason for a period that cannot be.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import reports
from ..forms import ReportPeriodForm
from ..views.reports import REFRESH_SECONDS, pdf_response

PERIOD = [
    OpenApiParameter(name, OpenApiTypes.DATE, description=f"{words} day of the period to report on (both or neither).")
    for name, words in (("from", "The first"), ("to", "The last"))
]


class ReportDownloadApi(APIView):
    kind = ""

    @extend_schema(
        parameters=PERIOD,
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The impact report."),
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="Being prepared: ask again after Retry-After."),
            503: OpenApiResponse(OpenApiTypes.OBJECT, description="The last attempt failed: POST to try again."),
            400: OpenApiResponse(OpenApiTypes.OBJECT, description="The period cannot be: the reason by field."),
            404: OpenApiResponse(description="No report you can see has this id."),
        },
        tags=["reports"],
    )
    def get(self, request, pk: int):
        report = self._report(request, pk)
        try:
            ready = reports.prepare(report)
        except reports.ReportFailed as failed:
            return Response({"status": "failed", "detail": f"{failed} POST to this URL to try again."}, status=503)
        if ready:
            return pdf_response(report)
        return self._preparing()

    @extend_schema(
        parameters=PERIOD,
        request=None,
        responses={202: OpenApiResponse(OpenApiTypes.OBJECT, description="Being prepared again.")},
        tags=["reports"],
        summary="Try a failed report again",
    )
    def post(self, request, pk: int):
        report = self._report(request, pk)
        reports.retry(report)
        return self._preparing()

    def _report(self, request, pk):
        form = ReportPeriodForm(request.query_params)
        valid = form.is_valid()
        try:
            # 404 before 400: a bad period says nothing about a subject the caller may not see.
            report = reports.report_for(kind=self.kind, user=request.user, pk=pk, period=form.period if valid else None)
        except reports.ReportNotFound as missing:
            raise NotFound("No report you can see has this id.") from missing
        if not valid:
            raise ValidationError({name: list(errors) for name, errors in form.errors.items()})
        return report

    @staticmethod
    def _preparing():
        return Response(
            {"status": "preparing", "detail": "The report is being prepared. Ask again in a few seconds."},
            status=202,
            headers={"Retry-After": str(REFRESH_SECONDS)},
        )


@extend_schema_view(
    get=extend_schema(operation_id="report_award_download"), post=extend_schema(operation_id="report_award_retry")
)
class AwardReportApi(ReportDownloadApi):
    kind = "award"


@extend_schema_view(
    get=extend_schema(operation_id="report_project_download"), post=extend_schema(operation_id="report_project_retry")
)
class ProjectReportApi(ReportDownloadApi):
    kind = "project"


@extend_schema_view(
    get=extend_schema(operation_id="report_partnership_download"),
    post=extend_schema(operation_id="report_partnership_retry"),
)
class PartnershipReportApi(ReportDownloadApi):
    kind = "partnership"


@extend_schema_view(
    get=extend_schema(operation_id="report_portfolio_download"),
    post=extend_schema(operation_id="report_portfolio_retry"),
)
class PortfolioReportApi(ReportDownloadApi):
    kind = "portfolio"


urlpatterns = [
    path("award/<int:pk>/", AwardReportApi.as_view(), name="award"),
    path("project/<int:pk>/", ProjectReportApi.as_view(), name="project"),
    path("partnership/<int:pk>/", PartnershipReportApi.as_view(), name="partnership"),
    path("portfolio/<int:pk>/", PortfolioReportApi.as_view(), name="portfolio"),
]
