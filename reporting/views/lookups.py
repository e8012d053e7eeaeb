"""What the reporting pages share: finding what the URL names within the reader's scope, or a 404."""

import datetime as dt

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404

from grants.subjects import Subject, kind_named


def get_or_404(fn, **kwargs):
    try:
        return fn(**kwargs)
    except (ObjectDoesNotExist, LookupError, ValueError) as error:
        raise Http404("Not found, or not yours to see.") from error


def subject_or_404(user, kind: str, pk) -> Subject:
    """The award or project a URL names (/schedule/award/12/), if the reader may see it."""
    try:
        found = kind_named(kind)
    except KeyError as error:
        raise Http404("Unknown kind of work.") from error
    return Subject(get_or_404(found.selector(user=user).get, pk=pk))


def parse_date(value: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError) as error:
        raise Http404("Not a date.") from error


def chosen(qs, value):
    if not value:
        return None
    try:
        return qs.get(pk=int(value))
    except (ValueError, ObjectDoesNotExist) as error:
        raise Http404("Not found, or not yours to see.") from error
