from django.urls import path

from . import dashboard_views

app_name = "dashboard"

urlpatterns = [
    path("reach/", dashboard_views.reach, name="reach"),
]
