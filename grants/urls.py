from django.urls import path

from accounts.mfa import recent_second_factor_required

from . import views
from .giving360 import views as giving360_views
from .money import views as money_views
from .money.cofunding import views as cofunding_views

app_name = "grants"

urlpatterns = [
    path("programmes/", views.programme_list, name="programme_list"),
    path("programmes/360giving/", giving360_views.quality_page, name="giving360_quality"),
    path("programmes/360giving/publish/", giving360_views.publish, name="giving360_publish"),
    path("programmes/360giving/import/", giving360_views.import_page, name="giving360_import"),
    path(
        "programmes/360giving/import/<str:token>/problems/",
        giving360_views.import_problems,
        name="giving360_import_problems",
    ),
    path("programmes/new/", views.programme_create, name="programme_create"),
    path("programmes/<int:pk>/", views.programme_detail, name="programme_detail"),
    path("programmes/<int:pk>/edit/", views.programme_edit, name="programme_edit"),
    path("awards/", views.award_list, name="award_list"),
    path("awards/new/", views.award_create, name="award_create"),
    path("awards/<int:pk>/", views.award_detail, name="award_detail"),
    path("awards/<int:pk>/edit/", views.award_edit, name="award_edit"),
    path(
        "awards/<int:pk>/steps/<str:name>/",
        recent_second_factor_required(views.award_transition, steps={"approve"}),
        name="award_transition",
    ),
    path("awards/<int:award_pk>/payments/new/", views.payment_create, name="payment_create"),
    path("payments/", views.payment_list, name="payment_list"),
    path("payments/<int:pk>/", views.payment_detail, name="payment_detail"),
    path("payments/<int:pk>/edit/", recent_second_factor_required(views.payment_edit), name="payment_edit"),
    path(
        "payments/<int:pk>/steps/<str:name>/",
        recent_second_factor_required(views.payment_transition, steps={"approve", "release"}),
        name="payment_transition",
    ),
    # Money in depth (grants/money/): payment runs, budget lines, budget against actual, variations, years
    # Exporting a run (making it, and downloading its file for the bank) and recording it paid move money: each
    # needs a recent second factor, like releasing a payment.
    path("payments/runs/", recent_second_factor_required(money_views.payment_run_list), name="payment_run_list"),
    path(
        "payments/runs/<int:pk>/",
        recent_second_factor_required(money_views.payment_run_detail),
        name="payment_run_detail",
    ),
    path(
        "payments/runs/<int:pk>/download/",
        recent_second_factor_required(money_views.payment_run_download, methods=frozenset({"GET", "HEAD"})),
        name="payment_run_download",
    ),
    path("programmes/<int:pk>/budget-lines/", money_views.budget_categories, name="budget_categories"),
    path("budget-lines/<int:pk>/edit/", money_views.budget_category_edit, name="budget_category_edit"),
    path("awards/<int:pk>/budget/", money_views.award_budget_edit, name="award_budget_edit"),
    path("awards/<int:pk>/match-funding/", money_views.match_funding_edit, name="match_funding_edit"),
    path(
        "awards/<int:pk>/co-funding/",
        recent_second_factor_required(cofunding_views.award_shares_edit),
        name="award_shares_edit",
    ),
    path("budget/<str:kind>/<int:pk>/", money_views.budget_against_actual, name="budget_against_actual"),
    path("awards/<int:pk>/variations/new/", money_views.variation_create, name="variation_create"),
    path("variations/<int:pk>/", money_views.variation_detail, name="variation_detail"),
    path(
        "variations/<int:pk>/steps/<str:name>/",
        recent_second_factor_required(money_views.variation_transition, steps={"approve"}),
        name="variation_transition",
    ),
    path("money/years/", money_views.money_by_year, name="money_by_year"),
]
