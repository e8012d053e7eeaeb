"""API downloads of impact reports: GET /api/v1/reports/<kind>/<pk>/.

200 with the PDF when it is ready; 202 with {"status": "preparing"} and Retry-After while a large
report renders in the background (ask again); 404 for anything the caller may not see.
"""

from django.urls import path
from rest_framework.exceptions import NotFound
from rest_framework.response import Response
from rest_framework.views import APIView

from . import reports
from .report_views import REFRESH_SECONDS, pdf_response


class ReportDownloadApi(APIView):
    kind = ""

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


class AwardReportApi(ReportDownloadApi):
    kind = "award"


class ProjectReportApi(ReportDownloadApi):
    kind = "project"


class PartnershipReportApi(ReportDownloadApi):
    kind = "partnership"


class PortfolioReportApi(ReportDownloadApi):
    kind = "portfolio"


urlpatterns = [
    path("award/<int:pk>/", AwardReportApi.as_view(), name="award"),
    path("project/<int:pk>/", ProjectReportApi.as_view(), name="project"),
    path("partnership/<int:pk>/", PartnershipReportApi.as_view(), name="partnership"),
    path("portfolio/<int:pk>/", PortfolioReportApi.as_view(), name="portfolio"),
]
