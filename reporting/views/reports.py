"""Impact report pages: download the PDF, or watch a large one being prepared.

Small reports come straight back as a PDF. A partnership or portfolio report, when a Celery broker is
configured and the PDF is not stored yet, goes to the task and the reader sees a page that says it is
being prepared and refreshes itself (a meta refresh: no JavaScript) until a download link appears.
Anything the reader may not see is a 404, whether they followed a link or guessed the URL.

Every report can cover a period (`?from=2025-04-01&to=2026-03-31`, or GOV.UK's day, month and year boxes
from the reports page's GET form): a period that cannot be is refused on the page in words, with what was typed.
"""

from django.contrib.auth.decorators import login_required
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from .. import reports
from ..forms import ReportPeriodForm

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


def _report_or_404(kind: str, user, pk, period=None) -> reports.Report:
    try:
        return reports.report_for(kind=kind, user=user, pk=pk, period=period)
    except reports.ReportNotFound as missing:
        raise Http404(str(missing)) from missing


def _period_query(form: ReportPeriodForm) -> str:
    period = form.period if form.is_valid() else None
    return f"?{period.query}" if period else ""


def _waiting(url: str) -> str:
    return f"{url}{'&' if '?' in url else '?'}wait=1"


@login_required
def report_index(request):
    """Every report the reader may download, by kind; the period form above them (a GET form) puts the
    period chosen on every link, or says what is wrong with it."""
    form = ReportPeriodForm(request.GET)
    context = {**reports.report_choices(user=request.user), "form": form, "period_query": _period_query(form)}
    return render(request, "reports/index.html", context, status=200 if form.is_valid() else 400)


@require_http_methods(["GET", "HEAD", "POST"])
@login_required
def report_download(request, kind: str, pk: int):
    """GET: the PDF, or the page that waits for it, or the kept failure. POST (the "Try again" button on the
    failure page): forget the failure and prepare the report again. A period that cannot be: the page says why."""
    form = ReportPeriodForm(request.GET)
    if not form.is_valid():
        _report_or_404(kind, request.user, pk)  # 404 first for what the reader may not see
        context = {"form": form, "action": reverse(f"reports:{kind}", args=[pk])}
        return render(request, "reports/period_refused.html", context, status=400)
    report = _report_or_404(kind, request.user, pk, form.period)
    url = reverse(f"reports:{kind}", args=[pk]) + _period_query(form)
    if request.method == "POST":
        reports.retry(report)
        return redirect(_waiting(url))
    waiting = "wait" in request.GET
    context = {
        "report": report,
        "download_url": url,
        "refresh_url": _waiting(url),
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
