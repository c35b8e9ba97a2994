"""The ``openshift`` kind of catalogue item: an OpenShift cluster on an OpenStack site."""

from __future__ import annotations

from pathlib import Path

from nfvo import kinds, sandbox
from nfvo.exceptions import DialogError
from nfvo.models import ServiceInstance, Site

from . import files, plan
from .cluster import from_values
from .sites import KIND, job_ended, state_dir


class OpenShiftKind(kinds.ItemKind):
    """Orders commit the cluster's definition; jobs run on the OpenStack site picked in the dialog."""

    name = KIND

    def sites(self, folder: Path, item, values: dict, tenant_id: int | None = None) -> list[str]:
        """The one site a job uses: the dialog's ``openstack_site``."""
        return [values["openstack_site"]]

    def plan(self, folder: Path, values: dict) -> tuple[dict, list[str]]:
        """See :func:`nfvo.openshift.plan.plan`."""
        return plan.plan(folder, values)

    def prepare(self, item, values: dict) -> kinds.Prepared:
        """The cluster's definition (:mod:`nfvo.openshift.files`), validated, to commit under
        ``clusters/<cluster_name>/``.

        :raises DialogError: the OpenStack site is not a registered openstack site, the
            cluster's name is another site's or an active cluster's, or the values break a
            rule across fields (:func:`nfvo.openshift.cluster.problems`).
        :raises ValueError: a rendered file does not validate (a bug: every problem listed).
        """
        site = _openstack_site(values["openstack_site"])
        _check_name(item, values)
        cluster = from_values(values, site.connection.get("os_cloud") or site.name)
        rendered = files.render(cluster)
        found = files.problems(rendered)
        if found:
            raise ValueError(f"cluster {cluster.fqdn}: generated files do not validate:\n" + "\n".join(found))
        counts = cluster.counts
        message = (
            f"{item.name}: cluster {cluster.fqdn} on {cluster.site}: {counts['master_count']} control plane, "
            f"{counts['infra_count']} infra, {counts['worker_count']} workers, "
            f"{counts['baremetal_worker_count']} bare-metal workers, {cluster.network_type}\n\n"
            f"OpenShift {cluster.distribution} {cluster.version}; API {cluster.api_url}.\n"
            "The pull secret and the SSH key are not in this commit.\n"
        )
        return kinds.Prepared(folder=files.folder(cluster.name), files=rendered, message=message)

    def finish(self, job) -> None:
        """A successful apply job registers the cluster as an ``openshift`` site (``create``,
        ``register_site``) or removes it (``delete``): :func:`nfvo.openshift.sites.job_ended`."""
        job_ended(job)

    def sandbox_paths(self, values: dict, create: bool = True):
        """The cluster's state folder (:func:`nfvo.openshift.sites.state_dir`, created 0700
        when ``create``), writable: the installer's assets and kubeconfig; other clusters'
        stay hidden.

        :raises nfvo.sandbox.SandboxError: the cluster's name or domain leads out of the state root.
        """
        if not values.get("cluster_name") or not values.get("base_domain"):
            return sandbox.Paths()
        site = Site.objects.filter(name=values.get("openstack_site") or "").first()
        root = state_dir("cluster", "domain", site.connection if site else None).parent
        folder = sandbox.inside(
            root,
            f"{values['cluster_name']}.{values['base_domain']}",
            "the cluster's state folder",
            "the OpenShift state root",
        )
        if create:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        return sandbox.Paths(writable=[folder] if folder.is_dir() else [])


def _openstack_site(name: str):
    site = Site.objects.filter(name=name).first()
    if site is None or site.kind != "openstack":
        known = sorted(Site.objects.filter(kind="openstack").values_list("name", flat=True))
        raise DialogError(
            {
                "openstack_site": f"{name!r} is not a registered openstack site "
                f"(registered: {', '.join(known) or 'none'})"
            }
        )
    return site


def _check_name(item, values: dict) -> None:
    name = values["cluster_name"]
    clash = Site.objects.filter(name=name).exclude(kind=KIND).first()
    if clash is not None:
        raise DialogError(
            {
                "cluster_name": f"{name!r} is the name of the {clash.kind} site {clash.name}; "
                "the cluster is registered as a site under its name"
            }
        )
    live = ServiceInstance.objects.filter(
        item=item,
        state__in=("active", "needs_attention"),
        parameters__cluster_name=name,
        parameters__base_domain=values["base_domain"],
    ).first()
    if live is not None:
        raise DialogError(
            {
                "cluster_name": f"cluster {name}.{values['base_domain']} exists already "
                f"(service instance {live.pk}, {live.state}); scale or delete it"
            }
        )
