"""The admin's Import of a 360Giving file: choose the file and how it comes in, see the preview (what is
new, what is rounded, the problems grouped by cause), then import it all — or, beside the preview, the
rows that are right, with the others offered as a file to correct and import again. Problems are always
sentences, never a traceback."""

from __future__ import annotations

import secrets
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.html import format_html

from partnerships.importing import check_import_size

from .errors_file import rejected_content
from .importing import import_grants
from .reading import read_bytes

SESSION_KEY = "giving360_imports"
FOLDER = "imports/360giving"


class Import360Form(forms.Form):
    file = forms.FileField(label="360Giving file", help_text="A JSON data package, or the flat .csv or .xlsx.")
    as_awarded = forms.TypedChoiceField(
        label="How the grants come in",
        choices=[
            ("", "As applications: draft awards to assess"),
            ("yes", "As awarded: grants the funder has already made (approved, active or closed by their dates)"),
        ],
        widget=forms.RadioSelect,
        required=False,
        coerce=bool,
    )
    programme = forms.CharField(
        label="Programme (optional)",
        required=False,
        max_length=200,
        help_text="Put every grant in this programme (created if new). Empty: the file's Grant Programme.",
    )


def _context(model_admin, request, **extra) -> dict:
    return {
        **model_admin.admin_site.each_context(request),
        "opts": model_admin.model._meta,
        "title": "Import a 360Giving file",
        **extra,
    }


def _kept(request) -> dict:
    return request.session.setdefault(SESSION_KEY, {})


# Between the preview and the import (the admin and the page alike): the file kept under a token in the
# person's session, read again on confirm, and the rows left out offered for download afterwards.


def keep_upload(request, data: bytes, name: str, options: dict) -> str:
    token = secrets.token_hex(16)
    path = default_storage.save(f"{FOLDER}/{token}{Path(name).suffix.lower()}", ContentFile(data))
    _kept(request)[token] = {"path": path, "name": name, **options}
    request.session.modified = True
    return token


def take_upload(request, token: str):
    """(the source, its options) kept under `token`, once; None when already used or expired."""
    kept = _kept(request).pop(token, None)
    request.session.modified = True
    if kept is None or not default_storage.exists(kept["path"]):
        return None
    with default_storage.open(kept["path"], "rb") as stored:
        data = stored.read()
    default_storage.delete(kept["path"])
    return read_bytes(data, kept["name"]), {"as_awarded": kept["as_awarded"], "programme": kept["programme"]}


def keep_rejected(request, token: str, source, outcome) -> None:
    content, suffix = rejected_content(source, outcome.problems)
    path = default_storage.save(f"{FOLDER}/{token}-problems{suffix}", ContentFile(content))
    request.session.setdefault(SESSION_KEY + "_problems", {})[token] = {
        "path": path,
        "name": f"{Path(source.name).stem}-problems{suffix}",
    }
    request.session.modified = True


def rejected_download(request, token: str):
    kept = request.session.get(SESSION_KEY + "_problems", {}).get(token)
    if kept is None or not default_storage.exists(kept["path"]):
        raise Http404("No such file")
    return FileResponse(default_storage.open(kept["path"], "rb"), as_attachment=True, filename=kept["name"])


def import_view(model_admin, request):
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    if request.method == "POST" and request.POST.get("token"):
        return _confirm(model_admin, request)
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
            return render(
                request,
                "admin/grants/import_360giving.html",
                _context(model_admin, request, outcome=outcome, token=token),
            )
    return render(request, "admin/grants/import_360giving.html", _context(model_admin, request, form=form))


def _confirm(model_admin, request):
    token = request.POST["token"]
    kept = take_upload(request, token)
    again = reverse(f"admin:{model_admin.model._meta.app_label}_award_import_360giving")
    if kept is None:
        messages.error(request, "That import was already done or has expired: choose the file again.")
        return HttpResponseRedirect(again)
    source, options = kept
    skip = request.POST.get("mode") == "skip"
    outcome = import_grants(source, actor=request.user, skip_bad_rows=skip, **options)
    if outcome.problems and not (skip and all(p.row for p in outcome.problems)):
        return render(request, "admin/grants/import_360giving.html", _context(model_admin, request, outcome=outcome))
    text = outcome.summary()
    if outcome.bad_rows:
        keep_rejected(request, token, source, outcome)
        link = reverse(f"admin:{model_admin.model._meta.app_label}_award_import_360giving_problems", args=[token])
        messages.warning(
            request, format_html("{} <a href='{}'>Download the rows left out, with their reasons</a>.", text, link)
        )
    else:
        messages.success(request, text)
    return HttpResponseRedirect(reverse(f"admin:{model_admin.model._meta.app_label}_award_changelist"))


def problems_download(model_admin, request, token: str):
    if not model_admin.has_import_permission(request):
        raise PermissionDenied
    return rejected_download(request, token)
