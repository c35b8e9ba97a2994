"""Build a job's multi-site inventory from the registered sites.

One group per site (the name playbooks use in ``hosts``), one host in it named
``<site>-host`` (Ansible warns when a host and a group share a name), whose variables
are the site's connection plus ``rdcl_site``. Each host is also in a group per kind
(``kind_linux``) and per label (``role_edge``), so a playbook can address "every edge
site" as ``hosts: role_edge``. Local sites (no ``ansible_host``)
run on the worker with its own Python. SSH private keys go to the run's own ssh-agent
(:mod:`nfvo.ssh_agent`), never to disk; a site's SSH options name its public key so
it is offered that key alone. The site's other credentials are injected by a
:class:`nfvo.credentials.RunSecrets` (host variables, or 0600 files in the run's own
folder); :func:`public_view` is the inventory with those masked, as stored on the job.
A job of a tenant may use global sites and its tenant's own sites only.
"""

from __future__ import annotations

import re
from pathlib import Path

from . import site_kinds
from .credentials import RunSecrets
from .models import Site

HOST_SUFFIX = "-host"


def host_name(site: str) -> str:
    """The inventory host of a site."""
    return site + HOST_SUFFIX


def site_of(host: str) -> str:
    """The site an inventory host belongs to (inverse of :func:`host_name`)."""
    return host[: -len(HOST_SUFFIX)] if host.endswith(HOST_SUFFIX) else host


def host_vars(site: Site, keys_dir: Path | None, agent=None, run: RunSecrets | None = None) -> dict:
    """Inventory variables of one site. Its SSH key, if any, is added to ``agent`` (an
    :class:`nfvo.ssh_agent.Agent`) and selected by its public key; its other credentials
    are injected by ``run``. Without them the site has no credentials (plan-only uses)."""
    hv = dict(site.connection)
    hv["rdcl_site"] = site.name
    hv.setdefault("rdcl_site_kind", site.kind)
    site_kinds.get(site.kind).connect(hv, keys_dir)
    key = site.ssh_private_key() if agent is not None else ""  # decrypted only for a run that uses it
    if key:  # the private key goes to the run's ssh-agent, never to disk
        public = agent.add(site.name, key)
        hv["ansible_ssh_common_args"] = (
            hv.get("ansible_ssh_common_args", "") + f" -o IdentityFile={public} -o IdentitiesOnly=yes"
        ).strip()
    if run is not None:
        run.inject(site, host_name(site.name), hv)
    return hv


def build(
    site_names: list[str],
    keys_dir: Path | None,
    agent=None,
    run: RunSecrets | None = None,
    tenant_id: int | None = None,
    credentials_for: set[str] | None = None,
) -> dict:
    """Inventory dict ``{all: {children: {<site>: {hosts: {<site>-host: vars}}}}}``.

    ``tenant_id``: the tenant the run is for; its inventory may hold global sites and
    that tenant's sites (None: a system run, any site). ``credentials_for``: the sites whose
    credentials the run gets (None: all); the others are listed without any (a job's part
    on another queue drives them, :mod:`nfvo.parts`).

    :raises LookupError: a site the service uses is not registered, or belongs to another tenant.
    """
    sites = {s.name: s for s in Site.objects.filter(name__in=site_names)}
    missing = sorted(set(site_names) - set(sites))
    if missing:
        raise LookupError(f"sites not registered: {', '.join(missing)}")
    foreign = sorted(n for n, s in sites.items() if tenant_id is not None and s.tenant_id not in (None, tenant_id))
    if foreign:
        raise LookupError(f"sites of another tenant: {', '.join(foreign)}")
    children = {
        name: {"hosts": {host_name(name): _vars(sites[name], keys_dir, agent, run, credentials_for)}}
        for name in sorted(site_names)
    }
    for name in sorted(site_names):
        for group in attribute_groups(sites[name]):
            if group not in sites:  # a site's own group wins over a label group of that name
                children.setdefault(group, {"hosts": {}})["hosts"][host_name(name)] = {}
    return {"all": {"children": children}}


def _vars(site: Site, keys_dir, agent, run, credentials_for: set[str] | None) -> dict:
    if credentials_for is None or site.name in credentials_for:
        return host_vars(site, keys_dir, agent, run)
    return host_vars(site, keys_dir)


def attribute_groups(site: Site) -> list[str]:
    """Inventory groups of a site besides its own: ``kind_<kind>`` and ``<label>_<value>``
    (lower case, characters other than ``[a-z0-9_]`` replaced by ``_``)."""

    def clean(text) -> str:
        return re.sub(r"[^a-z0-9_]", "_", str(text).lower())

    return [f"kind_{site.kind}"] + [f"{clean(k)}_{clean(v)}" for k, v in sorted(site.labels.items())]


def public_view(inventory: dict, run: RunSecrets) -> dict:
    """The inventory with every credential ``run`` injected masked (what a job row keeps):
    see :meth:`nfvo.credentials.RunSecrets.public_inventory`."""
    return run.public_inventory(inventory)
