"""The admin for support matching, scoped like every other: what a manager sees comes from the same
selectors as the pages and API, what they may pick from `related_scopes`, and writes go through the services."""

from django.contrib import admin

from partnerships.models import LocalAuthority, SubRegion
from workflow.admin import RoleScopedAdmin, TransitionAdminMixin
from workflow.errors import PermissionRefused

from . import selectors, services
from .models import Match, MatchingSettings, Need, Offer, SupportArea

NEED_RELATIONS = ("partnership", "organisation", "areas")
OFFER_RELATIONS = (
    "partnership",
    "organisation",
    "areas",
    "evaluations",
    "travel_sub_regions",
    "travel_local_authorities",
)


class _Recorded(TransitionAdminMixin, RoleScopedAdmin):
    """Needs and offers: the many-to-many fields are saved by the service, with everything else."""

    relations: tuple = ()
    fields_of_service: tuple = ()
    # Managers record needs and offers, and choose their areas, evidence and places, on the pages (/support/),
    # whose choices are scoped; here they correct the details. Administrators do everything here.
    manager_can_add = False

    def fixed_fields(self, request, obj=None):
        fixed = ("created_by", "created_at", "updated_at")
        if not self._roles(request).is_admin:
            fixed += tuple(self.relations)
        return fixed + (("partnership", "organisation") if obj is not None else ())

    def _data(self, form, change):
        data = self.service_fields(form, self.fields_of_service, changed_only=change)
        for name in self.relations:
            if name in form.cleaned_data and name not in ("partnership", "organisation"):
                if not change or name in form.changed_data:
                    data[name] = list(form.cleaned_data[name])
        return data

    def save_related(self, request, form, formsets, change):
        # The service has set the many-to-many fields; the inlines (history) are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


@admin.register(Need)
class NeedAdmin(_Recorded):
    scope = staticmethod(selectors.need_list)
    relations = NEED_RELATIONS
    fields_of_service = services.NEED_FIELDS
    related_scopes = {
        "partnership": selectors.support_partnership_list,
        "organisation": selectors.support_organisation_list,
        "areas": selectors.area_list,
    }
    list_display = ("title", "organisation", "partnership", "phase", "urgency", "shared", "state", "created_at")
    list_filter = ("state", "phase", "urgency", "shared", "partnership", "organisation__local_authority__sub_region")
    search_fields = ("title", "context", "organisation__name")
    list_select_related = ("organisation", "partnership")
    filter_horizontal = ("areas",)

    def edit_refusal(self, request, obj):
        return services.need_edit_refusal(obj, request.user)

    def save_model(self, request, obj, form, change):
        data = self._data(form, change)
        if change:
            saved = services.need_update(need=obj, actor=request.user, **data)
        else:
            saved = services.need_create(
                actor=request.user,
                partnership=form.cleaned_data["partnership"],
                organisation=form.cleaned_data["organisation"],
                **data,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def run_transition(self, obj, name, actor, note):
        return services.need_transition(need=obj, name=name, actor=actor, note=note)


@admin.register(Offer)
class OfferAdmin(_Recorded):
    scope = staticmethod(selectors.offer_list)
    relations = OFFER_RELATIONS
    fields_of_service = services.OFFER_FIELDS
    related_scopes = {
        "partnership": selectors.support_partnership_list,
        "organisation": selectors.support_organisation_list,
        "areas": selectors.area_list,
        "evaluations": selectors.evidence_list,
        "travel_sub_regions": lambda user: SubRegion.objects.all(),
        "travel_local_authorities": lambda user: LocalAuthority.objects.all(),
    }
    list_display = (
        "title",
        "organisation",
        "partnership",
        "capacity_days",
        "days_allocated",
        "available_until",
        "state",
    )
    list_filter = ("state", "partnership", "organisation__local_authority__sub_region")
    search_fields = ("title", "evidence", "organisation__name")
    list_select_related = ("organisation", "partnership")
    filter_horizontal = ("areas", "evaluations", "travel_sub_regions", "travel_local_authorities")
    readonly_fields = ("days_allocated",)

    def edit_refusal(self, request, obj):
        return services.offer_edit_refusal(obj, request.user)

    def save_model(self, request, obj, form, change):
        data = self._data(form, change)
        if change:
            saved = services.offer_update(offer=obj, actor=request.user, **data)
        else:
            saved = services.offer_create(
                actor=request.user,
                partnership=form.cleaned_data["partnership"],
                organisation=form.cleaned_data["organisation"],
                **data,
            )
        obj.pk = saved.pk
        obj.refresh_from_db()

    def run_transition(self, obj, name, actor, note):
        return services.offer_transition(offer=obj, name=name, actor=actor, note=note)


@admin.register(Match)
class MatchAdmin(RoleScopedAdmin):
    """Matches are made on the need's page or through the API (ranked, with reasons); here they are read."""

    scope = staticmethod(selectors.match_list)
    manager_can_add = False
    list_display = ("__str__", "need", "days", "score", "state", "project", "accepted_at")
    list_filter = ("state",)
    list_select_related = ("need__organisation", "offer__organisation", "project")
    search_fields = ("need__title", "need__organisation__name", "offer__organisation__name")

    def has_add_permission(self, request):
        return False

    def edit_refusal(self, request, obj):
        return PermissionRefused("A match changes through its need's page or the API.")


@admin.register(SupportArea)
class SupportAreaAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.area_list)
    related_scopes = {"partnership": selectors.managed_partnership_list}
    list_display = ("name", "partnership", "theme")
    list_filter = ("partnership",)
    search_fields = ("name",)

    def edit_refusal(self, request, obj):
        if not self._roles(request).manages_partnership(obj.partnership):
            return PermissionRefused(f"Only the programme managers of {obj.partnership} keep its list of areas.")
        return None

    def fixed_fields(self, request, obj=None):
        return ("partnership",) if obj is not None else ()

    def save_model(self, request, obj, form, change):
        if change:
            if self.edit_refusal(request, obj) is not None:
                raise self.edit_refusal(request, obj)
            obj.full_clean()
            obj.save()
            return
        saved = services.area_add(
            partnership=form.cleaned_data["partnership"],
            actor=request.user,
            name=form.cleaned_data["name"],
            theme=form.cleaned_data.get("theme", ""),
        )
        obj.pk = saved.pk


@admin.register(MatchingSettings)
class MatchingSettingsAdmin(RoleScopedAdmin):
    scope = staticmethod(selectors.managed_matching_settings_list)
    related_scopes = {"partnership": selectors.managed_partnership_list}
    list_display = ("partnership", *(f"weight_{n}" for n in MatchingSettings.WEIGHTS), "parties_may_accept")

    def fixed_fields(self, request, obj=None):
        return ("partnership",) if obj is not None else ()

    def edit_refusal(self, request, obj):
        if not self._roles(request).manages_partnership(obj.partnership):
            return PermissionRefused(f"Only the programme managers of {obj.partnership} set how matches are ranked.")
        return None

    def save_model(self, request, obj, form, change):
        names = [f"weight_{n}" for n in MatchingSettings.WEIGHTS] + ["parties_may_accept"]
        partnership = obj.partnership if change else form.cleaned_data["partnership"]
        saved = services.matching_settings_save(
            partnership=partnership,
            actor=request.user,
            **{n: form.cleaned_data[n] for n in names if n in form.cleaned_data},
        )
        obj.pk = saved.pk
