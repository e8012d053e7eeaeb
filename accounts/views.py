"""Pages about a person's own account: what Exchange holds about them (and the download of it), their second
factor, and the public privacy notice and accessibility statement."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import Http404, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.cache import never_cache

from . import membership_requests as requesting
from . import mfa, passkeys, personal_data, roles, sso
from .models import OrganisationMembership


@login_required
def account(request):
    return render(
        request,
        "accounts/account.html",
        {
            "memberships": OrganisationMembership.objects.filter(user=request.user).select_related("organisation"),
            "second_factor": mfa.has_second_factor(request.user),
            "second_factor_required": mfa.is_required(request.user),
            "waiting": requesting.pending_for(user=request.user).count() if roles.of(request.user).is_manager else 0,
        },
    )


@never_cache
@login_required
def my_data(request):
    """GET: what is held and how to get it; POST: the file itself (a POST, so only the person's own click
    makes an export and its audit entry)."""
    if request.method == "POST":
        text = personal_data.export_recorded(user=request.user, actor=request.user, request=request, how="web page")
        name = f"exchange-personal-data-{request.user.get_username()}-{timezone.localdate():%Y-%m-%d}.json"
        response = HttpResponse(text, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET", "POST"])
    return render(request, "accounts/my_data.html", {"retention": retention_settings()})


def retention_settings() -> dict:
    return {
        "draft_days": settings.EXCHANGE_RETENTION_DRAFT_DAYS,
        "idle_days": settings.EXCHANGE_RETENTION_IDLE_DAYS,
    }


def privacy(request):
    return render(request, "accounts/privacy.html", {"retention": retention_settings()})


def accessibility(request):
    return render(request, "accounts/accessibility.html")


# Second factor ----------------------------------------------------------------------------------------------


class CodeForm(forms.Form):
    code = forms.CharField(
        label="Code",
        max_length=20,
        help_text="The 6-digit code your authenticator app shows now, or one of your recovery codes.",
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "spellcheck": "false"}),
        error_messages={"required": "Enter the code from your authenticator app."},
    )


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse("home")


def _fresh(request) -> bool:
    return mfa.is_fresh(request)


MANAGING = {"codes", "remove", "remove_passkey"}


def _ask_for_a_check_first(request):
    messages.error(request, "Confirm it is you with your second factor first, then try again.")
    check = reverse("accounts:second_factor_check")
    return redirect(f"{check}?{urlencode({'next': reverse('accounts:second_factor')})}")


@never_cache
@login_required
def second_factor(request):
    """Set up a second factor (an authenticator app: QR code or key, then its first code; or a passkey), or
    manage the ones you have: recovery codes, passkeys, removal. Changing what you have needs a fresh check."""
    user = request.user
    action = request.POST.get("action", "") if request.method == "POST" else ""
    adding_app = request.GET.get("add") == "app" or action == "confirm"
    has_factor = mfa.has_second_factor(user)
    if has_factor and (action in MANAGING or adding_app) and not _fresh(request):
        return _ask_for_a_check_first(request)
    if action in MANAGING:
        return _manage(request, action)
    if has_factor and not adding_app:
        return render(
            request,
            "accounts/second_factor.html",
            {
                "device": mfa.app_device(user),
                "codes_left": mfa.recovery_codes_left(user),
                "fresh": _fresh(request),
                "passkeys": list(passkeys.passkeys_of(user)),
            },
        )
    return _set_up_app(request, action)


def _manage(request, action: str):
    user = request.user
    if action == "codes":
        codes = mfa.new_recovery_codes(user=user, request=request)
        return render(request, "accounts/second_factor_codes.html", {"codes": codes})
    if action == "remove":
        mfa.remove(user=user, actor=user, request=request, app_only=True)
        messages.success(request, "Your authenticator app is removed.")
    elif passkeys.passkey_remove(user=user, passkey_id=request.POST.get("passkey", ""), request=request):
        messages.success(request, "The passkey is removed. Remove it from your device too.")
    else:
        messages.error(request, "There is no such passkey on your account.")
    if not mfa.has_second_factor(user):
        request.session.pop(mfa.SESSION_VERIFIED_AT, None)
        request.session[mfa.SESSION_NEEDED] = mfa.is_required(user)
    return redirect("accounts:second_factor")


def _set_up_app(request, action: str):
    user = request.user
    device = mfa.pending_device(user)
    form = CodeForm(request.POST if action == "confirm" else None)
    if action == "confirm" and form.is_valid():
        try:
            codes = mfa.confirm_app(user=user, device=device, code=form.cleaned_data["code"], request=request)
        except mfa.TooSoon as wait:
            form.add_error("code", str(wait))
            codes = None
            wrong = False
        else:
            wrong = codes is None
        if codes is not None:
            mfa.mark_verified(request)
            return render(
                request, "accounts/second_factor_codes.html", {"codes": codes, "next": _next_url(request), "new": True}
            )
        if wrong:
            form.add_error("code", "That code is not right. Enter the 6-digit code your app shows now.")
    return render(
        request,
        "accounts/second_factor_setup.html",
        {
            "form": form,
            "qr": mfa.provisioning_qr_svg(device),
            "secret": mfa.secret_text(device),
            "required": mfa.is_required(user),
            "next": request.GET.get("next", ""),
            "first": not mfa.has_second_factor(user),
        },
    )


@never_cache
@login_required
def second_factor_check(request):
    """The check at sign-in, and the fresh check before money moves."""
    if not mfa.has_second_factor(request.user):
        return redirect(f"{reverse('accounts:second_factor')}?{urlencode({'next': _next_url(request)})}")
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        problem = mfa.check_code(request.user, form.cleaned_data["code"], request=request)
        if problem is None:
            mfa.mark_verified(request)
            return redirect(_next_url(request))
        form.add_error("code", problem)
    return render(
        request,
        "accounts/second_factor_check.html",
        {
            "form": form,
            "next": _next_url(request),
            "has_app": mfa.app_device(request.user) is not None,
            "has_passkey": passkeys.has_passkey(request.user),
        },
    )


# Sign-in and single sign-on -----------------------------------------------------------------------------------


class SignInForm(AuthenticationForm):
    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        refusal = sso.password_sign_in_refusal(user)
        if refusal:
            raise forms.ValidationError(refusal, code="sso_only")


class SignInView(auth_views.LoginView):
    authentication_form = SignInForm

    def get_context_data(self, **kwargs):
        return super().get_context_data(**kwargs) | {"sso_providers": sso.configured_providers()}


def account_inactive(request):
    return render(request, "accounts/sso_refused.html", {"reason": INACTIVE}, status=403)


INACTIVE = "This account is switched off. Ask your programme's administrator to switch it back on."


class DecisionForm(forms.Form):
    role = forms.ChoiceField(
        label="Role",
        choices=[
            (OrganisationMembership.Role.PARTNER, "Partner"),
            (OrganisationMembership.Role.FUNDER, "Funder"),
            (OrganisationMembership.Role.MANAGER, "Programme manager"),
        ],
    )


@login_required
def membership_requests(request):
    """People who signed in through single sign-on from an organisation's domain, waiting for a role."""
    pending = requesting.pending_for(user=request.user)
    if request.method == "POST":
        chosen = get_visible_or_404(pending, pk=request.POST.get("request"))
        if request.POST.get("decision") == "decline":
            requesting.request_decline(request_=chosen, actor=request.user, request=request)
            messages.success(request, f"{chosen.user.get_username()}'s request is declined.")
        else:
            form = DecisionForm(request.POST)
            if form.is_valid():
                requesting.request_confirm(
                    request_=chosen, role=form.cleaned_data["role"], actor=request.user, request=request
                )
                messages.success(
                    request, f"{chosen.user.get_username()} is now a member of {chosen.organisation.name}."
                )
            else:
                messages.error(request, "Choose the role this person has in the organisation.")
        return redirect("accounts:membership_requests")
    return render(request, "accounts/membership_requests.html", {"pending": list(pending), "form": DecisionForm()})


def get_visible_or_404(queryset, **lookup):
    try:
        return queryset.get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError) as missing:
        raise Http404("Not found") from missing
