from django.contrib import admin
from django.urls import include, path
from django.views.generic import TemplateView

from .health import health

urlpatterns = [
    path("", TemplateView.as_view(template_name="home.html"), name="home"),
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("reports/", include("reporting.report_urls")),
    path("api/v1/reports/", include(("reporting.report_apis", "reports-api"))),
    path("api/", include("config.api_urls")),
    path("updates/", include("reporting.urls")),
]
