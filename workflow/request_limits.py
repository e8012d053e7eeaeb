"""Request bodies refused from their Content-Length, before a byte is read.

Django reads a whole multipart upload (spooling it to a temporary file past FILE_UPLOAD_MAX_MEMORY_SIZE)
before a form or serializer can look at its size, and CsrfViewMiddleware reads request.POST before any
view runs: so a 60 MB file sent to a 10 MB limit used to be received whole first. This middleware
answers 413 at once when the declared length is over the limit of the view the URL resolves to:

- a view marked with @body_limit(<setting name>) (evidence uploads: EVIDENCE_MAX_BYTES), and the
  admin's import (IMPORT_MAX_BYTES), get their limit plus room for the form around the file;
- any other admin page gets the evidence limit (its forms may carry an evidence file);
- everything else gets DATA_UPLOAD_MAX_MEMORY_SIZE plus the same room (Django enforces that for forms,
  but not for the JSON DRF reads).
"""

from django.conf import settings
from django.http import HttpResponse, JsonResponse
from django.urls import Resolver404, resolve

FORM_ROOM = 256 * 1024  # the multipart envelope and the form's other fields
TOO_LARGE = "That is too large to send here ({size} MB; at most {limit} MB). Nothing was saved."


def body_limit(setting: str):
    """Mark a view (or a DRF action) as taking bodies up to settings.<setting> bytes."""

    def mark(view):
        view.max_body_setting = setting
        return view

    return mark


def _declared_setting(match) -> str | None:
    func = match.func
    setting = getattr(func, "max_body_setting", None)
    if setting is None and hasattr(func, "cls"):  # a DRF view: the handler of each method may be marked
        for handler in (getattr(func, "actions", None) or {}).values():
            setting = getattr(getattr(func.cls, handler, None), "max_body_setting", None) or setting
    return setting


def limit_for(path: str) -> int:
    try:
        match = resolve(path)
    except Resolver404:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FORM_ROOM
    setting = _declared_setting(match)
    if setting is None and match.namespace == "admin":
        setting = "IMPORT_MAX_BYTES" if (match.url_name or "").endswith("_import") else "EVIDENCE_MAX_BYTES"
    if setting is None:
        return settings.DATA_UPLOAD_MAX_MEMORY_SIZE + FORM_ROOM
    return int(getattr(settings, setting)) + FORM_ROOM


class RequestBodyLimitMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length:
            limit = limit_for(request.path_info)
            if length > limit:
                return self._refuse(request, length, limit)
        return self.get_response(request)

    @staticmethod
    def _refuse(request, length: int, limit: int):
        message = TOO_LARGE.format(
            size=round(length / 1024 / 1024, 1), limit=round((limit - FORM_ROOM) / 1024 / 1024, 1)
        )
        if request.path_info.startswith("/api/"):
            response = JsonResponse({"detail": message}, status=413)
        else:
            response = HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        response["Connection"] = "close"  # the unread body is not worth reading to keep the connection
        return response
