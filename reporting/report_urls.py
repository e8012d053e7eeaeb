from django.urls import path

from . import report_views

app_name = "reports"

urlpatterns = [path("", report_views.report_index, name="index")] + [
    path(f"{kind}/<int:pk>/", report_views.report_download, {"kind": kind}, name=kind)
    for kind in ("award", "project", "partnership", "portfolio")
]
