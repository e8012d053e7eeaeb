"""Reporting's pages: progress updates (/updates/, namespace "reporting"), the dashboards ("dashboard")
and the impact reports ("reports"). config/urls.py mounts each list where it belongs."""

from django.urls import path

from .views import dashboards, evaluations, indicators, reports, schedules, updates

app_name = "reporting"

urlpatterns = [
    path("", updates.due, name="due"),
    path("start/", updates.update_start, name="update_start"),
    path("<int:pk>/", updates.update_detail, name="update_detail"),
    path("<int:pk>/edit/", updates.update_edit, name="update_edit"),
    path("<int:pk>/step/<str:name>/", updates.update_transition, name="update_transition"),
    path("evidence/<int:pk>/", updates.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", updates.evidence_remove, name="evidence_remove"),
    path("review/", updates.review_queue, name="review_queue"),
    path("overdue/", schedules.overdue, name="overdue"),
    path("schedule/<str:kind>/<int:pk>/", schedules.schedule, name="schedule"),
    path("evaluation/<str:kind>/<int:pk>/", evaluations.evaluation_edit, name="evaluation_edit"),
    path("what-works/", evaluations.what_works, name="what_works"),
    path("indicators/<str:kind>/<int:pk>/", indicators.indicators, name="indicators"),
    path("indicators/<int:pk>/edit/", indicators.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/confirm/", indicators.indicator_confirm, name="indicator_confirm"),
]

dashboard_urls = (
    [
        path("reach/", dashboards.reach, name="reach"),
    ],
    "dashboard",
)

report_urls = (
    [path("", reports.report_index, name="index")]
    + [
        path(f"{kind}/<int:pk>/", reports.report_download, {"kind": kind}, name=kind)
        for kind in ("award", "project", "partnership", "portfolio")
    ],
    "reports",
)
