"""The web side of taking a step: one POST handler every page uses, so a refused step
always comes back to the page with its reason."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseNotAllowed, HttpResponseRedirect

from .errors import TransitionRefused
from .pagination import paginate as capped
from .services import done_message, transition_info


def take_transition(request, *, obj, name: str, run, next_url: str):
    """Run `run(obj, name, actor, note)` (a service) for a POSTed step and redirect to `next_url`
    with a success message, or with the refusal reason as an error message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        info = transition_info(obj, name)
        run(obj, name, request.user, request.POST.get("note", ""))
    except (TransitionRefused, ValidationError) as error:
        messages.error(request, reason_of(error))
    else:
        messages.success(request, done_message(obj, info))
    return HttpResponseRedirect(next_url)


def paginate(request, queryset, per_page: int = 25, count: int | None = None):
    """One page of `queryset` for ?page= (a capped count and a slice: two queries whatever the size)."""
    return capped(request, queryset, per_page, count=count)


def get_visible_or_404(queryset, **lookup):
    """The object from a selector's scoped queryset, or 404: outside a person's scope is as if absent."""
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError) as missing:
        raise Http404("Not found") from missing


def refusal_into_form(form, error) -> None:
    """Show a service's refusal (TransitionRefused or a model ValidationError) in the form's error summary,
    keeping what the person typed."""
    if isinstance(error, TransitionRefused):
        form.add_error(None, error.reason)
        return
    if isinstance(error, ValidationError) and hasattr(error, "error_dict"):
        # A form may name the service's keys differently (`service_field_map`, e.g. "results" -> a field).
        field_map = getattr(form, "service_field_map", {})
        for key, messages_ in error.message_dict.items():
            field = field_map.get(key, key)
            form.add_error(field if field in form.fields else None, messages_)
        return
    form.add_error(None, error.messages if isinstance(error, ValidationError) else str(error))


def reason_of(error: TransitionRefused | ValidationError) -> str:
    """The words of a refusal (a state conflict or a permission) or of bad input (a ValidationError)."""
    if isinstance(error, TransitionRefused):
        return error.reason
    return " ".join(error.messages)


def refused(request, refusal: TransitionRefused | ValidationError, next_url: str):
    """Back to `next_url` with the reason a page cannot be used, instead of a form that would only fail."""
    messages.error(request, reason_of(refusal))
    return HttpResponseRedirect(next_url)


def require_role(request, allowed: bool, what: str) -> None:
    """403 when the person's role cannot use a page at all (a funder setting up a programme)."""
    if not allowed:
        raise PermissionDenied(f"Only {what}.")
