from django.urls import path

from . import views

app_name = "reporting"

urlpatterns = [
    path("", views.due, name="due"),
    path("start/", views.update_start, name="update_start"),
    path("<int:pk>/", views.update_detail, name="update_detail"),
    path("<int:pk>/edit/", views.update_edit, name="update_edit"),
    path("<int:pk>/step/<str:name>/", views.update_transition, name="update_transition"),
    path("evidence/<int:pk>/", views.evidence_download, name="evidence_download"),
    path("evidence/<int:pk>/remove/", views.evidence_remove, name="evidence_remove"),
    path("review/", views.review_queue, name="review_queue"),
    path("overdue/", views.overdue, name="overdue"),
    path("schedule/<str:kind>/<int:pk>/", views.schedule, name="schedule"),
    path("evaluation/<str:kind>/<int:pk>/", views.evaluation_edit, name="evaluation_edit"),
    path("what-works/", views.what_works, name="what_works"),
]
