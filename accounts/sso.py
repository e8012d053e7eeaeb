"""Single sign-on by OpenID Connect (django-allauth's openid_connect provider): Microsoft Entra ID, Google
Workspace or any other OpenID Connect provider, configured from the environment (settings.OIDC_PROVIDERS).

- An existing account is matched by **verified** email (the provider's `email_verified` claim, or Entra ID's
  `xms_edov`; a provider whose emails are all the organisation's own, such as a single-tenant Entra ID, may
  say so with allauth's app setting `"verified_email": true` or a list of domains). A login without a
  verified email is refused, and so is one from a domain no organisation has registered (no account is made).
- Someone new from a registered domain gets an account with **no role**, and a membership request the
  organisation's manager confirms (`MembershipRequest`, `/accounts/requests/`).
- The ID token's signature is always checked against the provider's published keys (allauth skips it when
  the token came straight from the token endpoint, which the specification allows; Exchange does not), as are
  its issuer, audience (the client id) and expiry.
- Every refusal is an audit event (`sso_refused`); a sign-in is one like any other (`login`).
"""

import requests
from allauth.account.adapter import DefaultAccountAdapter
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from allauth.socialaccount.internal import jwtkit
from allauth.socialaccount.models import SocialApp
from allauth.socialaccount.providers.oauth2.views import OAuth2CallbackView, OAuth2LoginView
from allauth.socialaccount.providers.openid_connect.views import OpenIDConnectOAuth2Adapter
from django.conf import settings
from django.db import transaction
from django.http import Http404
from django.shortcuts import render

from .audit import record
from .models import AuditEvent, MembershipRequest, OrganisationEmailDomain


def configured_providers() -> list[dict]:
    """The providers to offer as buttons: id and name of each configured app."""
    apps = settings.SOCIALACCOUNT_PROVIDERS.get("openid_connect", {}).get("APPS", [])
    return [{"id": app["provider_id"], "name": app["name"]} for app in apps]


def domain_of(email: str) -> str:
    return email.rpartition("@")[2].strip().lower()


def registered_domain(email: str) -> OrganisationEmailDomain | None:
    if not email or "@" not in email:
        return None
    return OrganisationEmailDomain.objects.select_related("organisation").filter(domain=domain_of(email)).first()


def password_sign_in_refusal(user) -> str | None:
    """Whether this person's organisation has switched password sign-in off for their email domain."""
    domain = registered_domain(getattr(user, "email", "") or "")
    if domain is not None and not domain.password_sign_in:
        return (
            f"{domain.organisation.name} signs in to Exchange through single sign-on. "
            "Use the button for your organisation's account below."
        )
    return None


def _refuse(request, reason: str, *, email: str = "", provider: str = ""):
    record(AuditEvent.Kind.SSO_REFUSED, username=email[:150], detail=f"{provider}: {reason}", request=request)
    response = render(request, "accounts/sso_refused.html", {"reason": reason}, status=403)
    raise ImmediateHttpResponse(response)


def _claims(sociallogin) -> dict:
    data = sociallogin.account.extra_data or {}
    return data.get("id_token", data) if isinstance(data, dict) else {}


def _verified_email(sociallogin) -> str:
    return next((address.email for address in sociallogin.email_addresses if address.verified), "")


class SocialAccountAdapter(DefaultSocialAccountAdapter):
    def _mark_verified(self, sociallogin) -> None:
        """An address is verified when the provider says so (`email_verified`; Entra ID's `xms_edov`), or when
        the app's settings trust it (allauth's `verified_email`: true, or a list of domains)."""
        owner_verified = _claims(sociallogin).get("xms_edov") in (True, "true", "1", 1)
        for address in sociallogin.email_addresses:
            if not address.verified and (owner_verified or self.is_email_verified(sociallogin.provider, address.email)):
                address.verified = True

    def authenticate_by_email(self, sociallogin):
        self._mark_verified(sociallogin)
        return super().authenticate_by_email(sociallogin)

    def pre_social_login(self, request, sociallogin):
        self._mark_verified(sociallogin)
        name = sociallogin.provider.name
        email = _verified_email(sociallogin)
        if not email:
            given = next((a.email for a in sociallogin.email_addresses), "")
            _refuse(
                request,
                f"Your {name} account did not confirm that the email address {given or '(none)'} is yours, "
                "so Exchange cannot tell who you are. Ask your IT team, or sign in with your password.",
                email=given,
                provider=name,
            )
        if sociallogin.is_existing:
            return
        if registered_domain(email) is None:
            _refuse(
                request,
                f"No organisation in Exchange has registered the email domain {domain_of(email)}. "
                "Ask your programme's administrator to add your organisation's domain, or to create your account.",
                email=email,
                provider=name,
            )

    def is_open_for_signup(self, request, sociallogin):
        return registered_domain(_verified_email(sociallogin)) is not None

    @transaction.atomic
    def save_user(self, request, sociallogin, form=None):
        user = super().save_user(request, sociallogin, form)
        domain = registered_domain(user.email)
        if domain is not None:
            MembershipRequest.objects.get_or_create(
                user=user, organisation=domain.organisation, state=MembershipRequest.State.PENDING
            )
            record(
                AuditEvent.Kind.PERMISSION_CHANGE,
                username=user.get_username(),
                detail=f"Membership of {domain.organisation.name} requested through {sociallogin.provider.name} "
                "single sign-on (no role until a manager confirms it)",
                request=request,
            )
        return user

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None):
        reason = str(exception or error or "unknown error")
        record(
            AuditEvent.Kind.SSO_REFUSED,
            detail=f"{getattr(provider, 'name', provider)}: {reason}"[:2000],
            request=request,
        )
        super().on_authentication_error(request, provider, error, exception, extra_context)


class AccountAdapter(DefaultAccountAdapter):
    """Exchange's accounts are made by administrators or through single sign-on, never by a sign-up form."""

    def is_open_for_signup(self, request):
        return False


class VerifiedOpenIDConnectAdapter(OpenIDConnectOAuth2Adapter):
    def _decode_id_token(self, app, id_token: str) -> dict:
        return jwtkit.verify_and_decode(
            credential=id_token,
            keys_url=self.openid_config["jwks_uri"],
            issuer=self.openid_config["issuer"],
            audience=app.client_id,
            lookup_kid=jwtkit.lookup_kid_jwk,
            verify_signature=True,
        )


UNREACHABLE = "Your organisation's sign-in service is not answering just now. Try again in a few minutes."


def _run(view_class, request, provider_id):
    try:
        return view_class.adapter_view(VerifiedOpenIDConnectAdapter(request, provider_id))(request)
    except SocialApp.DoesNotExist as missing:
        raise Http404("No such sign-in provider") from missing
    except requests.RequestException as problem:  # discovery, keys or token endpoint down: say so, never a 500
        record(AuditEvent.Kind.SSO_REFUSED, detail=f"{provider_id}: {type(problem).__name__}", request=request)
        return render(request, "accounts/sso_refused.html", {"reason": UNREACHABLE}, status=503)


def login(request, provider_id):
    return _run(OAuth2LoginView, request, provider_id)


def callback(request, provider_id):
    return _run(OAuth2CallbackView, request, provider_id)
