"""Publish the OpenShift-on-OpenStack catalogue item.

The product's ``playbooks/openshift_on_openstack/`` (with the ``heat_stack`` driver role
it uses, under ``roles/``) is committed to folder ``openshift-on-openstack`` of the
services repository; the catalogue item (kind ``openshift``) runs it. Cluster
definitions that orders committed under ``clusters/`` are kept when it is published again.
"""

from __future__ import annotations

import json
from pathlib import Path

import git
from django.conf import settings
from filelock import FileLock

from nfvo import services
from translators.git_push import AUTHOR, BRANCH, push_files

from .sites import KIND

PRODUCT = Path(settings.BASE_DIR) / "playbooks"
SOURCE = PRODUCT / "openshift_on_openstack"
ROLES = ("heat_stack",)
FOLDER = "openshift-on-openstack"
NAME = "openshift-on-openstack"
PLAYBOOKS = {
    "create": "install.yml",
    "provision": "provision.yml",
    "scale": "scale.yml",
    "delete": "destroy.yml",
    "register_site": "register_site.yml",
}
TIMEOUT = 4 * 3600  # an installation takes about an hour; bare metal boots slowly
DESCRIPTION = (
    "OpenShift 4 cluster on an OpenStack site: control plane, infra and workers on VMs, "
    "workers on bare metal (Ironic), OVN-Kubernetes or Kuryr. User-provisioned infrastructure: "
    "one Heat stack per cluster, openshift-install on the worker."
)


def item_files() -> dict[str, str]:
    """``{path in the item's folder: text}``: the playbooks, their vars and tasks, the dialog, the roles."""
    files = {str(p.relative_to(SOURCE)): p.read_text() for p in sorted(SOURCE.rglob("*")) if _shipped(p)}
    for role in ROLES:
        base = PRODUCT / "roles" / role
        files.update(
            {f"roles/{role}/{p.relative_to(base)}": p.read_text() for p in sorted(base.rglob("*")) if _shipped(p)}
        )
    return files


def _shipped(path: Path) -> bool:
    return path.is_file() and "__pycache__" not in path.parts and not path.name.startswith(".")


def dialog_schema() -> dict:
    """The item's dialog (``dialog.json``): a JSON Schema; the pull secret is writeOnly, a password."""
    return json.loads((SOURCE / "dialog.json").read_text())


#: Dialog fields ``scale`` takes (the machine counts); the other operations take none: the
#: cluster's name, domain and site are the instance's, never a job's (they name its site).
SCALE_FIELDS = ("infra_count", "worker_count", "baremetal_worker_count")


def operation_dialogs() -> dict[str, dict]:
    """``{operation: JSON Schema}`` of the operations' parameters: ``scale`` the machine
    counts (same limits as the dialog, none required), the others a closed empty object."""
    fields = dialog_schema()["properties"]
    none = {"type": "object", "properties": {}, "additionalProperties": False}
    scale = {
        "type": "object",
        "additionalProperties": False,
        "properties": {k: {n: v for n, v in fields[k].items() if n != "default"} for k in SCALE_FIELDS},
    }
    return {"scale": scale, **{op: none for op in PLAYBOOKS if op not in ("create", "scale")}}


def publish_item(remote: str, workdir: str | Path, name: str = NAME, queue: str = ""):
    """Commit the item's folder to ``remote`` (through the working clone ``workdir``) and
    create or update its :class:`~nfvo.models.CatalogueItem`; returns the item.

    The clone is first brought up to date with ``remote`` (orders commit cluster
    definitions through their own clones), and ``clusters/`` is carried over.

    :raises translators.git_push.PushError: the push failed (the commit stays local).
    :raises git.GitCommandError: the clone could not be brought up to date.
    """
    workdir = Path(workdir)
    _update(workdir)
    files = item_files()
    kept = workdir / FOLDER / "clusters"
    if kept.is_dir():
        files.update({f"clusters/{p.relative_to(kept)}": p.read_text() for p in sorted(kept.rglob("*")) if p.is_file()})
    published = push_files(files, FOLDER, f"{FOLDER}: playbooks of the OpenShift on OpenStack item\n", remote, workdir)
    return services.publish_repository(
        name,
        published.remote,
        published.branch,
        FOLDER,
        PLAYBOOKS,
        [],
        dialog_schema(),
        description=DESCRIPTION,
        timeout=TIMEOUT,
        queue=queue,
        kind=KIND,
        operation_dialogs=operation_dialogs(),
    )


def _update(workdir: Path, branch: str = BRANCH) -> None:
    """Rebase the clone's commits (if any were not pushed) on the remote's ``branch``."""
    if not (workdir / ".git").exists():
        return
    with FileLock(str(workdir) + ".lock"):
        repo = git.Repo(workdir)
        if repo.git.ls_remote("origin", f"refs/heads/{branch}"):
            with repo.git.custom_environment(GIT_COMMITTER_NAME=AUTHOR.name, GIT_COMMITTER_EMAIL=AUTHOR.email):
                repo.git.pull("--rebase", "origin", branch)
