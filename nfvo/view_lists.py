"""Console list pages: catalogue, orders, instances, jobs, approvals, audit, sites.

Each list is filtered by query parameters (the filter form's fields) and paginated with
Django's :class:`~django.core.paginator.Paginator` (:data:`PER_PAGE` rows a page): a page
costs one ``COUNT`` and one ``LIMIT``/``OFFSET`` query whatever the table's size
(``bench/console_lists.py`` measures it). What a user sees is :mod:`nfvo.access`'s.
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import render

from . import access
from .models import AuditEntry, Job, Order, ServiceInstance, Site

PER_PAGE = 25


def _choices(field) -> list[str]:
    return [value for value, _ in field.choices]


def _list(request, template: str, rows, filters: list[dict], **context):
    """Render ``template`` with ``page`` (the requested page of ``rows``) and ``filters``
    (``[{name, label, value, choices?}]``, the form above the table)."""
    # Page through the ids, then read the page's rows: the database sorts integers, not whole
    # rows (SQLite sorted every wide row of a tenant for a page of 25).
    page = Paginator(rows.values_list("pk", flat=True), PER_PAGE).get_page(request.GET.get("page"))
    ids = list(page.object_list)
    found = {row.pk: row for row in rows.filter(pk__in=ids)}
    page.object_list = [found[pk] for pk in ids if pk in found]
    return render(request, template, {"page": page, "filters": filters, **context})


def _apply(request, rows, spec: dict):
    """Filter ``rows`` by the query parameters named in ``spec`` (``{param: (label, lookup,
    choices or None)}``); returns ``(rows, filters)``. An empty parameter filters nothing."""
    filters = []
    for param, (label, lookup, choices) in spec.items():
        value = request.GET.get(param, "").strip()[:100]
        if value:
            rows = rows.filter(**{lookup: value})
        filters.append({"name": param, "label": label, "value": value, "choices": choices})
    return rows, filters


@login_required
def catalogue(request):
    """Catalogue items you can order, by name."""
    rows, filters = _apply(
        request, access.items(request.user).order_by("name"), {"q": ("Name", "name__icontains", None)}
    )
    return _list(request, "nfvo/catalogue.html", rows, filters)


@login_required
def orders(request):
    """Your tenants' orders, newest first; filter by step and item."""
    rows = access.orders(request.user).select_related("item", "user", "instance__tenant").order_by("-id")
    rows, filters = _apply(
        request,
        rows,
        {
            "status": ("Step", "status", _choices(Order._meta.get_field("status"))),
            "item": ("Item", "item__name__icontains", None),
        },
    )
    return _list(request, "nfvo/orders.html", rows, filters)


@login_required
def instances(request):
    """Your tenants' service instances, newest first; filter by state, item and name."""
    rows = access.instances(request.user).select_related("item", "tenant").order_by("-id")
    rows, filters = _apply(
        request,
        rows,
        {
            "state": ("State", "state", _choices(ServiceInstance._meta.get_field("state"))),
            "item": ("Item", "item__name__icontains", None),
            "q": ("Name", "name__icontains", None),
        },
    )
    return _list(request, "nfvo/instances.html", rows, filters)


@login_required
def jobs(request):
    """Your tenants' jobs, newest first; filter by status, operation and mode."""
    rows = (
        access.jobs(request.user)
        .select_related("instance")
        .only("id", "operation", "mode", "status", "created", "started", "finished", "instance__name", "instance_id")
        .order_by("-id")
    )
    rows, filters = _apply(
        request,
        rows,
        {
            "status": ("Status", "status", _choices(Job._meta.get_field("status"))),
            "operation": ("Operation", "operation", None),
            "mode": ("Mode", "mode", ["plan", "apply"]),
        },
    )
    return _list(request, "nfvo/jobs.html", rows, filters)


@login_required
def approvals(request):
    """Orders waiting at ``approve`` that you may decide (:func:`nfvo.access.may_approve`:
    operators of the order's tenant who did not place it; superusers)."""
    if not access.is_operator(request.user):
        raise PermissionDenied("only operators and admins of a tenant approve orders")
    rows = access.orders(request.user).filter(status=Order.APPROVE).select_related("item", "user", "instance__tenant")
    if not access.is_admin(request.user):
        rows = rows.filter(instance__tenant__in=access.tenants(request.user, access.OPERATOR_ROLES)).exclude(
            user=request.user
        )
    rows, filters = _apply(request, rows.order_by("id"), {"item": ("Item", "item__name__icontains", None)})
    return _list(request, "nfvo/approvals.html", rows, filters)


@login_required
def audit(request):
    """The audit log (superusers), newest first; filter by action and user."""
    if not access.is_admin(request.user):
        raise PermissionDenied("the audit log is for admins")
    rows, filters = _apply(
        request,
        AuditEntry.objects.select_related("user").order_by("-id"),
        {"action": ("Action", "action", None), "user": ("User", "user__username", None)},
    )
    return _list(request, "nfvo/audit.html", rows, filters)


@login_required
def sites(request):
    """Sites you can see; superusers add, change and check them here."""
    rows, filters = _apply(
        request,
        access.sites(request.user).select_related("tenant").order_by("name"),
        {
            "kind": ("Kind", "kind", _choices(Site._meta.get_field("kind"))),
            "q": ("Name", "name__icontains", None),
        },
    )
    return _list(request, "nfvo/sites.html", rows, filters, can_manage=access.is_admin(request.user))
