"""One code path for every state change: check who and what, move, save, log — in one transaction."""

from dataclasses import dataclass
from decimal import Decimal
from typing import Any, TypeVar

from django.apps import apps
from django.contrib.auth.models import User
from django.contrib.contenttypes.models import ContentType
from django.db import connections, models, transaction
from django.db.models import DateTimeField, DecimalField, F, IntegerField, TextField, Value
from django.db.models.functions import Substr

from . import clock
from .errors import PermissionRefused, StepInputInvalid, TransitionRefused
from .models import MoneyChange, TransitionLog
from .rules import refusal_message
from .text import NOTE

M = TypeVar("M", bound=models.Model)


@dataclass(frozen=True)
class TransitionInfo:
    name: str
    label: str
    target: str
    note_required: bool
    style: str  # "primary", "secondary" or "warning": how a page draws the button


def _meta(obj, name: str):
    method = getattr(obj, name, None)
    meta = getattr(method, "_django_fsm", None)
    if meta is None:
        raise StepInputInvalid(f"“{name}” is not a step that {obj._meta.verbose_name} can take.")
    return meta


def state_label(obj, state: str) -> str:
    """A state's readable name ("under_review" -> "Under review"), also for a state no longer in the choices."""
    field = obj._meta.get_field("state")
    return str(dict(field.choices).get(state, state.replace("_", " ").capitalize()))


def done_message(obj, info: TransitionInfo) -> str:
    """What a step did, in words: "Start assessment — 360G-WMEX-00012 Reading recovery is now “In assessment”." """
    return f"{info.label} — {obj} is now “{state_label(obj, info.target)}”."


def transition_info(obj, name: str) -> TransitionInfo:
    meta = _meta(obj, name)
    transition = next(iter(meta.transitions.values()))
    custom = transition.custom
    return TransitionInfo(
        name=name,
        label=custom.get("label", name.replace("_", " ").capitalize()),
        target=transition.target,
        note_required=custom.get("note_required", False),
        style=custom.get("style", "secondary"),
    )


def transition_refusal(
    obj, name: str, user, note: str = "", *, check_conditions: bool = True
) -> TransitionRefused | None:
    """Why `user` may not take transition `name` on `obj` now, or None if they may.

    The one refusal of every step, asked by the service before it moves (apply_transition) and by pages
    and the API to offer the step (available_transitions, with check_conditions=False: the state, the
    permission and the rules about the person — separation of duties — but not the conditions, which
    may read other rows and are explained when the step is taken)."""
    meta = _meta(obj, name)
    info = transition_info(obj, name)
    current = obj.state
    transition = meta.get_transition(current)
    noun = obj._meta.verbose_name
    if transition is None:
        return TransitionRefused(
            f"This {noun} is {state_label(obj, current).lower()}, so it cannot be moved with “{info.label}”."
        )
    if not transition.has_perm(obj, user):
        return PermissionRefused(f"You do not have permission to “{info.label}” this {noun}.")
    for rule in transition.custom.get("person_rules", ()):
        if not rule(obj, user):
            return PermissionRefused(refusal_message(rule, obj))
    if not check_conditions:
        return None
    for condition in transition.conditions:
        if not condition(obj):
            return TransitionRefused(refusal_message(condition, obj))
    if info.note_required and not note.strip():
        return StepInputInvalid(f"Please give a reason: “{info.label}” needs a note that the other side will read.")
    if len(note) > NOTE:
        return StepInputInvalid(f"The note is {len(note):,} characters long: keep it to {NOTE:,}.")
    return None


def available_transitions(obj, user) -> list[TransitionInfo]:
    """The steps `user` may take on `obj` now (state, permission and the rules about the person;
    conditions are explained on refusal, so a list of many rows costs no query per row)."""
    field = obj._meta.get_field("state")
    result = []
    for transition in field.get_all_transitions(obj.__class__):
        if transition.source not in (obj.state, "*"):
            continue
        if transition_refusal(obj, transition.name, user, check_conditions=False) is not None:
            continue
        info = transition_info(obj, transition.name)
        if info not in result:
            result.append(info)
    return result


def set_fields(obj, fields: dict, allowed: tuple) -> None:
    """Copy the details a form or API sent onto `obj`, refusing any field not open to editing here."""
    unknown = set(fields) - set(allowed)
    if unknown:
        # The form or serializer chose the fields: another one here is a programming mistake, not input.
        raise TypeError(f"These details cannot be changed here: {', '.join(sorted(unknown))}.")
    for name, value in fields.items():
        setattr(obj, name, value)


def log_transition(obj, *, name: str, source: str, actor: User, note: str = "") -> TransitionLog:
    return TransitionLog.objects.create(
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        transition=name,
        source=source,
        target=obj.state,
        actor=actor,
        note=note,
    )


def log_money_change(obj, *, field: str, old: Decimal | None, new: Decimal | None, actor: User, note: str = ""):
    if old == new:
        return None
    return MoneyChange.objects.create(
        content_type=ContentType.objects.get_for_model(obj.__class__),
        object_id=obj.pk,
        object_repr=str(obj)[:300],
        field=field,
        old_amount=old,
        new_amount=new,
        actor=actor,
        note=note,
    )


_AFTER_TRANSITION: dict[tuple[str, str], list] = {}


def add_condition(model_label: str, name: str, condition) -> None:
    """Add a condition (a @guard function of the object) to step `name` of `model_label` ("grants.Award").

    How a higher layer's rule joins a lower layer's step without the lower one naming the higher one's
    fields: reporting adds "the final update is accepted" and "the evaluation is complete" to closing
    an award or a project. The condition joins the step's own (after them), so django-fsm, every door
    and `transition_refusal` see one list. Registered once, in an AppConfig.ready()."""
    meta = getattr(apps.get_model(model_label), name)._django_fsm
    for step in meta.transitions.values():
        if condition not in step.conditions:
            # A new list: django-fsm shares one default list between every step declared without conditions.
            step.conditions = [*step.conditions, condition]


def after_transition(model_label: str, name: str, hook) -> None:
    """Run `hook(obj, actor)` in the same transaction after step `name` of `model_label` ("grants.Award").

    How a higher layer adds to a lower layer's workflow without the lower one importing it: reporting
    opens the evaluation when an award or project begins evaluation, whichever page, API or admin took
    the step. Registered once, in an AppConfig.ready()."""
    hooks = _AFTER_TRANSITION.setdefault((model_label, name), [])
    if hook not in hooks:
        hooks.append(hook)


def apply_transition(obj, name: str, *, actor: User, note: str = "", **kwargs):
    """Move an already locked `obj` through `name`, save it and log it. Call inside atomic()."""
    refusal = transition_refusal(obj, name, actor, note)
    if refusal is not None:
        raise refusal
    source = obj.state
    getattr(obj, name)(**kwargs)
    obj.save()
    log_transition(obj, name=name, source=source, actor=actor, note=note)
    for hook in _AFTER_TRANSITION.get((obj._meta.label, name), ()):
        hook(obj, actor)
    return obj


def lock(model: type[M], pk) -> M:
    return model._default_manager.select_for_update().get(pk=pk)


def run_transition(obj, name: str, *, actor: User, note: str = "", **kwargs):
    """Lock the row, then apply the transition, in one transaction. Returns the fresh object."""
    with transaction.atomic():
        locked = lock(obj.__class__, obj.pk)
        return apply_transition(locked, name, actor=actor, note=note, **kwargs)


def history(obj):
    """The stage timeline of `obj`, each entry carrying the states' readable names (`source_label`, `target_label`)."""
    entries: list[Any] = list(  # each entry gains two attributes for the template
        TransitionLog.objects.filter(
            content_type=ContentType.objects.get_for_model(obj.__class__), object_id=obj.pk
        ).select_related("actor")
    )
    for entry in entries:
        entry.source_label = state_label(obj, entry.source)
        entry.target_label = state_label(obj, entry.target)
    return entries


def archive(obj, *, actor: User, note: str = "", allowed: bool):
    """Take a finished piece of work out of the working lists, keeping it and its history.
    Call inside atomic() with `obj` locked; `allowed` is the caller's permission decision."""
    noun = obj._meta.verbose_name
    if not allowed:
        raise PermissionRefused(f"Only a programme manager of this {noun} can archive it.")
    if obj.state not in obj.FINISHED_STATES:
        finished = ", ".join(state_label(obj, s).lower() for s in obj.FINISHED_STATES)
        raise TransitionRefused(
            f"Only a finished {noun} ({finished}) can be archived; this one is {state_label(obj, obj.state).lower()}."
        )
    if obj.archived_at is not None:
        raise TransitionRefused(f"This {noun} is already archived.")
    obj.archived_at = clock.now()
    obj.save(update_fields=["archived_at", "updated_at"])
    log_transition(obj, name="archive", source=obj.state, actor=actor, note=note or "Archived")
    return obj


def log_money_changes(changes, *, actor: User, note: str = "") -> list[MoneyChange]:
    """`log_money_change` for many objects in one insert (imports): `changes` holds
    (obj, field, old, new) tuples; unchanged amounts are not logged."""
    content_types: dict[type[models.Model], ContentType] = {}
    rows = [
        MoneyChange(
            content_type=content_types.get(obj.__class__)
            or content_types.setdefault(obj.__class__, ContentType.objects.get_for_model(obj.__class__)),
            object_id=obj.pk,
            object_repr=str(obj)[:300],
            field=field,
            old_amount=old,
            new_amount=new,
            actor=actor,
            note=note,
        )
        for obj, field, old, new in changes
        if old != new
    ]
    return MoneyChange.objects.bulk_create(rows, batch_size=2000)


def log_money_set_in_bulk(queryset, *, field: str, object_repr, actor: User, note: str = "") -> int:
    """The MoneyChange `log_money_change(obj, field=field, old=None, new=obj.<field>)` would write, for every
    row of `queryset`, written by the database in INSERT … SELECT statements: an import that creates
    10,000 awards logs them without building 10,000 objects in Python. `object_repr` is an expression
    equal to str(obj), e.g. Concat("identifier", Value(" "), "title") for an award. Returns the count."""
    columns = {
        "content_type_id": Value(ContentType.objects.get_for_model(queryset.model).pk, IntegerField()),
        "object_id": F("pk"),
        "object_repr": Substr(object_repr, 1, 300),
        "field": Value(field, TextField()),
        "old_amount": Value(None, DecimalField()),
        "new_amount": F(field),
        "actor_id": Value(getattr(actor, "pk", None), IntegerField()),
        "at": Value(clock.now(), DateTimeField()),
        "note": Value(note, TextField()),
    }
    aliases = {f"log_{name}": expression for name, expression in columns.items()}
    select = queryset.order_by().filter(**{f"{field}__isnull": False}).annotate(**aliases).values_list(*aliases)
    sql, params = select.query.sql_with_params()
    connection = connections[queryset.db]
    table = connection.ops.quote_name(MoneyChange._meta.db_table)
    names = ", ".join(connection.ops.quote_name(name) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {table} ({names}) {sql}", params)
        return cursor.rowcount
