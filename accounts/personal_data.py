"""Everything Exchange holds about one person, and erasing it (UK GDPR: the right of access and to erasure).

Both walk the models rather than a list of them, so a model added later (in any app) that points at a person
is exported and pseudonymised without anyone remembering to add it here:

- **Export**: the account, memberships, second-factor devices (names only, never secrets), every row of any
  model with a foreign key (or many-to-many) to the person, their audit and sign-in log entries, and the admin's
  history of their own account. Other people are left out: another person's key on a row is dropped, and log
  entries where someone else acted on the person say "another person".
- **Erasure**: the user row stays (transition and money logs point at it and keep every total), but its
  name, username and email become a pseudonym, the password unusable and the account inactive; memberships,
  API tokens and second-factor devices go; the name and email are replaced by the pseudonym in every text
  column of every model (notes, descriptions, audit details, admin history), and the sign-in logs and
  lock-outs that carry the username get the pseudonym. Higher apps register what else to forget
  (`on_erase`: reporting drops its stored PDFs, which may carry the name).
"""

import re
import secrets
from collections.abc import Callable

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.base_user import AbstractBaseUser
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models, transaction
from django.utils import timezone

from .audit import record
from .models import AuditEvent, ErasedPerson, OrganisationMembership

FORMAT_VERSION = 1
# Read or changed by name below, or secrets that are never exported.
OWN_MODELS = {
    "auth.User",
    "accounts.OrganisationMembership",
    "accounts.AuditEvent",
    "accounts.ErasedPerson",
    "admin.LogEntry",
    "authtoken.Token",
    "authtoken.TokenProxy",
    "sessions.Session",
    "socialaccount.SocialToken",
}
SECRET_APPS = {"otp_totp", "otp_static", "otp_email", "otp_hotp", "django_otp_webauthn"}
SIGN_IN_LOGS = ("axes.AccessAttempt", "axes.AccessLog", "axes.AccessFailureLog")
ANOTHER_PERSON = "another person"

_erase_hooks: list[Callable[[AbstractBaseUser], None]] = []


class ErasureRefused(Exception):
    """An erasure that must not happen (yourself, someone already erased); the message says why."""


def on_erase(hook: Callable[[AbstractBaseUser], None]) -> None:
    """Register `hook(user)`, run in the erasure's transaction after the person's details are replaced."""
    if hook not in _erase_hooks:
        _erase_hooks.append(hook)


# Export ---------------------------------------------------------------------------------------------------


def _user_model():
    return get_user_model()


def _links():
    """(model, field) for every foreign key, one-to-one or many-to-many pointing at a person."""
    User = _user_model()
    for model in apps.get_models():
        if model._meta.label in OWN_MODELS or model._meta.app_label in SECRET_APPS or model._meta.proxy:
            continue
        for field in [*model._meta.concrete_fields, *model._meta.many_to_many]:
            if field.is_relation and field.related_model is User:
                yield model, field


def _row(obj) -> dict:
    """A row's own values: other people's keys are dropped, other records are given by id."""
    User = _user_model()
    out: dict = {"record": str(obj)}
    for field in obj._meta.concrete_fields:
        if field.is_relation and field.related_model is User:
            continue
        value = getattr(obj, field.attname)
        if isinstance(field, models.FileField):
            value = value.name if value else ""
        out[field.attname if field.is_relation else field.name] = value
    return out


def _records(user) -> dict[str, list[dict]]:
    found: dict[str, dict[int, dict]] = {}
    for model, field in _links():
        rows = found.setdefault(f"{model._meta.label} ({model._meta.verbose_name_plural})", {})
        for obj in model._default_manager.filter(**{field.name: user}).order_by("pk"):
            entry = rows.setdefault(obj.pk, _row(obj) | {"names_you_as": []})
            entry["names_you_as"].append(str(field.verbose_name))
    return {label: list(rows.values()) for label, rows in sorted(found.items()) if rows}


def _audit(user) -> list[dict]:
    events = AuditEvent.objects.filter(models.Q(actor=user) | models.Q(username=user.get_username()))
    out = []
    for event in events.order_by("at", "id"):
        own = event.actor_id == user.pk or (event.actor_id is None and event.kind != AuditEvent.Kind.ERASURE)
        detail = event.detail
        if not own and event.actor_id is not None:
            detail = _without_other_person(detail, event.actor)
        out.append(
            {
                "at": event.at,
                "what": event.get_kind_display(),
                "detail": detail,
                # Someone else's address is theirs, not this person's.
                "ip_address": event.ip_address if own else None,
                "by": "you" if event.actor_id == user.pk else (ANOTHER_PERSON if event.actor_id else ""),
            }
        )
    return out


def _without_other_person(text: str, other) -> str:
    if other is None:
        return text
    for term in _terms(other):
        text = re.sub(re.escape(term), ANOTHER_PERSON, text, flags=re.IGNORECASE)
    return re.sub(rf"\b{re.escape(other.get_username())}\b", ANOTHER_PERSON, text)


def _admin_history(user) -> list[dict]:
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type = ContentType.objects.get_for_model(_user_model())
    entries = LogEntry.objects.filter(
        models.Q(user=user) | models.Q(content_type=user_type, object_id=str(user.pk))
    ).order_by("action_time", "id")
    out = []
    for entry in entries:
        about_someone_else = entry.content_type_id == user_type.pk and entry.object_id != str(user.pk)
        out.append(
            {
                "at": entry.action_time,
                "by": "you" if entry.user_id == user.pk else ANOTHER_PERSON,
                "record": ANOTHER_PERSON if about_someone_else else entry.object_repr,
                "change": entry.get_change_message(),
            }
        )
    return out


def _sign_in_logs(user) -> list[dict]:
    out = []
    for label in SIGN_IN_LOGS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for row in model._default_manager.filter(username=user.get_username()).order_by("pk"):
            when = getattr(row, "attempt_time", None)
            out.append(
                {
                    "log": str(model._meta.verbose_name),
                    "at": when,
                    "ip_address": getattr(row, "ip_address", None),
                    "user_agent": getattr(row, "user_agent", ""),
                }
            )
    return out


def _second_factor(user) -> list[dict]:
    out = []
    for label in ("otp_totp.TOTPDevice", "otp_static.StaticDevice", "django_otp_webauthn.WebAuthnCredential"):
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        for device in model._default_manager.filter(user=user):
            out.append(
                {"kind": str(model._meta.verbose_name), "name": device.name, "confirmed": device.confirmed}
                | ({"added": device.created_at, "last_used": device.last_used_at} if hasattr(device, "aaguid") else {})
            )
    return out


def export(user) -> dict:
    """Everything held about `user`, as JSON-ready data (dates and amounts become text with `dumps`)."""
    return {
        "format": "Exchange personal data export",
        "version": FORMAT_VERSION,
        "exported_at": timezone.now(),
        "account": {
            "username": user.get_username(),
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            "date_joined": user.date_joined,
            "last_login": user.last_login,
            "is_active": user.is_active,
            "is_staff": user.is_staff,
            "is_superuser": user.is_superuser,
            "groups": sorted(user.groups.values_list("name", flat=True)),
        },
        "memberships": [
            {
                "organisation": m.organisation.name,
                "organisation_id": m.organisation_id,
                "role": m.get_role_display(),
                "job_title": m.job_title,
            }
            for m in OrganisationMembership.objects.filter(user=user).select_related("organisation")
        ],
        "second_factor_devices": _second_factor(user),
        "api_tokens": _tokens(user),
        "records": _records(user),
        "audit_log": _audit(user),
        "sign_in_log": _sign_in_logs(user),
        "admin_history": _admin_history(user),
    }


def _tokens(user) -> list[dict]:
    try:
        Token = apps.get_model("authtoken", "Token")
    except LookupError:
        return []
    return [{"created": t.created} for t in Token.objects.filter(user=user)]  # never the key itself


def dumps(data: dict) -> str:
    import json

    return json.dumps(data, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)


def export_recorded(*, user, actor, request=None, how: str) -> str:
    """The export as JSON text, with an audit event saying who took it and how."""
    text = dumps(export(user))
    record(
        AuditEvent.Kind.DATA_EXPORT,
        actor=actor,
        username=user.get_username(),
        detail=f"Personal data exported ({how})"
        + ("" if actor is None or actor.pk == user.pk else f" by {actor.get_username()}"),
        request=request,
    )
    return text


# Erasure --------------------------------------------------------------------------------------------------


def _terms(user) -> list[str]:
    """What names a person in free text: their full name and email (a bare username is often a word such
    as "manager", so it is replaced only where it is known to be a username)."""
    terms = []
    full = user.get_full_name().strip()
    if len(full.split()) >= 2:
        terms.append(full)
    if user.email:
        terms.append(user.email)
    return terms


def _new_pseudonym() -> str:
    while True:
        token = secrets.token_hex(4)
        if not ErasedPerson.objects.filter(pseudonym__endswith=token).exists():
            return token


def erase_refusal(*, user, actor) -> str | None:
    if ErasedPerson.objects.filter(user=user).exists():
        return f"{user.get_username()} has already been erased."
    if actor is not None and actor.pk == user.pk:
        return "You cannot erase yourself: ask another administrator."
    return None


def _scrub_text(replacements: list[tuple[str, str]], email_replacement: str) -> int:
    """Replace each term in every text column of every model; returns the number of values changed."""
    changed = 0
    for model in apps.get_models():
        if model._meta.proxy or not model._meta.managed:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, models.CharField | models.TextField) or field.choices or field.primary_key:
                continue
            if field.name == "password":
                continue
            for term, replacement in replacements:
                if isinstance(field, models.EmailField) and "@" in term:
                    replacement = email_replacement
                rows = model._default_manager.filter(**{f"{field.name}__icontains": term}).values_list("pk", field.name)
                for pk, value in rows:
                    new = re.sub(re.escape(term), replacement, value or "", flags=re.IGNORECASE)
                    if field.max_length:
                        new = new[: field.max_length]
                    model._default_manager.filter(pk=pk).update(**{field.name: new})
                    changed += 1
    return changed


@transaction.atomic
def erase(*, user, actor, request=None) -> ErasedPerson:
    """Replace `user`'s personal details by a pseudonym everywhere; keep every log row and total."""
    refusal = erase_refusal(user=user, actor=actor)
    if refusal:
        raise ErasureRefused(refusal)
    User = _user_model()
    user = User.objects.select_for_update().get(pk=user.pk)
    token = _new_pseudonym()
    old_username = user.get_username()
    new_username = f"erased-{token}"
    pseudonym = f"Erased person {token}"
    email_replacement = f"{new_username}@erased.invalid"
    terms = _terms(user)

    OrganisationMembership.objects.filter(user=user).delete()
    for label in (
        "otp_totp.TOTPDevice",
        "otp_static.StaticDevice",
        "django_otp_webauthn.WebAuthnCredential",  # its attestation goes with it
        "django_otp_webauthn.WebAuthnUserHandle",
        "authtoken.Token",
        "socialaccount.SocialAccount",  # the link to their organisation's account, with its claims
        "account.EmailAddress",
    ):
        try:
            apps.get_model(label)._default_manager.filter(user=user).delete()
        except LookupError:
            continue
    user.username = new_username
    user.first_name, user.last_name = "Erased person", token
    user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()  # also ends every session (their hash no longer matches)
    user.save()
    user.groups.clear()
    user.user_permissions.clear()

    _scrub_text([(term, pseudonym) for term in terms], email_replacement)
    AuditEvent.objects.filter(username=old_username).update(username=new_username)
    # Audit details name the person who acted as "by <username>" (accounts.audit); a bare username is often a
    # word ("manager"), so only that form is replaced.
    for event in AuditEvent.objects.filter(detail__contains=f"by {old_username}"):
        event.detail = re.sub(rf"\bby {re.escape(old_username)}\b", f"by {new_username}", event.detail)
        event.save(update_fields=["detail"])
    _rename_in_admin_history(user, new_username)
    for label in SIGN_IN_LOGS:
        try:
            model = apps.get_model(label)
        except LookupError:
            continue
        model._default_manager.filter(username=old_username).update(username=new_username)
    erased = ErasedPerson.objects.create(user=user, pseudonym=pseudonym)
    for hook in _erase_hooks:
        hook(user)
    record(
        AuditEvent.Kind.ERASURE,
        actor=actor,
        username=new_username,
        detail=f"Personal details replaced by the pseudonym {pseudonym}"
        + (f" (by {actor.get_username()})" if actor is not None else " (from the command line)"),
        request=request,
    )
    return erased


def _rename_in_admin_history(user, new_username: str) -> None:
    LogEntry = apps.get_model("admin", "LogEntry")
    ContentType = apps.get_model("contenttypes", "ContentType")
    user_type = ContentType.objects.get_for_model(_user_model())
    LogEntry.objects.filter(content_type=user_type, object_id=str(user.pk)).update(object_repr=new_username)
