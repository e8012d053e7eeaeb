"""The audit trail of who signed in and who changed whose permissions.

Sign-ins come from Django's auth signals (the one place every login path, page, admin and API
token, passes through); permission changes are recorded by the admin that makes them.
"""

from django.contrib.auth import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from .client_address import client_address
from .models import AuditEvent


def _ip(request):
    return client_address(request)  # behind the proxy, the client rather than the proxy (PROXY_COUNT)


def record(kind: str, *, actor=None, username: str = "", detail: str = "", request=None) -> AuditEvent:
    return AuditEvent.objects.create(
        kind=kind,
        actor=actor if actor is not None and actor.is_authenticated else None,
        username=username or (actor.get_username() if actor is not None and actor.is_authenticated else ""),
        detail=detail,
        ip_address=_ip(request),
    )


def record_permission_change(*, actor, subject_user, detail: str, request=None) -> AuditEvent:
    return record(
        AuditEvent.Kind.PERMISSION_CHANGE,
        actor=actor,
        username=subject_user.get_username(),
        detail=f"{detail} (changed by {actor.get_username()})",
        request=request,
    )


@receiver(user_logged_in, dispatch_uid="audit_login")
def _on_login(sender, request, user, **kwargs):
    record(AuditEvent.Kind.LOGIN, actor=user, request=request)


@receiver(user_logged_out, dispatch_uid="audit_logout")
def _on_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AuditEvent.Kind.LOGOUT, actor=user, request=request)


@receiver(user_login_failed, dispatch_uid="audit_login_failed")
def _on_login_failed(sender, credentials, request=None, **kwargs):
    record(AuditEvent.Kind.LOGIN_FAILED, username=str(credentials.get("username", ""))[:150], request=request)
