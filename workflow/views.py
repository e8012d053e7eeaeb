"""The web side of taking a step: one POST handler every page uses, so a refused step
always comes back to the page with its reason."""

from django.contrib import messages
from django.http import HttpResponseNotAllowed, HttpResponseRedirect

from .errors import TransitionRefused
from .services import transition_info


def take_transition(request, *, obj, name: str, run, next_url: str):
    """Run `run(obj, name, actor, note)` (a service) for a POSTed step and redirect to `next_url`
    with a success message, or with the refusal reason as an error message."""
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        info = transition_info(obj, name)
        run(obj, name, request.user, request.POST.get("note", ""))
    except TransitionRefused as refusal:
        messages.error(request, refusal.reason)
    else:
        messages.success(request, f"{info.label}: done.")
    return HttpResponseRedirect(next_url)
