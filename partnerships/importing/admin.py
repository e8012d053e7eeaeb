"""Import (with its preview) and export of the filtered list in the admin."""

from import_export.admin import ExportActionMixin, ImportExportMixin

from .. import roles


class ExchangeAdminMixin(ImportExportMixin, ExportActionMixin):
    """Import (with its preview) and export of the filtered list, for administrators and
    programme managers; the resource acts as the signed-in person (scope, money log)."""

    skip_admin_log = True  # the money log and the records' own fields say who imported what
    show_change_form_export = False  # a workflow's change page keeps its own template (transition buttons)

    def has_import_permission(self, request):
        return request.user.is_active and request.user.is_staff and roles.of(request.user).is_manager

    def has_export_permission(self, request):
        return self.has_import_permission(request)

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}
