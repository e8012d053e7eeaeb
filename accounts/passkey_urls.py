"""The passkey ceremonies (accounts/passkeys.py), under the second-factor pages (which a person still to pass
their check may reach). Named as django-otp-webauthn's own, so its template tags and script find them."""

from django.urls import path
from django.views.i18n import JavaScriptCatalog

from . import passkeys

app_name = "otp_webauthn"

urlpatterns = [
    path("add/begin/", passkeys.RegisterBegin.as_view(), name="credential-registration-begin"),
    path("add/complete/", passkeys.RegisterComplete.as_view(), name="credential-registration-complete"),
    path("check/begin/", passkeys.CheckBegin.as_view(), name="credential-authentication-begin"),
    path("check/complete/", passkeys.CheckComplete.as_view(), name="credential-authentication-complete"),
    path(
        "words.js", JavaScriptCatalog.as_view(packages=["django_otp_webauthn"]), name="js-i18n-catalog"
    ),  # the script's messages
]
