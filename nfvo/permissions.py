"""DRF permission classes over :mod:`nfvo.access`: who may do what, checked before a view runs.

Each class asks one rule of :mod:`nfvo.access` (AWX's per-model access classes are the
model): ``has_permission`` for rules on the user alone, ``has_object_permission`` (run by
``get_object()``, after the queryset of what the user may *see* has answered 404) for rules
on the object. A refusal is DRF's ``PermissionDenied`` (403, or 401 without credentials),
rendered as a problem by :mod:`config.problems`. Rules that depend on the request body (the
tenant an order or a publication names, sharing with every tenant) stay in the views, which
raise :class:`nfvo.exceptions.Forbidden`.

:class:`PerAction` adds permission classes per view action (``action_permissions``) to the
view's ``permission_classes``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from rest_framework import permissions

from . import access
from .models import ServiceInstance

ROLE = "your role does not allow this"


class IsSuperuserOrReadOnly(permissions.BasePermission):
    """Reads for every logged-in user; writes for superusers."""

    message = "only superusers change this"

    def has_permission(self, request, view) -> bool:
        return request.method in permissions.SAFE_METHODS or access.is_admin(request.user)


class IsOperator(permissions.BasePermission):
    """Publish catalogue items: :func:`nfvo.access.is_operator`."""

    message = ROLE

    def has_permission(self, request, view) -> bool:
        return access.is_operator(request.user)


class MaySeeSiteDetails(permissions.BasePermission):
    """Read a site's connection and check it: :func:`nfvo.access.may_see_site_details`."""

    message = ROLE

    def has_object_permission(self, request, view, obj) -> bool:
        return access.may_see_site_details(request.user, obj)


class MayManageMembers(permissions.BasePermission):
    """Change a tenant's members (reads: whoever sees the tenant):
    :func:`nfvo.access.may_manage_members`."""

    message = ROLE

    def has_object_permission(self, request, view, obj) -> bool:
        return request.method in permissions.SAFE_METHODS or access.may_manage_members(request.user, obj)


class MayChangeItem(permissions.BasePermission):
    """Change, refresh or publish a catalogue item again: :func:`nfvo.access.may_change_item`."""

    message = ROLE

    def has_object_permission(self, request, view, obj) -> bool:
        return access.may_change_item(request.user, obj)


class MayOperate(permissions.BasePermission):
    """Run operations on a service instance, or on a job's instance (cancel, retry):
    :func:`nfvo.access.may_operate`."""

    message = ROLE

    def has_object_permission(self, request, view, obj) -> bool:
        instance = obj if isinstance(obj, ServiceInstance) else obj.instance
        return access.may_operate(request.user, instance)


class MayApprove(permissions.BasePermission):
    """Approve or deny an order (four eyes): :func:`nfvo.access.may_approve`."""

    message = "your role does not allow this, or the order is yours (another operator decides it)"

    def has_object_permission(self, request, view, obj) -> bool:
        return access.may_approve(request.user, obj)


class PerAction:
    """A viewset mixin: ``permission_classes`` plus ``action_permissions[action]``."""

    action_permissions: ClassVar[dict[str, list[type[permissions.BasePermission]]]] = {}

    def get_permissions(self) -> list[Any]:
        extra = self.action_permissions.get(getattr(self, "action", None) or "", [])
        # a mixin: get_permissions is the view's, after this class in the MRO
        return [*super().get_permissions(), *(permission() for permission in extra)]  # type: ignore[misc]  # see above
