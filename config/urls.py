from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views.defaults import page_not_found

from accounts.password_reset import RateLimitedPasswordResetView
from inbox.views import home
from reporting import urls as reporting_urls
from reporting.apis import reports as report_apis

from .health import health

admin.site.site_header = "Exchange administration"
admin.site.site_title = "Exchange administration"
admin.site.index_title = "Records, imports and people"

urlpatterns = [
    path("", home, name="home"),
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("reports/", include(reporting_urls.report_urls)),
    path("api/v1/reports/", include((report_apis.urlpatterns, "reports-api"))),
    path("api/", include("config.api_urls")),
    # Before Django's own, so the reset form is the rate-limited one.
    path("accounts/password_reset/", RateLimitedPasswordResetView.as_view(), name="password_reset"),
    path("accounts/second-factor/passkeys/", include("accounts.passkey_urls")),  # passkeys (WebAuthn)
    path("", include("accounts.urls")),  # sign-in, your account, your data, second factor, privacy, accessibility
    path("", include("accounts.sso_urls")),  # single sign-on (OpenID Connect)
    path("accounts/", include("django.contrib.auth.urls")),
    path("updates/", include("reporting.urls")),
    path("calls/", include("assessment.urls")),
    path("support/", include("support.urls")),
    path("", include("partnerships.urls")),
    path("", include("grants.urls")),
    path("", include(reporting_urls.dashboard_urls)),
    path("", include("inbox.urls")),
]


def not_found(request, exception):
    """An address under /api/ that matches no route (a negative id where a route takes only digits) answers
    in JSON, as every other API error does; pages keep the GOV.UK page."""
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": "Not found."}, status=404)
    return page_not_found(request, exception)


handler404 = not_found
