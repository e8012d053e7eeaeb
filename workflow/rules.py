"""Guards for @transition that carry the sentence a person reads when they fail.

    @guard("Every payment must be paid or cancelled before the award can close.")
    def no_unpaid_payments(award): ...

The message may also be a callable taking the instance, for reasons that name figures.
"""

from collections.abc import Callable


def guard(message: str | Callable) -> Callable:
    def wrap(fn):
        fn.refusal = message
        return fn

    return wrap


def refusal_message(condition, instance) -> str:
    message = getattr(condition, "refusal", None)
    if message is None:
        return f"A condition for this step is not met ({condition.__name__.replace('_', ' ')})."
    return message(instance) if callable(message) else message
