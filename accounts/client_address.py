"""The one rule for a request's client address: DRF throttles, django-axes lock-outs and the audit log.

Behind PROXY_COUNT proxies that each append the address they received to X-Forwarded-For (nginx's
$proxy_add_x_forwarded_for, a load balancer), the client is the PROXY_COUNT-th address from the right
of that header: everything left of it was written by the client and proves nothing. With PROXY_COUNT=0
(nothing in front, the default outside production) the header is ignored and REMOTE_ADDR is the client.
This is DRF's NUM_PROXIES rule; django-ipware's proxy_count instead wants the header to have exactly
that many entries and, counting from the left, returns what a client wrote first, so axes is given
this function (AXES_CLIENT_IP_CALLABLE) rather than ipware's guess.
"""

import ipaddress

from django.conf import settings


def proxy_count() -> int:
    return int(getattr(settings, "PROXY_COUNT", 0))


def client_address(request) -> str | None:
    if request is None:
        return None
    meta = getattr(request, "META", {})
    remote = meta.get("REMOTE_ADDR") or None
    count = proxy_count()
    forwarded = meta.get("HTTP_X_FORWARDED_FOR", "")
    if count <= 0 or not forwarded:
        return _valid(remote)
    hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
    if not hops:
        return _valid(remote)
    return _valid(hops[-min(count, len(hops))]) or _valid(remote)


def _valid(address: str | None) -> str | None:
    if not address:
        return None
    try:
        return str(ipaddress.ip_address(address.strip()))
    except ValueError:
        return None
