from django.urls import path

from . import views

app_name = "inbox"

urlpatterns = [
    path("inbox/", views.inbox, name="inbox"),
    path("account/", views.account, name="account"),
    path("account/notifications/", views.notifications, name="notifications"),
    path("account/calendar/renew/", views.calendar_renew, name="calendar_renew"),
    path("calendar/<str:token>.ics", views.calendar_feed, name="calendar_feed"),
]
