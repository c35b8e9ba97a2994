"""What a job's run does for the sites of each kind, beside the translators' registry
(:mod:`translators.site_kinds`, which names the kinds): the connection an inventory host
gets (:func:`nfvo.inventory.host_vars`), what :meth:`nfvo.credentials.RunSecrets.inject`
adds to a site's stored credentials, and whether the worker installs under its ``rdcl_root``
(:func:`nfvo.sandbox.site_paths`). A kind not listed in :data:`RUN_KINDS` gets
:data:`DEFAULT`: a local connection, nothing more.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any


def local(hv: dict, keys_dir: Path | None) -> None:
    """The site is driven from the worker, with its own Python (API sites, a local server)."""
    hv.setdefault("ansible_connection", "local")
    hv.setdefault("ansible_python_interpreter", sys.executable)
    hv.setdefault("rdcl_bind_address", "127.0.0.1")


def ssh_or_local(hv: dict, keys_dir: Path | None) -> None:
    """A server at ``ansible_host`` is reached over SSH (host keys accepted on first use, kept in
    ``keys_dir``); without ``ansible_host`` it is the worker itself (:func:`local`)."""
    if not hv.get("ansible_host"):
        local(hv, keys_dir)
        return
    hv.setdefault("ansible_python_interpreter", "/usr/bin/python3")
    hv.setdefault("rdcl_bind_address", hv["ansible_host"])
    hv.setdefault(
        "ansible_ssh_common_args",
        "-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile=" + str((keys_dir or Path("/tmp")) / "known_hosts"),
    )


def no_more(run: Any, site: Any, hv: dict) -> None:
    """The site's stored credentials are all it gets."""


def worker_cloud(run: Any, site: Any, hv: dict) -> None:
    """The worker's own ``clouds.yaml`` entry of the site's cloud (``os_cloud``, else the site's
    name), when no stored secret made one (:meth:`nfvo.credentials.RunSecrets.add_worker_cloud`)."""
    run.add_worker_cloud(str(hv.get("os_cloud") or site.name))


@dataclass(frozen=True)
class RunKind:
    """``connect(hv, keys_dir)``: sets the connection variables a host does not give;
    ``inject(run, site, hv)``: adds what the run (a :class:`~nfvo.credentials.RunSecrets`)
    gives beside the site's stored credentials; ``installs_under_root``: its services are
    files under the site's ``rdcl_root``, which a local site's run may write."""

    connect: Callable[[dict, Path | None], None] = local
    inject: Callable[[Any, Any, dict], None] = no_more
    installs_under_root: bool = False


DEFAULT = RunKind()
RUN_KINDS = {
    "openstack": RunKind(inject=worker_cloud),
    "linux": RunKind(connect=ssh_or_local, installs_under_root=True),
}


def get(name: str) -> RunKind:
    """What a run does for sites of kind ``name`` (:data:`DEFAULT` for a kind not listed)."""
    return RUN_KINDS.get(name, DEFAULT)
