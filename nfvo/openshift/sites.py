"""A provisioned cluster as an ``openshift`` site for further orders.

:func:`register_site` creates (or updates) ``Site(kind="openshift")`` named as the
cluster, whose connection is what the ``k8s_apply`` driver needs: ``k8s_host`` (the API
server, ``https://api.<cluster>.<domain>:6443``) and ``k8s_kubeconfig`` (the installer's
``auth/kubeconfig`` in the cluster's state folder on the worker). It is called when an
apply job of ``create`` or ``register_site`` of an ``openshift`` item succeeds
(:func:`job_ended`, the kind's finish hook: :meth:`nfvo.openshift.kind.OpenShiftKind.finish`);
a successful apply ``delete`` removes the site again.

A job changes only sites its service instance's tenant owns: the site it registers is
created owned by that tenant (a system order's: a global site), an existing site is
updated or removed only when it has that same owner and was registered by this item.
Otherwise the site is left as it is and the job's message says why
(:class:`SiteNotOwned`).

The state folder (installer assets: ``auth/``, ``metadata.json``, ignition configs) is
``<root>/<cluster>.<domain>``; ``<root>`` is the OpenStack site's
``connection.openshift_state_dir``, else ``$RDCL_VAR/openshift``, else
``~/.rdcl-nfvo/openshift`` — the same rule as the playbooks' ``openshift_state_root``.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from nfvo.models import Job, ServiceInstance, Site

log = logging.getLogger(__name__)
KIND = "openshift"
MANAGED_BY = "openshift-on-openstack"
REGISTERING_OPERATIONS = ("create", "register_site")


def state_dir(cluster_name: str, base_domain: str, connection: dict | None = None) -> Path:
    """The cluster's state folder on the worker (see the module's docstring)."""
    root = (connection or {}).get("openshift_state_dir")
    if not root:
        var = os.environ.get("RDCL_VAR")
        root = Path(var) / "openshift" if var else Path.home() / ".rdcl-nfvo" / "openshift"
    return Path(root) / f"{cluster_name}.{base_domain}"


class SiteNotOwned(PermissionError):
    """The cluster's site exists and belongs to someone else than the job's tenant (a global
    site, another tenant's, or one this item did not register): it is left unchanged."""


def _owner(instance_id: int | None):
    if instance_id is None:
        return None
    instance = ServiceInstance.objects.filter(pk=instance_id).select_related("tenant").first()
    return instance.tenant if instance is not None else None


def _check_owned(site, tenant, verb: str) -> None:
    """:raises SiteNotOwned: ``site`` is not ``tenant``'s (None: global) or not this item's."""
    if site.tenant_id != (tenant.pk if tenant else None):
        whose = f"tenant {site.tenant.name}'s" if site.tenant_id else "a global"
        mine = f"tenant {tenant.name}" if tenant else "a system order"
        raise SiteNotOwned(f"site {site.name} is {whose} site: a job of {mine} may not {verb} it; left unchanged")
    if site.labels.get("managed_by") != MANAGED_BY:
        raise SiteNotOwned(
            f"site {site.name} was not registered by {MANAGED_BY}: a job may not {verb} it; left unchanged"
        )


def register_site(values: dict, instance_id: int | None = None):
    """Create or update the ``openshift`` site of the cluster ``values`` describe, owned by
    the tenant of service instance ``instance_id`` (none: a global site).

    ``values``: the order's dialog values (``cluster_name``, ``base_domain``,
    ``openstack_site``). Returns the :class:`~nfvo.models.Site`.

    :raises ValueError: a site of another kind already has the cluster's name.
    :raises SiteNotOwned: the site exists and is not the instance's tenant's, or not this item's.
    """
    name, domain, parent = values["cluster_name"], values["base_domain"], values["openstack_site"]
    tenant = _owner(instance_id)
    existing = Site.objects.filter(name=name).select_related("tenant").first()
    if existing is not None and existing.kind != KIND:
        raise ValueError(f"site {name!r} exists and is a {existing.kind} site: not replacing it with the cluster")
    if existing is not None:
        _check_owned(existing, tenant, "re-register")
    openstack = Site.objects.filter(name=parent).first()
    kubeconfig = state_dir(name, domain, openstack.connection if openstack else None) / "auth" / "kubeconfig"
    site, _ = Site.objects.update_or_create(
        name=name,
        defaults={
            "kind": KIND,
            "tenant": tenant,
            "labels": {
                "cluster": f"{name}.{domain}",
                "openstack_site": parent,
                "managed_by": MANAGED_BY,
                "service_instance": str(instance_id or ""),
            },
            "connection": {"k8s_host": f"https://api.{name}.{domain}:6443", "k8s_kubeconfig": str(kubeconfig)},
        },
    )
    log.info("registered site %s (openshift) for cluster %s.%s", name, name, domain)
    return site


def unregister_site(values: dict, instance_id: int | None = None) -> bool:
    """Remove the cluster's ``openshift`` site if this item registered it for the tenant of
    service instance ``instance_id``; True if removed, False when there is none.

    :raises SiteNotOwned: the site is another tenant's, a global one (for a tenant's job), or not this item's.
    """
    site = Site.objects.filter(name=values["cluster_name"], kind=KIND).select_related("tenant").first()
    if site is None:
        return False
    _check_owned(site, _owner(instance_id), "remove")
    site.delete()
    return True


def job_ended(job) -> None:
    """After a successful apply job of an ``openshift`` item: (un)register the cluster's site;
    any other end changes nothing. Never raises: a site left unchanged is said first in the
    job's message (:class:`SiteNotOwned`, :class:`ValueError`), another failure is logged."""
    if job.status != Job.SUCCESSFUL or job.mode != "apply":
        return
    try:
        if job.operation in REGISTERING_OPERATIONS:
            register_site(job.extra_vars, job.instance_id)
        elif job.operation == "delete":
            unregister_site(job.extra_vars, job.instance_id)
    except (SiteNotOwned, ValueError) as exc:  # the job has succeeded; it says why the site was not changed
        _note(job, str(exc))
    except Exception:  # the job has succeeded; a registration problem must not undo that
        log.exception("job %s: could not update the cluster's openshift site", job.pk)
        _note(job, "the cluster's openshift site could not be updated (see the worker's log)")


def _note(job, text: str) -> None:
    """Put ``text`` first in the job's message (the order's closing step quotes that line)."""
    log.warning("job %s: %s", job.pk, text)
    job.message = f"{text}\n{job.message}".strip()
    Job.objects.filter(pk=job.pk).update(message=job.message)
