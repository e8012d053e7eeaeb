"""Impact report pages: download the PDF, or watch a large one being prepared.

Small reports come straight back as a PDF. A partnership or portfolio report, when a Celery broker is
configured and the PDF is not stored yet, goes to the task and the reader sees a page that says it is
being prepared and refreshes itself (a meta refresh: no JavaScript) until a download link appears.
Anything the reader may not see is a 404, whether they followed a link or guessed the URL.
"""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import reports

REFRESH_SECONDS = 5


def pdf_response(report: reports.Report) -> FileResponse:
    response = FileResponse(
        default_storage.open(report.storage_path, "rb"),
        as_attachment=True,
        filename=report.filename,
        content_type="application/pdf",
    )
    response["Cache-Control"] = "private, no-store"
    return response


def _report_or_404(kind: str, user, pk) -> reports.Report:
    try:
        return reports.report_for(kind=kind, user=user, pk=pk)
    except reports.ReportNotFound as missing:
        raise Http404(str(missing)) from missing


@login_required
def report_index(request):
    """Every report the reader may download, by kind."""
    return render(request, "reports/index.html", reports.report_choices(user=request.user))


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_download(request, kind: str, pk: int):
    """GET: the PDF, or the page that waits for it, or the kept failure. POST (the "Try again" button on the
    failure page): forget the failure and prepare the report again."""
    report = _report_or_404(kind, request.user, pk)
    url = reverse(f"reports:{kind}", args=[pk])
    if request.method == "POST":
        reports.retry(report)
        return redirect(f"{url}?wait=1")
    waiting = "wait" in request.GET
    context = {
        "report": report,
        "download_url": url,
        "refresh_url": f"{url}?wait=1",
        "refresh_seconds": REFRESH_SECONDS,
    }
    try:
        ready = reports.prepare(report)
    except reports.ReportFailed as failed:
        context.update(ready=False, failed=str(failed))
        return render(request, "reports/status.html", context, status=200)
    if ready and not waiting:
        return pdf_response(report)
    context["ready"] = ready
    return render(request, "reports/status.html", context, status=200 if ready else 202)
