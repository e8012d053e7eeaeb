"""The admin for budget lines, variations and payment runs: scoped like the pages (workflow/admin_scope.py).
Budget categories are written through their service; budget lines, variations and runs are read here
(lines are set on the award's budget page or the API, variations decided by their steps, runs made on
the payment runs page), never typed."""

from django.contrib import admin

from workflow.admin import RoleScopedAdmin, TransitionAdminMixin, TransitionLogInline
from workflow.errors import PermissionRefused

from .. import selectors as grant_selectors
from ..models import money
from . import selectors, services
from .models import BudgetCategory, BudgetLine, MatchFunding, PaymentRun, PaymentRunItem, Variation, VariationLine

READ_HERE = PermissionRefused("This is read here; it changes on its own page, through its steps.")


class ReadHereAdmin(RoleScopedAdmin):
    manager_can_add = False

    def has_add_permission(self, request):
        return False

    def edit_refusal(self, request, obj):
        return READ_HERE


@admin.register(BudgetCategory)
class BudgetCategoryAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.budget_category_list)
    related_scopes = {"programme": grant_selectors.programme_list}
    list_display = ("name", "finance_code", "programme", "position")
    list_filter = ("programme",)
    search_fields = ("name", "finance_code")
    list_select_related = ("programme",)

    def edit_refusal(self, request, obj):
        if not self._roles(request).manages_programme(obj.programme):
            return PermissionRefused(f"Only the programme managers of {obj.programme} can change its budget lines.")
        return None

    def fixed_fields(self, request, obj=None):
        return super().fixed_fields(request, obj) + (("programme",) if obj is not None else ())

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = services.budget_category_save(
            programme=obj.programme if change else data["programme"],
            actor=request.user,
            category=obj if change else None,
            name=data["name"],
            finance_code=data.get("finance_code", ""),
            position=data.get("position"),
        )
        obj.pk = saved.pk


@admin.register(BudgetLine)
class BudgetLineAdmin(ReadHereAdmin):
    scope = staticmethod(selectors.budget_line_list)
    list_display = ("award", "category", "year", "requested", "approved")
    list_filter = ("award__programme", "year")
    search_fields = ("award__identifier", "category__name")
    list_select_related = ("award", "category")


class VariationLineInline(admin.TabularInline):
    model = VariationLine
    extra = 0
    can_delete = False
    fields = readonly_fields = ("category", "year", "change")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(Variation)
class VariationAdmin(TransitionAdminMixin, ReadHereAdmin):
    scope = staticmethod(selectors.variation_list)
    list_display = ("award", "number", "kind", "change_display", "state", "requested_at")
    list_filter = ("state", "kind", "award__programme")
    search_fields = ("award__identifier", "reason")
    list_select_related = ("award",)
    inlines = [VariationLineInline, TransitionLogInline]

    @admin.display(description="Change", ordering="amount_change")
    def change_display(self, obj):
        return money(obj.amount_change) if obj.amount_change else "–"

    def run_transition(self, obj, name, actor, note):
        return services.variation_transition(variation=obj, name=name, actor=actor, note=note)


class PaymentRunItemInline(admin.TabularInline):
    model = PaymentRunItem
    extra = 0
    can_delete = False
    fields = readonly_fields = ("payment", "amount")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(PaymentRun)
class PaymentRunAdmin(ReadHereAdmin):
    scope = staticmethod(selectors.payment_run_list)
    list_display = ("__str__", "managed_by", "due_by", "payment_count", "total", "created_at")
    list_filter = ("managed_by",)
    list_select_related = ("managed_by",)
    exclude = ("content",)
    inlines = [PaymentRunItemInline]


@admin.register(MatchFunding)
class MatchFundingAdmin(ReadHereAdmin):
    scope = staticmethod(selectors.match_funding_list)
    list_display = ("award", "source", "provider", "kind", "amount")
    list_filter = ("kind", "provider", "award__programme")
    search_fields = ("award__identifier", "source")
    list_select_related = ("award",)
