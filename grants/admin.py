from functools import partial

from django.contrib import admin
from django.urls import path

from accounts.mfa import recent_second_factor_required
from partnerships.importing.admin import ExchangeAdminMixin
from partnerships.selectors import (
    managed_organisation_list,
    organisation_list,
    partnership_list,
    project_list,
    proposing_organisation_list,
)
from workflow.admin import MoneyChangeInline, RoleScopedAdmin, TransitionAdminMixin, TransitionLogInline, archive_each
from workflow.errors import PermissionRefused

from . import selectors, services
from .giving360 import admin_views as giving360_admin
from .models import Award, FundingProgramme, Payment, money
from .money.cofunding.admin import AwardShareInline
from .resources import AwardResource, PaymentResource


@admin.register(FundingProgramme)
class FundingProgrammeAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.programme_list)
    related_scopes = {
        "funder": organisation_list,
        "managed_by": managed_organisation_list,
        "partnership": partnership_list,
    }
    list_display = ("name", "funder", "managed_by", "budget_display", "committed_display", "opens_on", "closes_on")
    list_filter = ("funder", "managed_by")
    search_fields = ("name", "identifier_prefix")
    list_select_related = ("funder", "managed_by")
    autocomplete_fields = ("funder", "managed_by", "partnership")
    inlines = [MoneyChangeInline]

    def edit_refusal(self, request, obj):
        if not self._roles(request).manages_programme(obj):
            return PermissionRefused(f"Only the programme managers of {obj} can change it.")
        return None

    def fixed_fields(self, request, obj=None):
        # After creation the budget moves only through programme_update (the programme page, with a reason
        # in the money log); who funds and manages it is fixed, as on the page.
        fields = super().fixed_fields(request, obj)
        return fields + (("budget", "funder", "managed_by") if obj else ())

    @admin.display(description="Budget", ordering="budget")
    def budget_display(self, obj):
        return money(obj.budget)

    @admin.display(description="Committed", ordering="committed_amount")
    def committed_display(self, obj):
        return money(obj.committed_amount)

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, services.PROGRAMME_FIELDS, changed_only=change)
        if change:
            saved = services.programme_update(programme=obj, actor=request.user, **fields)
        else:
            data = form.cleaned_data
            saved = services.programme_create(
                actor=request.user,
                funder=data["funder"],
                managed_by=data["managed_by"],
                budget=data["budget"],
                **fields,
            )
        obj.pk = saved.pk


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
    related_scopes = {
        "programme": selectors.programme_open_list,
        "recipient": proposing_organisation_list,
        "project": project_list,
        "partnership": partnership_list,
    }
    actions = ["archive_selected"]
    list_display = ("identifier", "title", "programme", "recipient", "amount_requested", "amount_awarded", "state")
    list_filter = ("state", "programme", "recipient__local_authority__sub_region", "reporting_frequency", "archived_at")
    search_fields = ("identifier", "title", "recipient__name", "recipient__identifier")
    list_select_related = ("programme", "recipient")
    autocomplete_fields = ("programme", "recipient", "project", "partnership")
    readonly_fields = ("amount_awarded", "submitted_at", "decided_at", "created_by", "created_at")
    inlines = [AwardShareInline, PaymentInline, TransitionLogInline, MoneyChangeInline]
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

    def edit_refusal(self, request, obj):
        return services.award_edit_refusal(obj, request.user)

    def fixed_fields(self, request, obj=None):
        fields = super().fixed_fields(request, obj)
        if obj is not None:
            return fields + ("identifier", "programme", "recipient", "currency")
        # The next number in the programme's series, as on the page; an administrator may give one (imports).
        return fields if self._roles(request).is_admin else fields + ("identifier",)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        if "identifier" in form.base_fields:
            form.base_fields["identifier"].required = False
            form.base_fields["identifier"].help_text = "Left empty, the next number in the programme's series."
        return form

    def save_model(self, request, obj, form, change):
        fields = self.service_fields(form, services.AWARD_FIELDS, changed_only=change)
        if change:
            saved = services.award_update(award=obj, actor=request.user, **fields)
        else:
            data = form.cleaned_data
            saved = services.award_create(
                actor=request.user,
                programme=data["programme"],
                recipient=data["recipient"],
                identifier=data.get("identifier", ""),
                currency=data.get("currency") or "GBP",
                **fields,
            )
        obj.pk = saved.pk

    def run_transition(self, obj, name, actor, note):
        return services.award_transition(award=obj, name=name, actor=actor, note=note)

    def transition_view(self, request, object_id, name):
        guarded = recent_second_factor_required(super().transition_view, steps={"approve"})
        return guarded(request, object_id, name=name)

    @admin.action(description="Archive selected (finished work only; kept with its history)")
    def archive_selected(self, request, queryset):
        archive_each(self, request, queryset, lambda obj: services.award_archive(award=obj, actor=request.user))


@admin.register(Payment)
class PaymentAdmin(TransitionAdminMixin, ExchangeAdminMixin, RoleScopedAdmin):
    resource_classes = [PaymentResource]
    scope = staticmethod(selectors.payment_list)
    related_scopes = {"award": selectors.award_list, "gated_on_update": selectors.payment_gate_list}
    list_display = ("award", "due_on", "amount", "state", "gated_on_update", "paid_on")
    list_filter = ("state", "award__programme", "due_on")
    search_fields = ("award__identifier", "award__title", "reference")
    list_select_related = ("award", "gated_on_update__award")
    autocomplete_fields = ("award",)
    readonly_fields = ("paid_on", "gated_on_period_end")  # follows the update chosen (or the payment pages)
    inlines = [TransitionLogInline, MoneyChangeInline]
    date_hierarchy = "due_on"

    def edit_refusal(self, request, obj):
        return services.payment_edit_refusal(obj, request.user)

    def fixed_fields(self, request, obj=None):
        fields = super().fixed_fields(request, obj)
        return fields + (("award", "reference") if obj is not None else ())

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

    def transition_view(self, request, object_id, name):
        guarded = recent_second_factor_required(super().transition_view, steps={"approve", "release"})
        return guarded(request, object_id, name=name)

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if object_id is None:  # scheduling a payment moves no money yet
            return super().changeform_view(request, object_id, form_url, extra_context)
        return recent_second_factor_required(super().changeform_view)(request, object_id, form_url, extra_context)


from .money import admin as money_admin  # noqa: E402,F401  (budget lines, variations, payment runs)
