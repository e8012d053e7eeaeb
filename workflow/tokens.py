"""API tokens that expire: API_TOKEN_TTL seconds after they were issued a token is refused (401) and deleted.

Its own module because DRF's settings import the authentication class by name (DEFAULT_AUTHENTICATION_CLASSES)
while workflow.apis, which builds views from those settings, is still loading.
"""

import datetime as dt

from django.conf import settings
from django.utils import timezone
from rest_framework import exceptions
from rest_framework.authentication import TokenAuthentication
from rest_framework.authtoken.models import Token

TOKEN_EXPIRED = "Your API token has expired: ask for a new one at /api/v1/auth/token/."


def token_expired(token: Token) -> bool:
    return timezone.now() - token.created > dt.timedelta(seconds=settings.API_TOKEN_TTL)


class ExpiringTokenAuthentication(TokenAuthentication):
    """A token works for API_TOKEN_TTL seconds after it was issued; then it is a 401 and is deleted."""

    def authenticate_credentials(self, key):
        user, token = super().authenticate_credentials(key)
        if token_expired(token):
            token.delete()
            raise exceptions.AuthenticationFailed(TOKEN_EXPIRED)
        return user, token
