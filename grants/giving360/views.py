"""The manager's 360Giving page: the Data Quality Tool's checks on what would be published (the awards
they may see), and the download of the file, held back while a critical check fails unless they insist."""

import json

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from accounts import roles
from partnerships.importing import format_for
from workflow.views import require_role

from . import quality
from .publishing import VERSION, flat_dataset, grant, package, published_awards

FORMATS = {
    "json": "application/json",
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _checked(user):
    awards = list(published_awards(user=user).select_related("recipient__local_authority", "programme__funder"))
    results = quality.run_checks([grant(a) for a in awards])
    return awards, results


@login_required
def quality_page(request):
    require_role(request, roles.of(request.user).is_manager, "programme managers publish 360Giving data")
    awards, results = _checked(request.user)
    return render(request, "grants/giving360_quality.html", _context(awards, results))


def _context(awards, results, **extra):
    return {
        "total": len(awards),
        "accuracy": [r for r in results if r.check.kind == "accuracy"],
        "usefulness": [r for r in results if r.check.kind == "usefulness"],
        "critical": quality.critical(results),
        "version": VERSION,
        **extra,
    }


@login_required
@require_POST
def publish(request):
    require_role(request, roles.of(request.user).is_manager, "programme managers publish 360Giving data")
    kind = request.POST.get("format", "json")
    if kind not in FORMATS:
        kind = "json"
    awards, results = _checked(request.user)
    if quality.critical(results) and request.POST.get("force") != "yes":
        context = _context(awards, results, refused=True)
        return render(request, "grants/giving360_quality.html", context, status=409)
    if kind == "json":
        content = json.dumps(package(awards), indent=2, ensure_ascii=False).encode("utf-8")
    else:
        data = format_for(f"grants.{kind}").export_data(flat_dataset(awards))
        content = data if isinstance(data, bytes) else data.encode("utf-8")
    response = HttpResponse(content, content_type=FORMATS[kind])
    response["Content-Disposition"] = f'attachment; filename="360giving-grants.{kind}"'
    return response
