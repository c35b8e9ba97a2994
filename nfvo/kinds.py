"""Kinds of catalogue items, and what differs between them.

* ``service``: a service translated by rdcl-nfvo; its folder holds ``service.json``,
  which names the sites in order and the templates a plan job validates.
* ``playbooks``: any git repository of playbooks; it runs on the item's sites.
* others (e.g. ``openshift``) register here with :func:`register`.

A kind answers four questions: which sites a job uses (:meth:`ItemKind.sites`), what a
plan job checks and reports per site (:meth:`ItemKind.plan`), which files an order
commits before its job runs (:meth:`ItemKind.prepare`; e.g. a cluster's definition, so
it is reviewable in git), and which folders of the worker its jobs write besides their
own and their sites' (:meth:`ItemKind.sandbox_paths`; jobs run boxed, see :mod:`nfvo.sandbox`).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from translators import kubernetes, validate
from translators.translate import INDEX

from .sandbox import Paths
from .sites import select


@dataclass
class Prepared:
    """Files an order commits under ``folder`` (inside the item's folder) before its job."""

    folder: str
    files: dict[str, str] = field(default_factory=dict)
    message: str = ""


class ItemKind:
    """Default behaviour: the item's own sites, no plan checks, nothing to commit."""

    name = "playbooks"

    def sites(self, folder: Path, item, values: dict, tenant_id: int | None = None) -> list[str]:
        """Sites (inventory groups) a job of ``item`` for tenant ``tenant_id`` uses, in order:
        the item's site names and the sites its selectors match now among the global sites
        and that tenant's (:func:`nfvo.sites.select`; None: a system job, every site)."""
        return select(item.sites, tenant_id)

    def plan(self, folder: Path, values: dict) -> tuple[dict, list[str]]:
        """Per-site report ``{site: {...}}`` and problems found, without contacting any site."""
        return {}, []

    def prepare(self, item, values: dict) -> Prepared | None:
        """Files to commit for an order, or None."""
        return None

    def sandbox_paths(self, values: dict, create: bool = True):
        """:class:`nfvo.sandbox.Paths` a job with ``values`` may use besides its own folder
        and its sites' (:func:`nfvo.sandbox.site_paths`): none. ``create``: make missing
        folders (False for plan jobs, which write nothing)."""
        return Paths()


class ServiceKind(ItemKind):
    """A translated service (``service.json`` beside its playbooks)."""

    name = "service"

    @staticmethod
    def index(folder: Path) -> dict:
        """The service's ``service.json`` (empty when missing)."""
        path = folder / INDEX
        return json.loads(path.read_text()) if path.exists() else {}

    def sites(self, folder: Path, item, values: dict, tenant_id: int | None = None) -> list[str]:
        return [p["site"] for p in self.index(folder).get("parts") or []] or super().sites(
            folder, item, values, tenant_id
        )

    def plan(self, folder: Path, values: dict) -> tuple[dict, list[str]]:
        """Render and validate every part's templates (HOT structure, Kubernetes OpenAPI);
        a part with Helm charts needs the ``helm`` binary on this worker (``shutil.which``),
        as ``kubernetes.core.helm`` does when the create job applies them."""
        defaults = json.loads((folder / "group_vars" / "all.json").read_text())
        values = {**defaults, **values}
        index = self.index(folder)
        version = index.get("kubernetes_version") or validate.DEFAULT_K8S_VERSION
        plan, problems = {}, []
        for part in index.get("parts") or []:
            for rel in part.get("templates") or []:
                text = (folder / rel).read_text()
                if part["kind"] == "openstack":
                    found = validate.hot_problems(text)
                else:
                    found = validate.manifest_problems(kubernetes.render(text, values), version)
                problems += [f"{part['site']}: {rel}: {p}" for p in found]
            charts = part.get("charts") or []
            if charts and shutil.which("helm") is None:
                problems.append(
                    f"{part['site']}: Helm charts of {', '.join(c['node'] for c in charts)}: this worker has "
                    "no helm binary, so kubernetes.core.helm cannot install them (install helm 3 on the worker)"
                )
            plan[part["site"]] = {"kind": part["kind"], "creates": part.get("creates") or []}
            if charts:
                plan[part["site"]]["charts"] = [c["release"] for c in charts]
        return plan, problems


KINDS: dict[str, ItemKind] = {}


def register(kind: ItemKind) -> ItemKind:
    """Add a kind (by its ``name``)."""
    KINDS[kind.name] = kind
    return kind


def get(name: str) -> ItemKind:
    """The kind called ``name``.

    :raises KeyError: no such kind.
    """
    return KINDS[name]


register(ItemKind())
register(ServiceKind())
