"""The admin for co-funding shares: read here, scoped like the pages; shares are set on the award's
co-funding page or the API (award_shares_set), never typed."""

from django.contrib import admin

from ..admin import ReadHereAdmin
from . import selectors
from .models import AwardShare


@admin.register(AwardShare)
class AwardShareAdmin(ReadHereAdmin):
    scope = staticmethod(selectors.share_list)
    list_display = ("award", "programme", "amount", "set_by", "set_at")
    list_filter = ("programme__funder", "programme")
    search_fields = ("award__identifier", "programme__name")
    list_select_related = ("award", "programme", "set_by")


class AwardShareInline(admin.TabularInline):
    """The award's shares, as the person may see them (a co-funder: its own)."""

    model = AwardShare
    fields = ("programme", "amount", "set_by", "set_at")
    readonly_fields = fields
    extra = 0
    can_delete = False

    def get_queryset(self, request):
        return selectors.share_list(user=request.user)

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False
