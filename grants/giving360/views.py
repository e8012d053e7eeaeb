"""The manager's 360Giving page: the Data Quality Tool's checks on what would be published (the awards
they may see), and the download of the file, held back while a critical check fails unless they insist."""

import json
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST

from accounts import roles
from partnerships.importing import check_import_size, format_for
from workflow.views import require_role

from . import quality
from .admin_views import Import360Form, keep_rejected, keep_upload, rejected_download, take_upload
from .importing import import_grants
from .publishing import VERSION, flat_dataset, grant, package, published_awards
from .reading import read_bytes

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


# Importing a funder's file on the page: choose it, see the preview, import ------------------------------


@login_required
def import_page(request):
    """The admin's 360Giving import, on the page: the same form, preview and choices (all of it, or the rows
    that are right), the same rule (administrators and managers; a manager only into what they manage)."""
    require_role(request, roles.of(request.user).is_manager, "programme managers import 360Giving data")
    if request.method == "POST" and request.POST.get("token"):
        return _import_confirm(request)
    form = Import360Form(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        options = {"as_awarded": bool(form.cleaned_data["as_awarded"]), "programme": form.cleaned_data["programme"]}
        try:
            check_import_size(upload.name, upload.size)
            data = upload.read()
            source = read_bytes(data, Path(upload.name).name)
        except ValueError as error:
            form.add_error("file", str(error))
        else:
            outcome = import_grants(source, actor=request.user, dry_run=True, **options)
            token = keep_upload(request, data, source.name, options)
            checks = quality.failed(quality.run_checks(source.grants))  # what publishing them would show
            context = {
                "outcome": outcome,
                "token": token,
                "accuracy": [r for r in checks if r.check.kind == "accuracy"],
                "usefulness": [r for r in checks if r.check.kind == "usefulness"],
            }
            return render(request, "grants/giving360_import.html", context)
    return render(request, "grants/giving360_import.html", {"form": form}, status=400 if form.errors else 200)


def _import_confirm(request):
    token = request.POST["token"]
    kept = take_upload(request, token)
    if kept is None:
        messages.error(request, "That import was already done or has expired: choose the file again.")
        return redirect("grants:giving360_import")
    source, options = kept
    skip = request.POST.get("mode") == "skip"
    outcome = import_grants(source, actor=request.user, skip_bad_rows=skip, **options)
    if outcome.problems and not (skip and all(p.row for p in outcome.problems)):
        return render(request, "grants/giving360_import.html", {"outcome": outcome}, status=400)
    if outcome.bad_rows:
        keep_rejected(request, token, source, outcome)
        link = reverse("grants:giving360_import_problems", args=[token])
        messages.warning(
            request,
            format_html("{} <a class='govuk-link' href='{}'>Download the rows left out</a>.", outcome.summary(), link),
        )
    else:
        messages.success(request, outcome.summary())
    return redirect("grants:giving360_quality")


@login_required
def import_problems(request, token: str):
    require_role(request, roles.of(request.user).is_manager, "programme managers import 360Giving data")
    return rejected_download(request, token)
