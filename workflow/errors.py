class TransitionRefused(Exception):
    """A state change that is not allowed now; the message says why, for a programme manager."""

    status_code = 409

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


class PermissionRefused(TransitionRefused):
    """The person may not take this action at all."""

    status_code = 403


class StepInputInvalid(TransitionRefused):
    """The step was asked for with bad input: no such step, a missing reason, a note too long (400, not 409:
    nothing about the record's state stands in the way, the request itself must change)."""

    status_code = 400
