"""API downloads of impact reports: GET /api/v1/reports/<kind>/<pk>/.

200 with the PDF when it is ready; 202 with {"status": "preparing"} and Retry-After while a large
report renders in the background (ask again); 404 for anything the caller may not see.
"""

from django.urls import path
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from .. import reports
from ..views.reports import REFRESH_SECONDS, pdf_response


class ReportDownloadApi(APIView):
    kind = ""

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The impact report."),
            202: OpenApiResponse(OpenApiTypes.OBJECT, description="Being prepared: ask again after Retry-After."),
            404: OpenApiResponse(description="No report you can see has this id."),
        },
        tags=["reports"],
    )
    def get(self, request, pk: int):
        try:
            report = reports.report_for(kind=self.kind, user=request.user, pk=pk)
        except reports.ReportNotFound as missing:
            raise NotFound("No report you can see has this id.") from missing
        if reports.prepare(report):
            return pdf_response(report)
        return Response(
            {"status": "preparing", "detail": "The report is being prepared. Ask again in a few seconds."},
            status=202,
            headers={"Retry-After": str(REFRESH_SECONDS)},
        )


@extend_schema_view(get=extend_schema(operation_id="report_award_download"))
class AwardReportApi(ReportDownloadApi):
    kind = "award"


@extend_schema_view(get=extend_schema(operation_id="report_project_download"))
class ProjectReportApi(ReportDownloadApi):
    kind = "project"


@extend_schema_view(get=extend_schema(operation_id="report_partnership_download"))
class PartnershipReportApi(ReportDownloadApi):
    kind = "partnership"


@extend_schema_view(get=extend_schema(operation_id="report_portfolio_download"))
class PortfolioReportApi(ReportDownloadApi):
    kind = "portfolio"


urlpatterns = [
    path("award/<int:pk>/", AwardReportApi.as_view(), name="award"),
    path("project/<int:pk>/", ProjectReportApi.as_view(), name="project"),
    path("partnership/<int:pk>/", PartnershipReportApi.as_view(), name="partnership"),
    path("portfolio/<int:pk>/", PortfolioReportApi.as_view(), name="portfolio"),
]
