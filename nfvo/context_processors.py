"""What every console page shows: the navigation bar, the user and their tenants."""

from __future__ import annotations

from . import access

#: (label, path prefix, who sees it): ``all`` logged-in users, ``approvers`` users who operate a
#: tenant (:func:`nfvo.access.is_operator`), ``admins`` superusers.
SECTIONS = (
    ("Catalogue", "/catalogue/", "all"),
    ("Orders", "/orders/", "all"),
    ("Instances", "/instances/", "all"),
    ("Jobs", "/jobs/", "all"),
    ("Sites", "/sites/", "all"),
    ("Designer", "/designer/", "all"),
    ("Approvals", "/approvals/", "approvers"),
    ("Audit", "/audit/", "admins"),
)


def console(request) -> dict:
    """``nav``: ``[{label, url, current}]`` the user may open; ``tenants_line``: the user's
    tenants and roles in words (``red (operator)``), ``all tenants (admin)`` for superusers."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav": [], "tenants_line": ""}
    allowed = {"all": True, "approvers": access.is_operator(user), "admins": access.is_admin(user)}
    path = request.path
    nav = [
        {"label": label, "url": prefix, "current": path.startswith(prefix) or (prefix == "/catalogue/" and path == "/")}
        for label, prefix, who in SECTIONS
        if allowed[who]
    ]
    if access.is_admin(user):
        line = "all tenants (admin)"
    else:
        line = (
            ", ".join(f"{m.tenant.name} ({m.role})" for m in user.memberships.select_related("tenant")) or "no tenant"
        )
    return {"nav": nav, "tenants_line": line}
