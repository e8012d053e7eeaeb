from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    # Before django.contrib.auth's own: the same form, with the single sign-on buttons and the rule that an
    # organisation may switch password sign-in off.
    path("accounts/login/", views.SignInView.as_view(), name="login"),
    path("accounts/requests/", views.membership_requests, name="membership_requests"),
    path("accounts/me/", views.account, name="account"),
    path("accounts/me/data/", views.my_data, name="my_data"),
    path("accounts/second-factor/", views.second_factor, name="second_factor"),
    path("accounts/second-factor/check/", views.second_factor_check, name="second_factor_check"),
    path("privacy/", views.privacy, name="privacy"),
    path("accessibility/", views.accessibility, name="accessibility"),
]
