"""Who may see and do what, and the audit log.

Users belong to tenants with a role (admin, designer, operator, user). A catalogue item is
visible to the tenants it is shared with (none: every tenant); service instances, orders
and jobs only to their tenant's members and to admins. Superusers are admins everywhere.
Operators publish and refresh catalogue items; users of a tenant order for it and run
operations on its instances.
"""
from __future__ import annotations

from django.db.models import Q, QuerySet

from .client_ip import client_ip
from .models import AuditEntry, CatalogueItem, Job, Membership, Order, ServiceInstance, Tenant

ORDERING_ROLES = ("admin", "operator", "user")
OPERATOR_ROLES = ("admin", "operator")


def is_admin(user) -> bool:
    """Superusers (global admins)."""
    return bool(user and user.is_authenticated and user.is_superuser)


def tenants(user, roles: tuple[str, ...] | None = None) -> QuerySet:
    """Tenants ``user`` belongs to (with one of ``roles`` when given)."""
    if is_admin(user):
        return Tenant.objects.all()
    if not (user and user.is_authenticated):
        return Tenant.objects.none()
    members = Membership.objects.filter(user=user)
    if roles:
        members = members.filter(role__in=roles)
    return Tenant.objects.filter(pk__in=members.values("tenant"))


def items(user) -> QuerySet:
    """Catalogue items ``user`` can see."""
    if is_admin(user):
        return CatalogueItem.objects.all()
    mine = tenants(user)
    return CatalogueItem.objects.filter(Q(tenants__isnull=True) | Q(tenants__in=mine)).distinct() \
        if user and user.is_authenticated else CatalogueItem.objects.none()


def instances(user) -> QuerySet:
    """Service instances ``user`` can see."""
    if is_admin(user):
        return ServiceInstance.objects.all()
    return ServiceInstance.objects.filter(tenant__in=tenants(user))


def jobs(user) -> QuerySet:
    """Jobs ``user`` can see."""
    if is_admin(user):
        return Job.objects.all()
    return Job.objects.filter(instance__tenant__in=tenants(user))


def orders(user) -> QuerySet:
    """Orders ``user`` can see (those of their tenants' instances)."""
    if is_admin(user):
        return Order.objects.all()
    return Order.objects.filter(instance__tenant__in=tenants(user))


def may_approve(user, order: Order) -> bool:
    """Approve or deny ``order``: an admin or operator of the order's tenant who did not
    place it (four eyes), or a superuser. System orders (no tenant): superusers only."""
    if is_admin(user):
        return True
    if order.user_id is not None and order.user_id == getattr(user, "pk", None):
        return False
    tenant_id = order.instance.tenant_id
    return tenant_id is not None and tenants(user, OPERATOR_ROLES).filter(pk=tenant_id).exists()


def may_manage_members(user, tenant: Tenant) -> bool:
    """Add, change and remove ``tenant``'s members: its admins and superusers."""
    return is_admin(user) or tenants(user, ("admin",)).filter(pk=tenant.pk).exists()


def ordering_tenant(user, item: CatalogueItem, tenant: Tenant | None = None) -> Tenant | None:
    """The tenant an order by ``user`` is for.

    Admins may order without a tenant (a system order). Others need an ordering role in
    a tenant the item is shared with; when they have several, ``tenant`` picks one.

    :raises PermissionError: the user may not order this item (for that tenant).
    """
    allowed = tenants(user, ORDERING_ROLES)
    shared = item.tenants.all()
    if shared.exists():
        allowed = allowed.filter(pk__in=shared)
    if tenant is not None:
        if not allowed.filter(pk=tenant.pk).exists():
            raise PermissionError(f"{user} may not order {item.name} for tenant {tenant.name}")
        return tenant
    if is_admin(user):
        return None
    first = allowed.order_by("name").first()
    if first is None:
        raise PermissionError(f"{user} may not order {item.name}")
    return first


def may_operate(user, instance: ServiceInstance) -> bool:
    """Run operations (delete, scale, cancel, retry) on ``instance``."""
    return is_admin(user) or tenants(user, ORDERING_ROLES).filter(pk=instance.tenant_id).exists()


def is_operator(user) -> bool:
    """Publish and refresh catalogue items."""
    return is_admin(user) or tenants(user, OPERATOR_ROLES).exists()


def audit(request, action: str, target: str = "", **detail) -> AuditEntry:
    """Record ``action`` on ``target`` by the request's user, from its address
    (:func:`nfvo.client_ip.client_ip`: ``X-Forwarded-For`` only from a trusted proxy)."""
    user = getattr(request, "user", None)
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None, action=action, target=target,
        detail=detail, remote_addr=client_ip(request) if request is not None else None)
