"""Passkeys (WebAuthn) as a second factor, beside the authenticator app (accounts/mfa.py).

django-otp-webauthn holds the passkeys (its `WebAuthnCredential`, a django-otp device), checks the browser's
answers with py_webauthn (signature, challenge, origin, relying party, counter) and ships the browser script.
Exchange wraps its four ceremony views so that:

- a passkey is a second factor only: the person has signed in with their password or single sign-on first
  (`OTP_WEBAUTHN_ALLOW_PASSWORDLESS_LOGIN = False`, and these views refuse anyone not signed in);
- adding one, when the person already has a second factor, needs a recent check first (else a stolen password
  and an open session would be enough to add the thief's own passkey);
- a check with a passkey counts as the check at sign-in and as the fresh check before money moves
  (`mfa.mark_verified`);
- every passkey added, used, refused and removed is an audit event, like the authenticator app's.

Passkeys need JavaScript (the browser's WebAuthn API): the pages say so, and everything else on them works
without it. An API client signed in with a token sends an authenticator code (X-Exchange-OTP) instead.
"""

from logging import getLogger

from django.conf import settings
from django.db import transaction
from django.http import JsonResponse
from django.http.request import split_domain_port
from django.urls import reverse
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp_webauthn import exceptions
from django_otp_webauthn.helpers import WebAuthnHelper
from django_otp_webauthn.models import WebAuthnCredential
from django_otp_webauthn.utils import rewrite_exceptions
from django_otp_webauthn.views import (
    BeginCredentialAuthenticationView,
    BeginCredentialRegistrationView,
    CompleteCredentialAuthenticationView,
    CompleteCredentialRegistrationView,
)

from . import mfa
from .audit import record
from .models import AuditEvent

logger = getLogger("django_otp_webauthn")

NOT_FRESH = "Confirm it is you with your second factor first (a code or a passkey you already have), then add one."
NOT_SIGNED_IN = "Sign in with your password first: a passkey is your second factor, not a way in on its own."
NO_PASSKEY = "You have no passkey on this account. Use a code from your authenticator app or a recovery code."
BAD_ANSWER = "Your browser's answer could not be read. Try again."


def relying_party_id(request) -> str:
    """The domain passkeys are bound to: PASSKEY_RP_ID, or the host this request came to (ALLOWED_HOSTS)."""
    if settings.OTP_WEBAUTHN_RP_ID:
        return settings.OTP_WEBAUTHN_RP_ID
    domain, _ = split_domain_port(request.get_host())
    return domain


class PasskeyHelper(WebAuthnHelper):
    """The library's helper, also accepting the address of the site itself (its host is in ALLOWED_HOSTS) as the
    origin: a phishing site's page has its own origin in the signed client data, so it is still refused."""

    def get_allowed_origins(self) -> list[str]:
        own = f"{self.request.scheme}://{self.request.get_host()}"
        return [*settings.OTP_WEBAUTHN_ALLOWED_ORIGINS, own]


def passkeys_of(user):
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).order_by("created_at", "pk")


def has_passkey(user) -> bool:
    return WebAuthnCredential.objects.filter(user=user, confirmed=True).exists()


def passkey_remove(*, user, passkey_id, request=None) -> bool:
    """Remove one of `user`'s own passkeys; False when there is no such passkey of theirs."""
    passkey = WebAuthnCredential.objects.filter(user=user, pk=passkey_id).first() if str(passkey_id).isdigit() else None
    if passkey is None:
        return False
    with transaction.atomic():
        passkey.delete()
        if not mfa.has_second_factor(user):  # the last one: recovery codes stand in for nothing now
            StaticDevice.objects.filter(user=user).delete()
        record(AuditEvent.Kind.SECOND_FACTOR, actor=user, detail=f"Passkey removed ({passkey.name})", request=request)
    return True


# The ceremonies ---------------------------------------------------------------------------------------------


class _Answers:
    """Refusals as JSON with the reason in words, each failed check an audit event; bad input is a 400."""

    failure = "Passkey refused"

    def handle_exception(self, exc):
        if isinstance(exc, (ValueError, KeyError, TypeError, AttributeError)):
            exc = exceptions.MalformedRequest(detail=BAD_ANSWER)
        if isinstance(exc, exceptions.OTPWebAuthnApiError) and self.request.user.is_authenticated:
            record(
                AuditEvent.Kind.SECOND_FACTOR_FAILED,
                actor=self.request.user,
                detail=f"{self.failure}: {exc}"[:500],
                request=self.request,
            )
        return super().handle_exception(exc)


class _AddingChecks:
    def _check_user_verified(self, user) -> None:
        # The library asks django-otp's middleware; Exchange keeps the check's time in the session (mfa.py).
        if mfa.has_second_factor(user) and not mfa.is_fresh(self.request):
            raise exceptions.NotVerified(detail=NOT_FRESH)


class RegisterBegin(_Answers, _AddingChecks, BeginCredentialRegistrationView):
    failure = "Passkey not added"


class RegisterComplete(_Answers, _AddingChecks, CompleteCredentialRegistrationView):
    failure = "Passkey not added"

    def post(self, *args, **kwargs):
        user = self.get_user()
        state = self.get_state()
        taken = set(passkeys_of(user).values_list("name", flat=True))
        number = len(taken) + 1
        while f"Passkey {number}" in taken:  # after a removal: "Passkey 3" beside "Passkey 2", never two of one
            number += 1
        with rewrite_exceptions(logger=logger):
            with transaction.atomic():
                passkey = self.get_helper().register_complete(user=user, state=state, data=self.request.data)
                passkey.name = f"Passkey {number}"
                passkey.save(update_fields=["name"])
        record(
            AuditEvent.Kind.SECOND_FACTOR, actor=user, detail=f"Passkey added ({passkey.name})", request=self.request
        )
        mfa.mark_verified(self.request)
        return JsonResponse({"id": passkey.pk, "redirect_url": reverse("accounts:second_factor")})


class _SignedInOnly:
    def check_can_authenticate(self) -> None:
        user = self.get_user()
        if user is None or not user.is_active:
            raise exceptions.NotAuthenticated(detail=NOT_SIGNED_IN)
        if not has_passkey(user):
            raise exceptions.CredentialNotFound(detail=NO_PASSKEY)


class CheckBegin(_Answers, _SignedInOnly, BeginCredentialAuthenticationView):
    failure = "Passkey check refused"


class CheckComplete(_Answers, _SignedInOnly, CompleteCredentialAuthenticationView):
    failure = "Passkey check refused"

    def complete_auth(self, device) -> None:
        mfa.mark_verified(self.request)
        record(
            AuditEvent.Kind.SECOND_FACTOR,
            actor=device.user,
            detail=f"Checked with a passkey ({device.name})",
            request=self.request,
        )

    def get_success_url(self) -> str:
        return self.get_redirect_url() or reverse("home")
