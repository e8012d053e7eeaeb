from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path

from reporting.dashboard_views import home


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("", home, name="home"),
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("partnerships.urls")),
    path("", include("grants.urls")),
    path("", include("reporting.dashboard_urls")),
]
