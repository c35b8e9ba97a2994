"""DRF permission classes of the designer API: the access a view action needs to its project.

:class:`ProjectAccess` reads the level each action needs from the view's ``project_access``
(``{action: "write" | "owner"}``; reads need no more than seeing the project, which the
view's queryset decides: 404 otherwise) and asks :func:`rdcl.services.require`, whose
:class:`rdcl.exceptions.Forbidden` (403, naming the access needed and the access held) is
rendered as a problem by :mod:`config.problems`. Views on a project's own URL are checked on
the object (``get_object()``); views nested under a project (files) on ``view.project()``.
"""

from __future__ import annotations

from rest_framework import permissions

from . import services


def _level(request, view) -> str | None:
    if request.method in permissions.SAFE_METHODS:
        return None
    return getattr(view, "project_access", {}).get(getattr(view, "action", None))


class ProjectAccess(permissions.BasePermission):
    """At least ``view.project_access[action]`` access to the project (unsafe methods only).

    :raises rdcl.exceptions.Forbidden: less access than that.
    """

    def has_permission(self, request, view) -> bool:
        level = _level(request, view)
        nested = getattr(view, "project", None)
        if level and callable(nested):
            services.require(nested(), request.user, level)
        return True

    def has_object_permission(self, request, view, obj) -> bool:
        level = _level(request, view)
        if level and not callable(getattr(view, "project", None)):
            services.require(obj, request.user, level)
        return True
