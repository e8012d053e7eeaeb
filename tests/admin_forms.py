"""Post an admin form as a person would: every field the page shows, with the values it shows
(inline formsets and their management forms included), changed where a test says so."""

import datetime as dt

from django.forms import MultiWidget


def _encode(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "on" if value else None
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    if hasattr(value, "pk"):
        return str(value.pk)
    return str(value)


def _form_data(form) -> dict:
    data = {}
    for name, field in form.fields.items():
        bound = form[name]
        value = bound.value()
        key = bound.html_name
        if isinstance(field.widget, MultiWidget):
            parts = field.widget.decompress(value) if not isinstance(value, list) else value
            for i, part in enumerate(parts):
                data[f"{key}_{i}"] = _encode(part)
            continue
        if isinstance(value, (list, tuple)):
            data[key] = [_encode(v) for v in value]
            continue
        encoded = _encode(value)
        if encoded is not None:
            data[key] = encoded
    return data


def admin_form_data(response) -> dict:
    """The data the admin add/change page in `response` would post unchanged."""
    context = response.context
    data = _form_data(context["adminform"].form)
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        data.update(_form_data(formset.management_form))
        for form in formset.forms:
            data.update(_form_data(form))
    return data


def form_errors(response) -> dict:
    """{field: [messages]} for the main form and every inline form ('<prefix>-<n>-<field>'), plus '__all__'."""
    context = response.context
    if context is None or "adminform" not in context:
        return {}
    errors = {k: list(v) for k, v in context["adminform"].form.errors.items()}
    for inline in context.get("inline_admin_formsets", []):
        formset = inline.formset
        for form in formset.forms:
            for name, messages in form.errors.items():
                errors[f"{form.prefix}-{name}"] = list(messages)
        if formset.non_form_errors():
            errors[f"{formset.prefix}-__all__"] = list(formset.non_form_errors())
    return errors
