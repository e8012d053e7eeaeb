"""Single sign-on's addresses, without a namespace because django-allauth reverses them by these names."""

from allauth.socialaccount import views as social_views
from django.urls import path
from django.views.generic import RedirectView

from . import sso, views

urlpatterns = [
    path("sso/oidc/<str:provider_id>/login/", sso.login, name="openid_connect_login"),
    path("sso/oidc/<str:provider_id>/login/callback/", sso.callback, name="openid_connect_callback"),
    path("sso/cancelled/", social_views.login_cancelled, name="socialaccount_login_cancelled"),
    path("sso/error/", social_views.login_error, name="socialaccount_login_error"),
    path("sso/signup/", social_views.signup, name="socialaccount_signup"),
    path("sso/inactive/", views.account_inactive, name="account_inactive"),
    # allauth's own names for pages Exchange already has.
    path("sso/sign-in/", RedirectView.as_view(pattern_name="login"), name="account_login"),
    path("sso/accounts/", RedirectView.as_view(pattern_name="accounts:account"), name="socialaccount_connections"),
    path("sso/sign-up/", RedirectView.as_view(pattern_name="login"), name="account_signup"),
]
