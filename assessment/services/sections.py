"""Saving one section of an application on its own (the page's form, the autosave, the API), and
remembering where each person was so that coming back opens that section."""

from django.contrib.auth.models import User
from django.db import transaction

from workflow import clock

from ..models import Application, EditingPlace
from ..sections import Section, fields_of
from .applications import application_update


def section_save(*, application: Application, actor: User, section: Section, **fields) -> Application:
    """Save the fields of `section` only (other sections, saved by someone else meanwhile, are untouched)."""
    allowed = fields_of(application, section)
    unknown = set(fields) - set(allowed)
    if unknown:
        raise TypeError(f"These details are not in the section “{section.title}”: {', '.join(sorted(unknown))}.")
    with transaction.atomic():
        application = application_update(application=application, actor=actor, **fields)
        EditingPlace.objects.update_or_create(
            application=application, user=actor, defaults={"section": section.slug, "saved_at": clock.now()}
        )
        return application


def editing_place(*, application: Application, user: User) -> str | None:
    """The section `user` last saved in `application`, or None."""
    if user.pk is None:
        return None
    return EditingPlace.objects.filter(application=application, user=user).values_list("section", flat=True).first()
