from functools import partial

from django import forms
from django.contrib import admin
from django.urls import path

from partnerships.importing.admin import ExchangeAdminMixin
from workflow.admin import MoneyChangeInline, RoleScopedAdmin, TransitionAdminMixin, TransitionLogInline, archive_each
from workflow.errors import TransitionRefused
from workflow.services import log_money_change

from . import selectors, services
from .giving360 import admin_views as giving360_admin
from .models import Award, FundingProgramme, Payment, money
from .resources import AwardResource, PaymentResource


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.programme_list)
    list_display = ("name", "funder", "managed_by", "budget_display", "committed_display", "opens_on", "closes_on")
    list_filter = ("funder", "managed_by")
    search_fields = ("name", "identifier_prefix")
    list_select_related = ("funder", "managed_by")
    autocomplete_fields = ("funder", "managed_by", "partnership")
    inlines = [MoneyChangeInline]

    def get_readonly_fields(self, request, obj=None):
        # After creation the budget moves only through programme_set_budget, which logs it.
        return ("budget",) if obj else ()

    @admin.display(description="Budget", ordering="budget")
    def budget_display(self, obj):
        return money(obj.budget)

    @admin.display(description="Committed", ordering="committed_amount")
    def committed_display(self, obj):
        return money(obj.committed_amount)

    def save_model(self, request, obj, form, change):
        if change:
            # Only what the form changed: the running totals move with approvals and payments meanwhile.
            obj.save(update_fields=[name for name in form.changed_data if name != "budget"] or None)
            return
        super().save_model(request, obj, form, change)
        log_money_change(obj, field="budget", old=None, new=obj.budget, actor=request.user)


class PaymentInline(admin.TabularInline):
    model = Payment
    extra = 0
    fields = readonly_fields = ("due_on", "amount", "state", "gated_on_update", "paid_on", "reference")
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(Award)
class AwardAdmin(TransitionAdminMixin, ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [AwardResource]
    scope = staticmethod(partial(selectors.award_list, include_archived=True))
    actions = ["archive_selected"]
    list_display = ("identifier", "title", "programme", "recipient", "amount_requested", "amount_awarded", "state")
    list_filter = ("state", "programme", "recipient__local_authority__sub_region", "reporting_frequency", "archived_at")
    search_fields = ("identifier", "title", "recipient__name", "recipient__identifier")
    list_select_related = ("programme", "recipient")
    autocomplete_fields = ("programme", "recipient", "project", "partnership")
    readonly_fields = ("state", "amount_awarded", "submitted_at", "decided_at", "created_by", "created_at")
    inlines = [PaymentInline, TransitionLogInline, MoneyChangeInline]
    import_export_change_list_template = "admin/grants/award_change_list.html"

    def get_urls(self):
        def wrap(view):
            return self.admin_site.admin_view(partial(view, self))

        return [
            path("import-360giving/", wrap(giving360_admin.import_view), name="grants_award_import_360giving"),
            path(
                "import-360giving/<str:token>/problems/",
                wrap(giving360_admin.problems_download),
                name="grants_award_import_360giving_problems",
            ),
            *super().get_urls(),
        ]

    def get_readonly_fields(self, request, obj=None):
        fields = self.readonly_fields
        if obj is not None and obj.state != Award.State.DRAFT:
            fields += ("identifier", "programme", "recipient", "amount_requested")
        return fields

    def save_model(self, request, obj, form, change):
        old = form.initial.get("amount_requested") if change else None
        if not change:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)
        log_money_change(obj, field="amount_requested", old=old, new=obj.amount_requested, actor=request.user)

    def run_transition(self, obj, name, actor, note):
        return services.award_transition(award=obj, name=name, actor=actor, note=note)

    @admin.action(description="Archive selected (finished work only; kept with its history)")
    def archive_selected(self, request, queryset):
        archive_each(self, request, queryset, lambda obj: services.award_archive(award=obj, actor=request.user))


class PaymentForm(forms.ModelForm):
    class Meta:
        model = Payment
        fields = ("award", "due_on", "amount", "gated_on_update", "reference")

    def clean(self):
        data = super().clean()
        award, amount = data.get("award"), data.get("amount")
        if award and amount:
            try:
                services._check_schedule_fits(award, amount, exclude_pk=self.instance.pk)
                services._check_gate(award, data.get("gated_on_update"))
            except TransitionRefused as refusal:
                raise forms.ValidationError(refusal.reason) from None
        return data


@admin.register(Payment)
class PaymentAdmin(TransitionAdminMixin, ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [PaymentResource]
    scope = staticmethod(selectors.payment_list)
    form = PaymentForm
    list_display = ("award", "due_on", "amount", "state", "gated_on_update", "paid_on")
    list_filter = ("state", "award__programme", "due_on")
    search_fields = ("award__identifier", "award__title", "reference")
    list_select_related = ("award", "gated_on_update__award")
    autocomplete_fields = ("award",)
    readonly_fields = ("state", "paid_on")
    inlines = [TransitionLogInline, MoneyChangeInline]
    date_hierarchy = "due_on"

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.state != Payment.State.SCHEDULED:
            return self.readonly_fields + ("award", "due_on", "amount", "gated_on_update")
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            saved = services.payment_edit(
                payment=obj,
                actor=request.user,
                amount=data.get("amount"),
                due_on=data.get("due_on"),
                gated_on_update=data.get("gated_on_update"),
            )
        else:
            saved = services.payment_schedule(
                award=data["award"],
                due_on=data["due_on"],
                amount=data["amount"],
                actor=request.user,
                gated_on_update=data.get("gated_on_update"),
                reference=data.get("reference", ""),
            )
        obj.pk = saved.pk

    def run_transition(self, obj, name, actor, note):
        return services.payment_transition(payment=obj, name=name, actor=actor, note=note)
