"""Who may call the API how often and with what: throttles, pagination, the write check, tokens."""

import datetime as dt

from django.conf import settings
from django.contrib.auth import authenticate
from drf_spectacular.utils import extend_schema
from rest_framework import exceptions, permissions, serializers, status, throttling
from rest_framework.authentication import SessionAuthentication
from rest_framework.authtoken.models import Token
from rest_framework.response import Response
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from accounts import mfa, roles, sso
from accounts.client_address import client_address

from ..tokens import ExpiringTokenAuthentication, token_expired
from .errors import ERROR_RESPONSES


class _SettingsRate:
    """Read the rate from settings on each request, so a changed setting takes effect at once
    (DRF's stock throttles read it once, at import)."""

    def get_rate(self):
        try:
            return api_settings.DEFAULT_THROTTLE_RATES[self.scope]
        except KeyError as missing:
            raise exceptions.ImproperlyConfigured(f"No throttle rate set for scope '{self.scope}'.") from missing


class _ClientAddress:
    """Count by the client address of accounts.client_address (PROXY_COUNT), the same as axes and the
    audit log; in the default cache, which is Redis, shared by every process, when CACHE_URL is set."""

    def get_ident(self, request):
        return client_address(request) or "unknown"


class AuthRateThrottle(_ClientAddress, _SettingsRate, throttling.SimpleRateThrottle):
    """Attempts at the token endpoint, per client address."""

    scope = "api_auth"

    def get_cache_key(self, request, view):
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class WriteRateThrottle(_ClientAddress, _SettingsRate, throttling.SimpleRateThrottle):
    """Writes (create, edit, transitions) per user; reads are not counted."""

    scope = "api_write"

    def allow_request(self, request, view):
        if request.method in permissions.SAFE_METHODS:
            return True
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        ident = request.user.pk if request.user.is_authenticated else self.get_ident(request)
        return self.cache_format % {"scope": self.scope, "ident": ident}


class RoleMayWrite(permissions.IsAuthenticated):
    """Create and edit only for roles the viewset names in `may_write(roles)`; the service then
    decides about the particular object. Transition actions go straight to their service,
    which answers with the reason."""

    message = "Your role cannot create or change these records."

    def has_permission(self, request, view):
        if not super().has_permission(request, view):
            return False
        if request.method in permissions.SAFE_METHODS or getattr(view, "is_transition", False):
            return True
        return view.may_write(roles.of(request.user))


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField(max_length=150)
    password = serializers.CharField(max_length=128, style={"input_type": "password"}, trim_whitespace=False)
    otp = serializers.CharField(
        required=False,
        max_length=20,
        help_text="A current code from your authenticator app (or a recovery code): needed when you have set one "
        "up or your role must use one.",
    )


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField()
    expires = serializers.DateTimeField(help_text="After this the token is refused (401): ask for a new one.")


class TokenView(APIView):
    """POST username and password for your API token; DELETE (with the token) revokes it."""

    throttle_classes = [AuthRateThrottle]
    authentication_classes = [ExpiringTokenAuthentication, SessionAuthentication]

    def get_permissions(self):
        if self.request.method == "POST":
            return [permissions.AllowAny()]
        return [permissions.IsAuthenticated()]

    def get_authenticators(self):
        # Signing in needs no session (and so no CSRF token); revoking accepts either.
        if getattr(self.request, "method", None) == "POST":
            return []
        return super().get_authenticators()

    @extend_schema(
        request=TokenRequestSerializer,
        responses={200: TokenSerializer, 400: ERROR_RESPONSES[400]},
        auth=[],
        summary="Get your API token",
    )
    def post(self, request):
        data = TokenRequestSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        code = data.validated_data.pop("otp", "")
        user = authenticate(request, **data.validated_data)
        if user is None or not user.is_active:
            raise exceptions.ValidationError({"detail": ["Those details do not match an active account."]})
        refusal = sso.password_sign_in_refusal(user)
        if refusal:
            raise exceptions.ValidationError({"detail": [refusal]})
        # The same second factor as the pages (accounts.mfa): a password alone does not make a token for them.
        if mfa.needs_check(user):
            if not code:
                raise exceptions.ValidationError({"otp": ["Send a current code from your authenticator app as otp."]})
            problem = mfa.check_code(user, code, request=request, why=" (API token)")
            if problem:
                raise exceptions.ValidationError({"otp": [problem]})
        token, _ = Token.objects.get_or_create(user=user)
        if token_expired(token):  # an old token is replaced, never handed out again
            token.delete()
            token = Token.objects.create(user=user)
        return Response({"token": token.key, "expires": token.created + dt.timedelta(seconds=settings.API_TOKEN_TTL)})

    @extend_schema(request=None, responses={204: None}, summary="Revoke your API token")
    def delete(self, request):
        Token.objects.filter(user=request.user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)
