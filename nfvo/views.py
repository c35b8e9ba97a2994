"""GUI pages: overview, catalogue item (dialog and order), job (live events)."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render

from . import access, dialog, orders, remotes, services
from .dialog import DialogError


@login_required
def home(request):
    """Sites, the catalogue, your service instances and the latest jobs."""
    return render(
        request,
        "nfvo/home.html",
        {
            "sites": access.sites(request.user),
            "items": access.items(request.user),
            "instances": access.instances(request.user).select_related("item", "tenant")[:20],
            "jobs": access.jobs(request.user).select_related("instance")[:20],
            "orders": access.orders(request.user).select_related("item", "user")[:20],
        },
    )


@login_required
def item(request, name):
    """A catalogue item; POST orders it with the dialog values."""
    obj = get_object_or_404(access.items(request.user), name=name)
    fields = obj.dialog.get("properties", {})
    errors, values = {}, {}
    if request.method == "POST":
        for field, prop in fields.items():
            raw = request.POST.get(field, "")
            if raw != "":
                values[field] = _coerce(raw, prop.get("type"))
        try:
            tenant = access.ordering_tenant(request.user, obj)
            placed = services.place_order(
                obj,
                values,
                request.POST.get("mode", "plan"),
                request.POST.get("limit", ""),
                user=request.user,
                tenant=tenant,
            )
            job = placed.jobs.first()
            access.audit(
                request,
                "order",
                f"item:{obj.name}",
                order=placed.pk,
                job=job.pk if job else None,
                mode=placed.mode,
                status=placed.status,
            )
            return redirect("job", pk=job.pk) if job else redirect("order", pk=placed.pk)
        except DialogError as exc:
            errors = exc.errors
        except (PermissionError, LookupError, remotes.RemoteRefused) as exc:
            errors = {"(order)": str(exc)}
    hidden = dialog.secret_fields(obj.dialog)
    rows = [
        {
            "name": f,
            "prop": p,
            "secret": f in hidden,
            "error": errors.get(f, ""),
            "value": "" if f in hidden else values.get(f, p.get("default", "")),
        }  # never echo a secret
        for f, p in fields.items()
    ]
    return render(request, "nfvo/item.html", {"item": obj, "rows": rows, "errors": errors})


def _coerce(raw: str, kind: str | None):
    try:
        if kind == "integer":
            return int(raw)
        if kind == "number":
            return float(raw)
    except ValueError:
        return raw  # the schema check names the field
    if kind == "boolean":
        return raw.lower() in ("1", "true", "yes", "on")
    return raw


@login_required
def job(request, pk):
    """A job with its per-site result; events stream in while it runs."""
    return render(request, "nfvo/job.html", {"job": get_object_or_404(access.jobs(request.user), pk=pk)})


@login_required
def order(request, pk):
    """An order: its step, its transitions and jobs; approvers approve or deny it here."""
    obj = get_object_or_404(access.orders(request.user).select_related("item", "instance__tenant"), pk=pk)
    error = ""
    if request.method == "POST" and access.may_approve(request.user, obj):
        decision, note = request.POST.get("decision"), request.POST.get("note", "")[:1000]
        decide = {"approve": services.approve, "deny": services.deny}.get(decision)
        if decide is None:
            error = f"unknown decision {decision!r}"
        else:
            try:
                decide(obj, request.user, note)
                access.audit(request, decision, f"order:{obj.pk}", note=note)
                return redirect("order", pk=obj.pk)
            except orders.TransitionError as exc:
                error = str(exc)
    can_decide = obj.status == obj.APPROVE and access.may_approve(request.user, obj)
    return render(request, "nfvo/order.html", {"order": obj, "can_decide": can_decide, "error": error})


@login_required
def instance(request, pk):
    """A service instance: its state, its orders and its history of operations."""
    obj = get_object_or_404(access.instances(request.user).select_related("item", "tenant"), pk=pk)
    return render(
        request, "nfvo/instance.html", {"instance": obj, "operations": obj.jobs.select_related("user").order_by("id")}
    )
