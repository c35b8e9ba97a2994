"""Kinds of catalogue items, and what differs between them.

* ``service``: a service translated by rdcl-nfvo; its folder holds ``service.json``,
  which names the sites in order and the templates a plan job validates.
* ``playbooks``: any git repository of playbooks; it runs on the item's sites.
* others (e.g. ``openshift``, :class:`nfvo.openshift.kind.OpenShiftKind`).

The kinds are the classes listed by dotted path in ``settings.RDCL_ITEM_KINDS``, loaded
with Django's ``import_string`` on first use (:func:`kinds`); nothing registers itself by
being imported.

A kind answers four questions: which sites a job uses (:meth:`ItemKind.sites`), what a
plan job checks and reports per site (:meth:`ItemKind.plan`), which files an order
commits before its job runs (:meth:`ItemKind.prepare`; e.g. a cluster's definition, so
it is reviewable in git), and which folders of the worker its jobs write besides their
own and their sites' (:meth:`ItemKind.sandbox_paths`; jobs run boxed, see :mod:`nfvo.sandbox`);
and it is told when a job of its items ends (:meth:`ItemKind.finish`, e.g. to register
the cluster a job created as a site).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string

from translators import site_kinds, validate
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

    def finish(self, job) -> None:
        """``job`` (of an item of this kind) has ended: its final status and message are
        saved, in the transaction that ends it, before its order moves (the order's closing
        step quotes the message's first line, which this may change); also for a job the
        reaper ended (:mod:`nfvo.reaper`). Nothing by default. Must not raise: the job's end
        stands whatever happens here (an exception is logged, its database changes undone)."""


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
                found = site_kinds.get(part["kind"]).plan_problems(text, values, version)
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


def kinds() -> dict[str, ItemKind]:
    """Every kind of item by name: one instance of each class ``settings.RDCL_ITEM_KINDS``
    lists (dotted paths), in that order; loaded once per list.

    :raises ImproperlyConfigured: a path that does not import, a class that is not an
        :class:`ItemKind`, or two kinds with one name.
    """
    return dict(_load(tuple(settings.RDCL_ITEM_KINDS)))


@cache
def _load(paths: tuple[str, ...]) -> dict[str, ItemKind]:
    found: dict[str, ItemKind] = {}
    for path in paths:
        try:
            cls = import_string(path)
        except ImportError as exc:
            raise ImproperlyConfigured(f"RDCL_ITEM_KINDS: {path}: {exc}") from exc
        if not (isinstance(cls, type) and issubclass(cls, ItemKind)):
            raise ImproperlyConfigured(f"RDCL_ITEM_KINDS: {path} is not an ItemKind class")
        if cls.name in found:
            raise ImproperlyConfigured(f"RDCL_ITEM_KINDS: two kinds named {cls.name!r} ({path})")
        found[cls.name] = cls()
    return found


def get(name: str) -> ItemKind:
    """The kind called ``name``.

    :raises KeyError: no such kind.
    """
    return _load(tuple(settings.RDCL_ITEM_KINDS))[name]
