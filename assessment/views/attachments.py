"""An application's attachments on the pages: added and removed by the team, downloaded by those the one
scope allows (assessment.scopes.attachment_scope: never a conflicted person, never a blind call's assessor)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_POST

from workflow.errors import TransitionRefused
from workflow.request_limits import body_limit
from workflow.views import get_visible_or_404, refused

from .. import forms, selectors, services
from .common import _application, _form_errors


@body_limit("EVIDENCE_MAX_BYTES")  # the form carries a file
@login_required
@require_POST
def attachment_add(request, pk):
    application = _application(request, pk)
    back = reverse("assessment:application_detail", args=[application.pk]) + "#attachments"
    form = forms.AttachmentForm(request.POST, request.FILES)
    if not form.is_valid():
        return refused(request, ValidationError(_form_errors(form)), back)
    try:
        attachment = services.attachment_add(
            application=application,
            actor=request.user,
            upload=form.cleaned_data["file"],
            description=form.cleaned_data["description"],
        )
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    messages.success(request, f"“{attachment.original_name}” is attached.")
    return redirect(back)


@login_required
def attachment_download(request, pk):
    attachment = get_visible_or_404(selectors.attachment_list(user=request.user), pk=pk)
    try:
        handle = attachment.file.open("rb")
    except FileNotFoundError as error:
        raise Http404("The file is missing from storage.") from error
    response = FileResponse(
        handle, as_attachment=True, filename=attachment.original_name, content_type=attachment.content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@login_required
@require_POST
def attachment_remove(request, pk):
    attachment = get_visible_or_404(selectors.attachment_list(user=request.user), pk=pk)
    back = reverse("assessment:application_detail", args=[attachment.application_id]) + "#attachments"
    try:
        services.attachment_remove(attachment=attachment, actor=request.user)
    except (TransitionRefused, ValidationError) as error:
        return refused(request, error, back)
    messages.success(request, f"“{attachment.original_name}” is removed.")
    return redirect(back)
