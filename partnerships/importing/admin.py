"""Import (with its preview) and export of the filtered list in the admin."""

from django import forms
from django.contrib import messages
from django.http import HttpResponseRedirect
from django.urls import reverse
from import_export.admin import ExportActionMixin, ImportExportMixin
from import_export.formats import base_formats
from import_export.forms import ImportForm

from accounts import roles

from . import formulae
from .running import check_import_size, csv_shape_problem, decode_text


class TextAsItComes:
    """A CSV or JSON read as bytes and decoded as the command line does: UTF-8, else Windows-1252 (as
    GIAS serves its extracts and Excel on Windows saves), never a UnicodeDecodeError on the page."""

    def get_read_mode(self):
        return "rb"

    def is_binary(self):
        return True  # the admin then keeps the upload as bytes; create_dataset decodes it

    def create_dataset(self, in_stream, **kwargs):
        if isinstance(in_stream, bytes):
            in_stream = decode_text(in_stream, name="The file", kind=self.get_title().upper())
        try:
            return super().create_dataset(in_stream, **kwargs)
        except Exception as error:
            shape = csv_shape_problem(in_stream) if self.get_title().upper() == "CSV" else None
            if shape:
                raise ValueError(f"The file: {shape}") from error
            raise


class CSVAsItComes(TextAsItComes, base_formats.CSV):
    pass


class JSONAsItComes(TextAsItComes, base_formats.JSON):
    pass


class SizeLimitedImportForm(ImportForm):
    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        try:
            check_import_size(upload.name, upload.size)
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class ExchangeAdminMixin(ImportExportMixin, ExportActionMixin):
    """Import (with its preview) and export of the filtered list, for administrators and
    programme managers; the resource acts as the signed-in person (scope, money log)."""

    formats = formulae.FORMATS  # CSV and XLSX exports neutralise formulae (formulae.neutralise)
    import_form_class = SizeLimitedImportForm  # over IMPORT_MAX_BYTES: refused before it is stored or read
    import_template_name = "admin/import_export/exchange_import.html"  # problems grouped by cause, no traceback
    skip_admin_log = True  # the money log and the records' own fields say who imported what
    show_change_form_export = False  # a workflow's change page keeps its own template (transition buttons)

    def has_import_permission(self, request):
        return request.user.is_active and request.user.is_staff and roles.of(request.user).is_manager

    def has_export_permission(self, request):
        return self.has_import_permission(request)

    def process_import(self, request, **kwargs):
        """The confirm step reads the file kept from the preview: gone (confirmed twice, or a tampered
        name) is a message and the import page again, not a server error."""
        try:
            return super().process_import(request, **kwargs)
        except FileNotFoundError:
            messages.error(request, "That import was already done or has expired: choose the file again.")
            opts = self.model._meta
            return HttpResponseRedirect(reverse(f"admin:{opts.app_label}_{opts.model_name}_import"))

    def add_data_read_fail_error_to_form(self, form, e):
        """A file that cannot be read, in words (django-import-export names the Python exception)."""
        if isinstance(e, ValueError) and str(e):
            form.add_error("import_file", str(e))
        else:
            form.add_error(
                "import_file",
                "The file could not be read as the format chosen: check it is a .csv, .xlsx or .json file as "
                "its name says, and that the format below matches it.",
            )

    def get_import_formats(self):
        return [CSVAsItComes, base_formats.XLSX, JSONAsItComes]

    def get_import_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}

    def get_export_resource_kwargs(self, request, **kwargs):
        return {"user": request.user}
