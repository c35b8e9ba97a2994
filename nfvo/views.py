"""Console detail pages: catalogue item (typed order form), order, service instance (its
lifecycle), job (AWX-like output), site form; and the small JSON answers their scripts poll.

Every action on these pages is a call to the REST API (:mod:`nfvo.api`: orders, operate,
cancel, retry, approve, sites), made by the page's script with the session: the pages add no
logic of their own. Lists are in :mod:`nfvo.view_lists`.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from . import access, credentials, dialog, event_stream, scaling, sites, workers
from .models import Job, Site
from .templatetags.console import elapsed

#: Operations the instance page offers with their own buttons; any other playbook of the
#: item is a day-2 operation with a button of its own.
LIFECYCLE = ("create", "delete", "scale")


@login_required
def home(request):
    """The console opens on the catalogue."""
    return redirect("catalogue")


def _site_names(item, tenant) -> list[str]:
    """The sites an order of ``item`` would run on (selectors resolved); [] when they no longer resolve."""
    try:
        return sites.select(item.sites, tenant.pk if tenant else sites.ALL_TENANTS)
    except (LookupError, ValueError):
        return []


@login_required
def item(request, name):
    """A catalogue item and its order form, rendered in the browser from the dialog's JSON
    Schema (``order-form.js``, json-editor) and sent to ``POST /api/orders/``."""
    obj = get_object_or_404(access.items(request.user), name=name)
    try:
        tenant = access.ordering_tenant(request.user, obj)
        may_order = True
    except PermissionError:
        tenant, may_order = None, False
    return render(
        request,
        "nfvo/item.html",
        {
            "item": obj,
            "may_order": may_order,
            "form": {
                "item": obj.name,
                "schema": _without_secret_defaults(obj.dialog),
                "secret": sorted(dialog.secret_fields(obj.dialog)),
                "sites": _site_names(obj, tenant),
            },
        },
    )


def _without_secret_defaults(schema: dict) -> dict:
    """The dialog as the browser gets it: a write-only field's ``default`` (and ``examples``)
    left out, so no secret reaches the page; the server fills the default in
    (:func:`nfvo.dialog.check`) when the field is left empty."""
    hidden = dialog.secret_fields(schema)
    props = {
        name: {k: v for k, v in prop.items() if k not in ("default", "examples")} if name in hidden else prop
        for name, prop in (schema.get("properties") or {}).items()
    }
    return {**schema, "properties": props}


@login_required
def order(request, pk):
    """An order: its step, its transitions and jobs; approvers approve or deny it here
    (``POST /api/orders/<pk>/approve|deny/``). The page reloads when its step changes; while
    a job of it waits and no worker runs (:func:`nfvo.workers.none_running`), it says so."""
    obj = get_object_or_404(access.orders(request.user).select_related("item", "instance__tenant", "user"), pk=pk)
    can_decide = obj.status == obj.APPROVE and access.may_approve(request.user, obj)
    waiting = obj.jobs.filter(status__in=(Job.PENDING, Job.WAITING)).first()
    return render(
        request,
        "nfvo/order.html",
        {
            "order": obj,
            "can_decide": can_decide,
            "state": _order_state(obj),
            "final": obj.status in FINAL_STEPS,
            "no_worker": waiting is not None and workers.none_running(),
            "waiting": waiting,
            "queue": (waiting.queue if waiting else "") or settings.CELERY_TASK_DEFAULT_QUEUE,
        },
    )


FINAL_STEPS = ("done", "failed", "denied")


def _order_state(obj) -> str:
    return f"{obj.status}|" + ",".join(f"{j.pk}:{j.status}" for j in obj.jobs.order_by("id"))


def _instance_state(obj) -> str:
    return f"{obj.state}|" + ",".join(f"{pk}:{s}" for pk, s in obj.jobs.order_by("id").values_list("pk", "status"))


@login_required
def state(request, kind, pk):
    """``{"state": ...}``: what an order or instance page shows that a job changes; the page
    reloads when it differs from the one it was rendered with."""
    if kind == "order":
        return JsonResponse({"state": _order_state(get_object_or_404(access.orders(request.user), pk=pk))})
    return JsonResponse({"state": _instance_state(get_object_or_404(access.instances(request.user), pk=pk))})


def _fields(schema: dict | None) -> list[dict]:
    """The inputs of an operation's small form: ``[{name, type, title, description, enum,
    minimum, maximum, required}]`` from its JSON Schema (enums become choices)."""
    schema = schema or {}
    required = set(schema.get("required") or [])
    out = []
    for name, prop in (schema.get("properties") or {}).items():
        if not isinstance(prop, dict):
            continue
        out.append(
            {
                "name": name,
                "type": prop.get("type", "string"),
                "title": prop.get("title") or name.replace("_", " "),
                "description": prop.get("description", ""),
                "enum": prop.get("enum"),
                "minimum": prop.get("minimum"),
                "maximum": prop.get("maximum"),
                "required": name in required,
            }
        )
    return out


@login_required
def instance(request, pk):
    """A service instance with its lifecycle: plan and apply (its ``create`` operation on
    the same instance), scale (to a level or an aspect's step the item offers,
    :func:`nfvo.scaling.choices`, else by the fields of its scale dialog), the item's
    day-2 operations, terminate (``delete``), and its operations in order with their jobs
    (retry, relaunch, cancel)."""
    obj = get_object_or_404(access.instances(request.user).select_related("item", "tenant"), pk=pk)
    item_row = obj.item
    operations = list(obj.jobs.select_related("user").order_by("id"))
    day2 = [
        {"name": op, "fields": _fields((item_row.operation_dialogs or {}).get(op))}
        for op in item_row.playbooks
        if op not in LIFECYCLE
    ]
    busy = any(not j.done for j in operations)
    scale_schema = (item_row.operation_dialogs or {}).get("scale")
    offer = scaling.choices(scale_schema)
    return render(
        request,
        "nfvo/instance.html",
        {
            "instance": obj,
            "operations": operations,
            "may_operate": access.may_operate(request.user, obj) and obj.state not in ("deleted", "denied"),
            "has_scale": "scale" in item_row.playbooks,
            "scale_fields": _fields(scale_schema),
            "scale_offer": offer,
            "scaled_to": scaling.current(operations, offer["default"]) if offer else None,
            "day2": day2,
            "has_delete": "delete" in item_row.playbooks,
            "state": _instance_state(obj),
            "busy": busy,
        },
    )


@login_required
def job(request, pk):
    """A job like AWX's output page: status, elapsed time, cancel and relaunch, links to its
    instance and order, the per-site result (the plan's stored detail as tables) and its
    events, fetched page by page by ``job.js`` (``/api/jobs/<pk>/events/``; a job run in
    parts shows its parts' events, :mod:`nfvo.event_stream`)."""
    obj = get_object_or_404(access.jobs(request.user).select_related("instance", "order", "user"), pk=pk)
    hosts = event_stream.hosts(event_stream.segments(obj))  # a job run in parts: its parts' sites too
    return render(
        request,
        "nfvo/job.html",
        {
            "job": obj,
            "hosts": hosts,
            "sites": _site_tables(obj.result),
            "may_operate": access.may_operate(request.user, obj.instance),
            "queue": obj.queue or settings.CELERY_TASK_DEFAULT_QUEUE,
        },
    )


COUNTS = ("ok", "changed", "failures", "dark", "skipped")


def _site_tables(result: dict) -> list[dict]:
    """Per site of a job's ``result``: ``{name, status, message, counts, details, tables}``;
    ``details`` the other scalar values, ``tables`` each list of objects (what a plan stored:
    resources it creates, flavors, DNS records...) as ``{title, columns, rows}``."""
    out = []
    for name, data in ((result or {}).get("sites") or {}).items():
        if not isinstance(data, dict):
            continue
        counts = {k: data.get(k) for k in COUNTS if k in data}
        details, tables = {}, []
        for key, value in data.items():
            if key in COUNTS or key in ("status", "message"):
                continue
            if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
                columns = list(dict.fromkeys(k for row in value for k in row))
                tables.append(
                    {"title": key, "columns": columns, "rows": [[row.get(c, "") for c in columns] for row in value]}
                )
            else:
                details[key] = value
        out.append(
            {
                "name": name,
                "status": data.get("status", ""),
                "message": data.get("message", ""),
                "counts": counts,
                "details": details,
                "tables": tables,
            }
        )
    return out


@login_required
def job_state(request, pk):
    """``{status, done, elapsed, no_worker}`` of a job for its page; ``no_worker`` is true
    when the job is still pending and no worker answers (:func:`nfvo.workers.none_running`)."""
    obj = get_object_or_404(access.jobs(request.user), pk=pk)
    no_worker = obj.status in (Job.PENDING, Job.WAITING) and workers.none_running()
    return JsonResponse({"status": obj.status, "done": obj.done, "elapsed": elapsed(obj), "no_worker": no_worker})


@login_required
def site_form(request, name=None):
    """Add (no ``name``) or change a site: superusers. The form has a field per credential
    the site's kind may hold (:data:`nfvo.credentials.CREDENTIALS`); credentials are write-only
    (the page says which are set, never their values). Sent to ``/api/sites/`` by ``sites.js``."""
    if not access.is_admin(request.user):
        raise PermissionDenied("only admins add and change sites")
    site = get_object_or_404(Site, name=name) if name else None
    creds = [
        {"name": c.name, "help": c.help, "kinds": list(c.kinds), "multiline": c.multiline, "object": c.is_object}
        for c in credentials.CREDENTIALS
    ]
    return render(
        request,
        "nfvo/site_form.html",
        {
            "site": site,
            "kinds": [k for k, _ in Site.KINDS],
            "credentials": creds,
            "set": site.credentials_set() if site else [],
            "connection_fields": [
                {**f, "kinds": f["kinds"].split(), "value": (site.connection if site else {}).get(f["name"], "")}
                for f in CONNECTION_FIELDS
            ],
        },
    )


#: The plain connection variables the site form asks for, per kind (``connection`` of
#: :class:`~nfvo.models.Site`: inventory host variables, never a secret).
CONNECTION_FIELDS: tuple[dict[str, Any], ...] = (
    {"name": "ansible_host", "label": "Host", "kinds": "linux", "help": "address of the server (empty: this machine)"},
    {"name": "ansible_port", "label": "SSH port", "kinds": "linux", "help": "default 22", "number": True},
    {"name": "ansible_user", "label": "SSH user", "kinds": "linux", "help": "the user the jobs log in as"},
    {"name": "rdcl_root", "label": "Root folder", "kinds": "linux", "help": "where services are installed"},
    {
        "name": "os_auth_url",
        "label": "Auth URL",
        "kinds": "openstack",
        "help": "Keystone v3, e.g. https://cloud:5000/v3",
    },
    {"name": "os_cloud", "label": "Cloud name", "kinds": "openstack", "help": "its name in clouds.yaml"},
    {"name": "os_region_name", "label": "Region", "kinds": "openstack", "help": ""},
    {"name": "os_username", "label": "User", "kinds": "openstack", "help": "with os_password"},
    {"name": "os_project_name", "label": "Project", "kinds": "openstack", "help": ""},
    {"name": "os_user_domain_name", "label": "User domain", "kinds": "openstack", "help": ""},
    {"name": "os_project_domain_name", "label": "Project domain", "kinds": "openstack", "help": ""},
    {
        "name": "os_application_credential_id",
        "label": "Application credential ID",
        "kinds": "openstack",
        "help": "with os_application_credential_secret",
    },
    {"name": "k8s_host", "label": "API URL", "kinds": "kubernetes openshift", "help": "e.g. https://cluster:6443"},
)
