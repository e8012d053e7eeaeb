"""Free text people write: how long it may be, what is removed from it, and how it prints.

Lengths: every free-text field has a length a person would write (NARRATIVE for a section of an update,
an evaluation or a description; NOTE for a step's note, a reason or a result's note); the model fields
carry them (text_field), so ModelForms, ModelSerializers, the services' full_clean and the admin refuse
more, and the plain forms and serializers read the same numbers.

Cleaning: bidirectional control characters (U+202A-U+202E embeddings and overrides, U+2066-U+2069
isolates, and U+200E/U+200F marks) let "live" print as "evil"; nobody types them on purpose. clean_text
removes them. It runs on every save of a model in Exchange's apps (a pre_save receiver, so pages, API,
admin and services are all covered) and on every imported cell (importing.cells.cell_text).

Printing: WeasyPrint's line breaking is far slower on a run of text with no break opportunity
(50,000 characters without a space took 55 s), so for_print also puts a zero-width space into any run
longer than BREAK_EVERY characters: the report wraps there, whatever CSS it has.
"""

import re

from django.core.validators import MaxLengthValidator
from django.db import models

NARRATIVE = 3000
NOTE = 1000
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f"
_BIDI = re.compile(f"[{BIDI_CONTROLS}]")
BREAK_EVERY = 30
_UNBROKEN = re.compile(rf"[^\s\u200b]{{{BREAK_EVERY}}}(?=[^\s\u200b])")
APPS = frozenset({"workflow", "accounts", "partnerships", "grants", "reporting", "assessment", "support", "demo"})


def clean_text(value):
    """`value` without bidirectional control characters (anything not a str is returned as it is)."""
    if value.__class__ is not str or not _BIDI.search(value):
        return value
    return _BIDI.sub("", value)


def for_print(value):
    """Report data ready for the PDF: every string cleaned and breakable; dicts and lists walked."""
    if isinstance(value, str):
        return _UNBROKEN.sub(lambda m: m.group(0) + "\u200b", clean_text(value))
    if isinstance(value, dict):
        return {key: for_print(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(for_print(item) for item in value)
    return value


def text_field(*args, max_length: int = NARRATIVE, **kwargs) -> models.TextField:
    """A TextField whose length is checked by full_clean too (Django's TextField passes max_length only to
    forms), so the services refuse what the forms and serializers refuse."""
    return models.TextField(*args, max_length=max_length, validators=[MaxLengthValidator(max_length)], **kwargs)


def clean_instance_text(sender, instance, **kwargs) -> None:
    """pre_save: clean every text column of a model in Exchange's own apps before it is written."""
    if sender._meta.app_label not in APPS:
        return
    for field in sender._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField):
            value = getattr(instance, field.attname)
            cleaned = clean_text(value)
            if cleaned is not value:
                setattr(instance, field.attname, cleaned)
