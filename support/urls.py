from django.urls import path

from . import views

app_name = "support"

urlpatterns = [
    path("", views.need_list, name="need_list"),
    path("needs/new/", views.need_create, name="need_create"),
    path("needs/<int:pk>/", views.need_detail, name="need_detail"),
    path("needs/<int:pk>/edit/", views.need_edit, name="need_edit"),
    path("needs/<int:pk>/steps/<str:name>/", views.need_step, name="need_step"),
    path("needs/<int:pk>/accept/", views.need_accept, name="need_accept"),
    path("needs/<int:pk>/agree/", views.need_agree, name="need_agree"),
    path("matches/<int:pk>/decline/", views.match_decline, name="match_decline"),
    path("offers/", views.offer_list, name="offer_list"),
    path("offers/new/", views.offer_create, name="offer_create"),
    path("offers/<int:pk>/", views.offer_detail, name="offer_detail"),
    path("offers/<int:pk>/edit/", views.offer_edit, name="offer_edit"),
    path("offers/<int:pk>/steps/<str:name>/", views.offer_step, name="offer_step"),
    path("intelligence/", views.intelligence, name="intelligence"),
    path("organisations/<int:pk>/", views.organisation_history, name="organisation_history"),
    path("partnerships/<int:pk>/settings/", views.partnership_settings, name="partnership_settings"),
]
