"""The columns of an import or export: which attribute each header means, the headers people type
instead, and the order they are written in. Mixed into ExchangeResource."""

from django.core.exceptions import NON_FIELD_ERRORS

from .cells import lookup_key


class ColumnsMixin:
    """Needs the resource's `fields`, `key_attribute`, `_meta`, and the caches `_imported` and `_simple`."""

    @property
    def key_column(self) -> str:
        return next(f.column_name for f in self.fields.values() if f.attribute == self.key_attribute)

    def column_for(self, attribute: str) -> str:
        for f in self.fields.values():
            if f.attribute == attribute:
                return f.column_name
        return "" if attribute == NON_FIELD_ERRORS else attribute

    def imported_attributes(self) -> list[str]:
        if self._imported is None:
            self._imported = [f.attribute for f in self.get_import_fields() if f.attribute and not f.readonly]
        return self._imported

    def _simple_fields(self, model) -> list:
        """Imported columns that Field.clean() checks without a query (not the foreign keys, which the
        lookups have already found)."""
        if self._simple is None:
            imported = set(self.imported_attributes())
            self._simple = [f for f in model._meta.concrete_fields if f.name in imported and not f.is_relation]
        return self._simple

    def header_aliases(self) -> dict[str, str]:
        """Other spellings of the headers people use: `local_authority` for `Local authority`."""
        aliases = {}
        for f in self.fields.values():
            aliases[lookup_key(f.column_name)] = f.column_name
            aliases[lookup_key(f.column_name).replace(" ", "_")] = f.column_name
            if f.attribute:
                aliases[lookup_key(f.attribute)] = f.column_name
        return aliases

    def get_export_order(self):
        return tuple(self._meta.fields)

    def get_import_fields(self):
        return [f for f in self.fields.values() if not f.readonly and f.attribute]
