"""What keeps the admin as scoped as the pages and the API, for anyone who is not an administrator.

- Every related field a person can edit takes its choices from a scoped selector named in the admin's
  (or inline's) `related_scopes`; the form field validates against that queryset on save, so an id
  outside the person's scope reads "Select a valid choice…", exactly like an id that does not exist.
  A related field without a scope is a programming error (ImproperlyConfigured), not an open door.
- Autocomplete suggestions come from the same selector as the field they fill.
- Relation list filters offer only values found on the rows the person may see.
- Writes go through the services: a refusal they raise (or a ValidationError) rolls the whole save back
  and the form comes back with the refusal's words and everything typed kept.
"""

from django.contrib import admin
from django.contrib.admin.utils import get_fields_from_path
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.forms import ModelChoiceField
from django.forms.models import BaseInlineFormSet, _get_foreign_key
from django.urls import reverse

from accounts import roles

from .errors import TransitionRefused

REFUSAL_ATTR = "_exchange_admin_refusal"


def is_admin(request) -> bool:
    return roles.of(request.user).is_admin


class ScopedRelationsMixin:
    """For ModelAdmin and InlineModelAdmin: `related_scopes = {"award": award_list, …}`, each a
    selector called as `selector(user=…)` returning the queryset a non-administrator may pick from."""

    related_scopes: dict = {}

    def related_scope(self, request, field_name: str):
        selector = self.related_scopes.get(field_name)
        return None if selector is None else selector(user=request.user)

    def _parent_link(self):
        parent = getattr(self, "parent_model", None)
        if parent is None:
            return None
        return _get_foreign_key(parent, self.model, fk_name=getattr(self, "fk_name", None)).name

    def _needs_scope(self, db_field) -> bool:
        if not (db_field.is_relation and db_field.editable) or db_field.name == self._parent_link():
            return False
        # A many-to-many through a model of its own is edited by that model's inline, never as a field.
        return not (db_field.many_to_many and not db_field.remote_field.through._meta.auto_created)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if self._needs_scope(db_field) and not is_admin(request):
            queryset = self.related_scope(request, db_field.name)
            if queryset is None:
                raise ImproperlyConfigured(
                    f"{type(self).__name__}: “{db_field.name}” is a related field a non-administrator can edit; "
                    "give it a scoped selector in related_scopes or make it read-only."
                )
            kwargs["queryset"] = queryset
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class ScopedInlineFormSet(BaseInlineFormSet):
    """Django checks a row's own id against every row of the model, so another parent's row id posted
    in a new row would pass where a missing one fails: here it is checked against this parent's rows."""

    def add_fields(self, form, index):
        super().add_fields(form, index)
        row_id = form.fields.get(self._pk_field.name)
        if isinstance(row_id, ModelChoiceField):
            row_id.queryset = self.get_queryset()


def source_field_scope(admin_site, request, queryset):
    """For an autocomplete request: `queryset` narrowed to the scope of the field being filled
    (nothing, for a field no admin scopes)."""
    from django.apps import apps

    try:
        source = apps.get_model(request.GET["app_label"], request.GET["model_name"])
        field_name = request.GET["field_name"]
    except (KeyError, LookupError, ValueError):
        return queryset.none()
    for model_admin in admin_site._registry.values():
        holders = [model_admin] if model_admin.model is source else []
        holders += [inline(model_admin.model, admin_site) for inline in model_admin.inlines if inline.model is source]
        for holder in holders:
            scope = holder.related_scope(request, field_name) if hasattr(holder, "related_scope") else None
            if scope is not None:
                return queryset.filter(pk__in=scope.values("pk"))
    return queryset.none()


class ScopedAdminMixin(ScopedRelationsMixin):
    """The ModelAdmin side: filters, autocomplete and the refusal round trip."""

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if is_admin(request):
            return filters
        return [self._only_visible(entry) for entry in filters]

    def _only_visible(self, entry):
        if isinstance(entry, str) and get_fields_from_path(self.model, entry)[-1].is_relation:
            return (entry, admin.RelatedOnlyFieldListFilter)
        return entry

    def get_search_results(self, request, queryset, search_term):
        queryset, distinct = super().get_search_results(request, queryset, search_term)
        if not is_admin(request) and request.path == reverse(f"{self.admin_site.name}:autocomplete"):
            queryset = source_field_scope(self.admin_site, request, queryset)
        return queryset, distinct

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except (TransitionRefused, ValidationError) as refusal:
            # The view's transaction has rolled back: nothing of this save is kept. Show the form again,
            # with what was typed and the refusal in words.
            setattr(request, REFUSAL_ATTR, refusal)
            return super().changeform_view(request, object_id, form_url, extra_context)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, REFUSAL_ATTR, None)
        return form if refusal is None else refused_form(form, refusal)


def refused_form(form_class, refusal):
    class Refused(form_class):
        def clean(self):
            data = super().clean()
            if isinstance(refusal, TransitionRefused):
                raise ValidationError(refusal.reason)
            if hasattr(refusal, "error_dict"):
                for field, errors in refusal.error_dict.items():
                    self.add_error(field if field in self.fields else None, errors)
                return data
            raise ValidationError(refusal.messages)

    Refused.__name__ = form_class.__name__
    return Refused
