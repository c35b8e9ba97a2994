"""The client address of a request, for the audit log and login throttling (django-axes).

The direct peer (``REMOTE_ADDR``) is the client unless it is one of the proxies named in
``settings.RDCL_TRUSTED_PROXIES`` (addresses or networks, e.g. ``127.0.0.1,10.0.0.0/8``;
empty by default). Only then is ``X-Forwarded-For`` read, from the right: the first address
that is not itself a trusted proxy is the client (each proxy appends the peer it saw, so
entries left of it are whatever the client wrote and are never believed).
"""

from __future__ import annotations

import ipaddress

from django.conf import settings


def _address(text: str | None) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    try:
        return ipaddress.ip_address((text or "").strip())
    except ValueError:
        return None


def trusted_proxy(addr: str | None) -> bool:
    """Whether ``addr`` is in ``settings.RDCL_TRUSTED_PROXIES``.

    :raises ValueError: a setting entry is not an address or a network.
    """
    ip = _address(addr)
    if ip is None:
        return False
    return any(
        ip in ipaddress.ip_network(net.strip(), strict=False)
        for net in getattr(settings, "RDCL_TRUSTED_PROXIES", ())
        if net.strip()
    )


def client_ip(request) -> str | None:
    """The client's address (text), or None when the request has no valid peer address.

    ``request``: a Django ``HttpRequest`` (or anything with ``META``); axes calls it as
    ``AXES_CLIENT_IP_CALLABLE``.
    """
    meta = getattr(request, "META", None) or {}
    peer = _address(meta.get("REMOTE_ADDR"))
    if peer is None:
        return None
    if not trusted_proxy(str(peer)):
        return str(peer)
    hops = [h for h in (meta.get("HTTP_X_FORWARDED_FOR") or "").split(",") if h.strip()]
    for hop in reversed(hops):
        ip = _address(hop)
        if ip is None:  # a trusted proxy does not write garbage: stop at the last believable hop
            break
        if not trusted_proxy(str(ip)):
            return str(ip)
        peer = ip
    return str(peer)
