from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("accounts/me/", views.account, name="account"),
    path("accounts/me/data/", views.my_data, name="my_data"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
