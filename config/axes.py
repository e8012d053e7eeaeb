"""The username django-axes records for a failed sign-in, cut to fit its column.

Django's sign-in form does not refuse a username longer than the user model's (it only sets the
input's maxlength), so a hostile post of a 300-character username reaches axes, whose AccessAttempt
column holds 255: PostgreSQL refuses that (a 500), SQLite stores it. A name that long matches no
account, so cutting it changes nothing about who is locked out.
"""

MAX_LENGTH = 255


def username(request, credentials=None) -> str | None:
    from axes.conf import settings

    field = settings.AXES_USERNAME_FORM_FIELD
    value = (credentials or {}).get(field) if credentials else None
    if value is None and request is not None:
        value = request.POST.get(field)
    return None if value is None else str(value)[:MAX_LENGTH]
