"""A second factor: authenticator apps (TOTP) and passkeys (accounts/passkeys.py) with recovery codes, from
django-otp's devices.

- **Who needs one**: the roles in EXCHANGE_MFA_REQUIRED ("administrator,manager" in production; nobody by
  default elsewhere, so the demo signs in with a password alone), and anyone who has set one up.
- **At sign-in**: the password sign-in is unchanged (django-axes still counts failures); after it, every
  page sends a person who needs a second factor to the check (or, without one, to setting one up) until
  they pass it. The session remembers when they last did (`mfa_verified_at`).
- **Before money moves**: approving, varying or releasing money, and changing an amount, needs a check no
  older than EXCHANGE_MFA_MONEY_MAX_AGE seconds. Pages use `recent_second_factor_required` (a view
  decorator), the API `RecentSecondFactor` (a DRF permission, on the actions a viewset lists in
  `second_factor_actions`), anything else `money_step_refusal(request)`. An API client signed in with a
  token (no session) sends a current code in the `X-Exchange-OTP` header instead.

Every check, success or failure, setting up and removing, is an audit event.
"""

import base64
import time
from functools import wraps
from io import BytesIO

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import user_logged_in
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpResponseRedirect, JsonResponse
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from django_otp_webauthn.models import WebAuthnCredential
from rest_framework.permissions import BasePermission

from . import roles
from .audit import record
from .models import AuditEvent

SESSION_NEEDED = "mfa_needed"
SESSION_VERIFIED_AT = "mfa_verified_at"
RECOVERY_CODES = 10
OTP_HEADER = "HTTP_X_EXCHANGE_OTP"
APP_DEVICE = "Authenticator app"
RECOVERY_DEVICE = "Recovery codes"

ROLE_NAMES = {"administrator", "manager", "funder", "partner"}


def required_roles() -> set[str]:
    return {role.strip().lower() for role in getattr(settings, "EXCHANGE_MFA_REQUIRED", []) if role.strip()}


def is_required(user) -> bool:
    """Whether this person's role obliges them to use a second factor (EXCHANGE_MFA_REQUIRED)."""
    wanted = required_roles()
    if not wanted or not getattr(user, "is_authenticated", False):
        return False
    r = roles.of(user)
    held = {
        "administrator": r.is_admin,
        "manager": bool(r.manager_orgs),
        "funder": r.is_funder,
        "partner": r.is_partner,
    }
    return any(held.get(role, False) for role in wanted)


def app_device(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def has_second_factor(user) -> bool:
    """An authenticator app or a passkey (recovery codes only stand in for one of them)."""
    return (
        TOTPDevice.objects.filter(user=user, confirmed=True).exists()
        or WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()
    )


def needs_check(user) -> bool:
    return is_required(user) or has_second_factor(user)


def recovery_codes_left(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


# The session ------------------------------------------------------------------------------------------------


@receiver(user_logged_in, dispatch_uid="mfa_on_login")
def _on_login(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is not None:
        session[SESSION_NEEDED] = needs_check(user)
        session.pop(SESSION_VERIFIED_AT, None)


def session_needs_check(request) -> bool:
    session = request.session
    if SESSION_NEEDED not in session:  # a session from before this rule, or a role changed since: ask once
        session[SESSION_NEEDED] = needs_check(request.user)
    return bool(session[SESSION_NEEDED])


def verified_at(request) -> float | None:
    session = getattr(request, "session", None)
    return session.get(SESSION_VERIFIED_AT) if session is not None else None


def is_fresh(request) -> bool:
    at = verified_at(request)
    return at is not None and time.time() - at <= max_age()


def mark_verified(request) -> None:
    request.session[SESSION_VERIFIED_AT] = time.time()
    request.session[SESSION_NEEDED] = True


# Checking a code --------------------------------------------------------------------------------------------

WRONG_CODE = (
    "That code is not right. Enter the 6-digit code your authenticator app shows now, or one of your recovery codes."
)
TOO_MANY = "Too many wrong codes. Wait {seconds} seconds, then try again."


def check_code(user, code: str, *, request=None, why: str = "") -> str | None:
    """Verify an authenticator code or a recovery code; None when it is right, else the reason in words.
    django-otp slows down repeated failures (OTP_TOTP_THROTTLE_FACTOR): the wait is said, not hidden."""
    code = "".join(code.split()).lower()
    device = app_device(user)
    if device is None and not recovery_codes_left(user):
        return "You have not set up an authenticator app yet."
    allowed, detail = device.verify_is_allowed() if device is not None else (True, None)
    if not allowed:
        until = (detail or {}).get("locked_until")
        wait = int(until.timestamp() - time.time()) + 1 if until else 1
        record(AuditEvent.Kind.SECOND_FACTOR_FAILED, actor=user, detail=f"Refused: too many wrong codes{why}")
        return TOO_MANY.format(seconds=max(wait, 1))
    if device is not None and code.isdigit() and device.verify_token(code):
        record(
            AuditEvent.Kind.SECOND_FACTOR,
            actor=user,
            detail=f"Checked with the authenticator app{why}",
            request=request,
        )
        return None
    for recovery in StaticDevice.objects.filter(user=user, confirmed=True):
        if recovery.verify_token(code):
            left = recovery_codes_left(user)
            if device is not None:
                device.throttle_reset()
            record(
                AuditEvent.Kind.SECOND_FACTOR,
                actor=user,
                detail=f"Checked with a recovery code ({left} left){why}",
                request=request,
            )
            return None
    if device is not None and not code.isdigit():
        device.throttle_increment()
    record(AuditEvent.Kind.SECOND_FACTOR_FAILED, actor=user, detail=f"Wrong code{why}", request=request)
    return WRONG_CODE


class TooSoon(Exception):
    """Codes are being tried too fast (django-otp's throttle); the message says how long to wait."""


# Setting up and removing ------------------------------------------------------------------------------------


def pending_device(user) -> TOTPDevice:
    """The authenticator being set up (not yet confirmed): the same key until it is confirmed or replaced."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE, confirmed=False)
    return device


def provisioning_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// address as an inline SVG QR code (the key is shown as text beside it too)."""
    import qrcode
    import qrcode.image.svg

    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    out = BytesIO()
    image.save(out)
    svg = out.getvalue().decode()
    return svg[svg.index("<svg") :]


def secret_text(device: TOTPDevice) -> str:
    key = base64.b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(key[i : i + 4] for i in range(0, len(key), 4))


@transaction.atomic
def confirm_app(*, user, device: TOTPDevice, code: str, request=None) -> list[str] | None:
    """Confirm a new authenticator with its first code; returns the new recovery codes, or None if wrong."""
    device = TOTPDevice.objects.select_for_update().get(pk=device.pk, user=user)
    allowed, detail = device.verify_is_allowed()
    if not allowed:
        until = (detail or {}).get("locked_until")
        raise TooSoon(TOO_MANY.format(seconds=int(until.timestamp() - time.time()) + 1 if until else 1))
    if not device.verify_token("".join(code.split())):
        record(AuditEvent.Kind.SECOND_FACTOR_FAILED, actor=user, detail="Wrong code setting up", request=request)
        return None
    TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    record(AuditEvent.Kind.SECOND_FACTOR, actor=user, detail="Authenticator app set up", request=request)
    return new_recovery_codes(user=user, request=request)


def new_recovery_codes(*, user, request=None) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    record(
        AuditEvent.Kind.SECOND_FACTOR,
        actor=user,
        detail=f"{RECOVERY_CODES} new recovery codes made (the old ones no longer work)",
        request=request,
    )
    return codes


def remove(*, user, actor, request=None, app_only: bool = False) -> None:
    """Remove the person's second factor: everything (an administrator's removal), or, `app_only`, their
    authenticator app (their recovery codes too, unless a passkey still needs them)."""
    TOTPDevice.objects.filter(user=user).delete()
    if not app_only:
        WebAuthnCredential.objects.filter(user=user).delete()
    if not WebAuthnCredential.objects.filter(user=user).exists():
        StaticDevice.objects.filter(user=user).delete()
    record(
        AuditEvent.Kind.SECOND_FACTOR,
        actor=actor,
        username=user.get_username(),
        detail=("Authenticator app removed" if app_only else "Second factor removed")
        + ("" if actor is None or actor.pk == user.pk else f" (by {actor.get_username()})"),
        request=request,
    )


# The door: every page, and money steps ----------------------------------------------------------------------

EXEMPT_PREFIXES = (
    "/accounts/second-factor/",
    "/accounts/logout/",
    "/accounts/login/",
    "/admin/logout/",
    "/static/",
    "/privacy/",
    "/accessibility/",
    "/healthz",
)


class SecondFactorMiddleware:
    """A person who needs a second factor reaches nothing but the check (or the set-up) until they pass it.
    Reads only the session, so pages cost no extra query."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if (
            user is not None
            and user.is_authenticated
            and not request.path.startswith(EXEMPT_PREFIXES)
            and verified_at(request) is None
            and session_needs_check(request)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse({"detail": "Confirm it is you with your second factor first."}, status=403)
            target = "accounts:second_factor_check" if has_second_factor(user) else "accounts:second_factor"
            return HttpResponseRedirect(f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


def max_age() -> int:
    return int(getattr(settings, "EXCHANGE_MFA_MONEY_MAX_AGE", 900))


def money_step_refusal(request) -> str | None:
    """None when this request may move money now; otherwise what the person must do first."""
    user = request.user
    if not needs_check(user):
        return None
    if getattr(request, "session", None) is not None and not _token_request(request):
        at = verified_at(request)
        if at is not None and time.time() - at <= max_age():
            return None
        minutes = max(max_age() // 60, 1)
        return (
            "Approving, varying or releasing money needs a fresh check of your second factor "
            f"(at most {minutes} minutes old). Use your passkey or a code from your authenticator app, then take the "
            "step again."
        )
    code = request.META.get(OTP_HEADER, "")
    if not code:
        return "This step moves money: send a current code from your authenticator app in the X-Exchange-OTP header."
    return check_code(user, code, request=request, why=" (API money step)")


def _token_request(request) -> bool:
    auth = getattr(request, "auth", None) or getattr(getattr(request, "_request", None), "auth", None)
    return auth is not None


def _safe_back(request) -> str:
    back = request.META.get("HTTP_REFERER", "")
    if back and url_has_allowed_host_and_scheme(back, {request.get_host()}, require_https=request.is_secure()):
        return back
    return "/"


def recent_second_factor_required(
    view=None, *, steps: set[str] | None = None, step_kwarg: str = "name", methods: frozenset[str] = frozenset({"POST"})
):
    """For a page that moves money: a POST (for one of `steps`, if given) without a recent second-factor check
    goes to the check, with the reason, and back to the page it came from afterwards. GETs pass through, unless
    `methods` names GET too (a download of money to be paid: back to the page that linked to it)."""

    def decorate(func):
        @wraps(func)
        def wrapper(request, *args, **kwargs):
            if request.method in methods and (steps is None or kwargs.get(step_kwarg) in steps):
                refusal = money_step_refusal(request)
                if refusal:
                    messages.error(request, refusal)
                    back = _safe_back(request) if request.method == "POST" or "HTTP_REFERER" in request.META else ""
                    check = reverse("accounts:second_factor_check")
                    return HttpResponseRedirect(f"{check}?{urlencode({'next': back or request.get_full_path()})}")
            return func(request, *args, **kwargs)

        return wrapper

    return decorate(view) if view is not None else decorate


class RecentSecondFactor(BasePermission):
    """For the API actions a viewset names in `second_factor_actions`: refused (403, with the reason) without a
    recent check (session) or a current code in X-Exchange-OTP (token). Checked on the object, after the
    scope: a record outside a person's scope is still a 404."""

    message = "This step needs a recent check of your second factor."

    def has_permission(self, request, view):
        # An action on no one record (making a payment run: "create") is checked here; the others on the object.
        if getattr(view, "detail", True) or not self._named(view):
            return True
        return self._passes(request)

    def has_object_permission(self, request, view, obj):
        return not self._named(view) or self._passes(request)

    @staticmethod
    def _named(view) -> bool:
        # A generated transition action is named "transition_<step>" (workflow.apis.viewsets).
        action = (getattr(view, "action", None) or "").removeprefix("transition_")
        return action in getattr(view, "second_factor_actions", ())

    def _passes(self, request) -> bool:
        refusal = money_step_refusal(request)
        if refusal:
            self.message = refusal
            return False
        return True
