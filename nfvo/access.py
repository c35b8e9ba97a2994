"""Who may see and do what, and the audit log.

Users belong to tenants with a role (admin, designer, operator, user). A catalogue item is
visible to the tenants it is shared with (none: every tenant); service instances, orders
and jobs only to their tenant's members and to admins. Superusers are admins everywhere.
Operators publish catalogue items for their tenant, which then owns the item's name:
only its operators (and superusers) publish under that name again, refresh the item or
change its settings; system items (no owner) are the superusers'. Users of a tenant order
for it and run operations on its instances.

Each rule is a predicate here, its docstring the rule (AWX's access classes are the
model); :mod:`nfvo.permissions` wraps them as DRF permission classes, so the API answers
404 for what the user cannot see (the querysets here), 403 for what they see but may not do
(:class:`nfvo.exceptions.Forbidden` for rules on the request body), 409 for a name another
tenant owns.

Sites: global sites (no tenant) are managed by superusers; a tenant's own sites (clusters
its orders registered) belong to it. Every user sees the global sites and their tenants'
sites by name, kind, labels, owner and which credentials are set; connection details
(``connection``, the last check's message) only superusers and operators of the owner
tenant. Credential values nobody reads back.
"""

from __future__ import annotations

from django.db.models import Q, QuerySet

from .client_ip import client_ip
from .exceptions import Forbidden
from .models import AuditEntry, CatalogueItem, Job, Membership, Order, ServiceInstance, Site, Tenant

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
    return (
        CatalogueItem.objects.filter(Q(tenants__isnull=True) | Q(tenants__in=mine)).distinct()
        if user and user.is_authenticated
        else CatalogueItem.objects.none()
    )


def sites(user) -> QuerySet:
    """Sites ``user`` can see: global ones and their tenants' (all for superusers)."""
    if is_admin(user):
        return Site.objects.all()
    if not (user and user.is_authenticated):
        return Site.objects.none()
    return Site.objects.filter(Q(tenant__isnull=True) | Q(tenant__in=tenants(user)))


def may_see_site_details(user, site: Site) -> bool:
    """Read a site's connection and check it: superusers, and operators of its owner tenant."""
    return is_admin(user) or (
        site.tenant_id is not None and tenants(user, OPERATOR_ROLES).filter(pk=site.tenant_id).exists()
    )


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

    :raises nfvo.exceptions.Forbidden: the user may not order this item (for that tenant).
    """
    allowed = tenants(user, ORDERING_ROLES)
    shared = item.tenants.all()
    if shared.exists():
        allowed = allowed.filter(pk__in=shared)
    if tenant is not None:
        if not allowed.filter(pk=tenant.pk).exists():
            raise Forbidden(f"{user} may not order {item.name} for tenant {tenant.name}")
        return tenant
    if is_admin(user):
        return None
    first = allowed.order_by("name").first()
    if first is None:
        raise Forbidden(f"{user} may not order {item.name}")
    return first


def may_operate(user, instance: ServiceInstance) -> bool:
    """Run operations (delete, scale, cancel, retry) on ``instance``."""
    return is_admin(user) or tenants(user, ORDERING_ROLES).filter(pk=instance.tenant_id).exists()


def is_operator(user) -> bool:
    """Publish catalogue items (for a tenant they operate): admins and operators of any
    tenant, and superusers. What they may change is :func:`may_change_item`."""
    return is_admin(user) or tenants(user, OPERATOR_ROLES).exists()


def publishing_tenant(user, item: CatalogueItem | None = None, tenant: Tenant | None = None) -> Tenant | None:
    """The tenant a publication by ``user`` is for: the owner ``item`` (the existing item of
    that name, None for a new name) gets or keeps.

    * ``tenant`` given: ``user`` must be an admin or operator of it (superusers: any tenant);
    * superusers otherwise publish for the item's owner (a new item: None, a system item);
    * others publish for the item's owner when they operate it, else for the first tenant
      (by name) they operate; ``tenant`` picks another.

    Whether that owner may publish under the name is :func:`nfvo.services.claim_name`'s rule
    (a name another tenant or the system owns is refused: 409), with :func:`may_take_over`.

    :raises nfvo.exceptions.Forbidden: ``user`` operates no tenant (or not ``tenant``).
    """
    operated = tenants(user, OPERATOR_ROLES)
    if tenant is not None:
        if not operated.filter(pk=tenant.pk).exists():
            raise Forbidden(f"{user} may not publish for tenant {tenant.name}")
        return tenant
    if is_admin(user):
        return item.owner if item is not None else None
    if item is not None and item.owner_id is not None and operated.filter(pk=item.owner_id).exists():
        return item.owner
    first = operated.order_by("name").first()
    if first is None:
        raise Forbidden(f"{user} may not publish catalogue items")
    return first


def may_take_over(user) -> bool:
    """Publish under a name another tenant (or the system) owns, giving the item to the
    tenant named in the request: superusers only. Nobody else ever replaces, re-points or
    re-shares an item they do not own."""
    return is_admin(user)


def may_change_item(user, item: CatalogueItem) -> bool:
    """Change ``item``'s settings (approval, timeout, queue, tenants, description), refresh
    it or publish it again: superusers, and admins and operators of its owner tenant.
    System items (no owner) are changed by superusers only. Whether the user sees the item
    at all (404 otherwise) is :func:`items`."""
    if is_admin(user):
        return True
    return item.owner_id is not None and tenants(user, OPERATOR_ROLES).filter(pk=item.owner_id).exists()


def may_share(user, shared) -> bool:
    """Share an item with the tenants ``shared`` (a list): an empty list shares it with every
    tenant, which only superusers may do; any other list whoever publishes or changes the
    item. A tenant's item is always shared with its owner too (:func:`nfvo.services.share`)."""
    return bool(shared) or is_admin(user)


def audit(request, action: str, target: str = "", **detail) -> AuditEntry:
    """Record ``action`` on ``target`` by the request's user, from its address
    (:func:`nfvo.client_ip.client_ip`: ``X-Forwarded-For`` only from a trusted proxy)."""
    user = getattr(request, "user", None)
    return AuditEntry.objects.create(
        user=user if user is not None and user.is_authenticated else None,
        action=action,
        target=target,
        detail=detail,
        remote_addr=client_ip(request) if request is not None else None,
    )
