"""A provisioned cluster as an ``openshift`` site for further orders.

:func:`register_site` creates (or updates) ``Site(kind="openshift")`` named as the
cluster, whose connection is what the ``k8s_apply`` driver needs: ``k8s_host`` (the API
server, ``https://api.<cluster>.<domain>:6443``) and ``k8s_kubeconfig`` (the installer's
``auth/kubeconfig`` in the cluster's state folder on the worker). It is called when an
apply job of ``create`` or ``register_site`` of an ``openshift`` item succeeds (a
``post_save`` receiver on :class:`~nfvo.models.Job`); a successful apply ``delete``
removes the site again.

The state folder (installer assets: ``auth/``, ``metadata.json``, ignition configs) is
``<root>/<cluster>.<domain>``; ``<root>`` is the OpenStack site's
``connection.openshift_state_dir``, else ``$RDCL_VAR/openshift``, else
``~/.rdcl-nfvo/openshift`` — the same rule as the playbooks' ``openshift_state_root``.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from django.db.models.signals import post_save

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


def register_site(values: dict, instance_id: int | None = None):
    """Create or update the ``openshift`` site of the cluster ``values`` describe.

    ``values``: the order's dialog values (``cluster_name``, ``base_domain``,
    ``openstack_site``). Returns the :class:`~nfvo.models.Site`.

    :raises ValueError: a site of another kind already has the cluster's name.
    """
    from nfvo.models import Site

    name, domain, parent = values["cluster_name"], values["base_domain"], values["openstack_site"]
    existing = Site.objects.filter(name=name).first()
    if existing is not None and existing.kind != KIND:
        raise ValueError(f"site {name!r} exists and is a {existing.kind} site: not replacing it with the cluster")
    openstack = Site.objects.filter(name=parent).first()
    kubeconfig = state_dir(name, domain, openstack.connection if openstack else None) / "auth" / "kubeconfig"
    site, _ = Site.objects.update_or_create(name=name, defaults={
        "kind": KIND,
        "labels": {"cluster": f"{name}.{domain}", "openstack_site": parent, "managed_by": MANAGED_BY,
                   "service_instance": str(instance_id or "")},
        "connection": {"k8s_host": f"https://api.{name}.{domain}:6443", "k8s_kubeconfig": str(kubeconfig)}})
    log.info("registered site %s (openshift) for cluster %s.%s", name, name, domain)
    return site


def unregister_site(values: dict) -> bool:
    """Remove the cluster's ``openshift`` site if this item registered it; True if removed."""
    from nfvo.models import Site

    deleted, _ = Site.objects.filter(name=values["cluster_name"], kind=KIND,
                                     labels__managed_by=MANAGED_BY).delete()
    return bool(deleted)


def _job_saved(sender, instance, update_fields=None, **_):
    """After a successful apply job of an ``openshift`` item: (un)register the cluster's site."""
    job = instance
    if update_fields is not None and "status" not in update_fields:
        return
    if job.status != "successful" or job.mode != "apply" or job.instance.item.kind != KIND:
        return
    try:
        if job.operation in REGISTERING_OPERATIONS:
            register_site(job.extra_vars, job.instance_id)
        elif job.operation == "delete":
            unregister_site(job.extra_vars)
    except Exception:  # the job has succeeded; a registration problem must not undo that
        log.exception("job %s: could not update the cluster's openshift site", job.pk)


def connect() -> None:
    """Connect the receiver (lazily: works before the app registry is ready)."""
    post_save.connect(_job_saved, sender="nfvo.Job", dispatch_uid="nfvo.openshift.sites._job_saved")
