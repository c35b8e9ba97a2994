"""What ``python -m translators translate --to TARGET`` writes, from one translation.

* ``playbooks`` (default): everything: playbooks, group_vars, index, HOT, manifest
  templates, roles (:attr:`Translation.files`);
* ``hot``: only ``templates/<site>/*.yaml`` of the OpenStack sites (HOT);
* ``k8s`` / ``openshift``: only the manifests, rendered with the dialog values
  (descriptor defaults and ``--param``) as ``manifests/<site>/<node>.yaml``, each
  validated again for the chosen Kubernetes version. The target is also the flavour:
  ``openshift`` translates every site of pods as an openshift one (Route, Project),
  ``k8s`` every one as a plain kubernetes one (:func:`sites_for`).
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path

import jinja2
import yaml

from . import kubernetes
from .doc import Doc
from .sites import SiteMap, SiteRef
from .translate import Translation
from .validate import DEFAULT_K8S_VERSION, manifest_problems

TARGETS = ("playbooks", "hot", "k8s", "openshift")
#: The site kind every site of pods becomes for a manifest target.
TARGET_KINDS = {"k8s": "kubernetes", "openshift": "openshift"}


class OutputError(Exception):
    """The translation has nothing for the target, or its manifests cannot be rendered."""


def sites_for(target: str, sites: SiteMap) -> SiteMap:
    """``sites`` with the sites of pods switched to the kind of ``target``
    (:data:`TARGET_KINDS`: k8s, openshift); unchanged for the other targets."""
    kind = TARGET_KINDS.get(target)
    if not kind:
        return sites
    return SiteMap(
        [SiteRef(s.name, kind if s.site_kind.pods else s.kind, s.default, s.labels) for s in sites.sites.values()]
    )


def select(translation: Translation, target: str, values: Doc | None = None) -> dict[str, str | bytes]:
    """Files (path in the service folder -> text, or bytes for a file carried as it is:
    a Helm chart, a lifecycle script) that ``target`` writes.

    ``values``: dialog values over the descriptor's defaults (k8s/openshift only).

    :raises OutputError: nothing to write for ``target``, an input without a value, or a
        rendered manifest that fails the schema of ``translation.k8s_version``.
    """
    if target == "playbooks":
        return {**translation.files, **translation.blobs}
    if target == "hot":
        sites = [p.site for p in translation.parts if p.site_kind.hosts("stack")]
        files = {k: v for k, v in translation.files.items() if any(k.startswith(f"templates/{s}/") for s in sites)}
        if not files:
            raise OutputError(f"{translation.name}: no part on an OpenStack site, so no HOT")
        return dict(files)
    if target in ("k8s", "openshift"):
        return dict(_rendered(translation, values or {}))
    raise OutputError(f"unknown target {target!r}; one of {', '.join(TARGETS)}")


def _rendered(translation: Translation, values: Doc) -> dict[str, str]:
    defaults = json.loads(translation.files["group_vars/all.json"])
    values = {**defaults, **values}
    version = translation.k8s_version or DEFAULT_K8S_VERSION
    out, problems = {}, []
    for part in translation.parts:
        if not part.site_kind.pods:
            continue
        for entry in json.loads(translation.files[f"group_vars/{part.site}.json"])["k8s_apply_manifests"]:
            try:
                text = kubernetes.render_text(translation.files[entry["template"]], values)
            except jinja2.UndefinedError as exc:
                raise OutputError(
                    f"{entry['node']}: {exc.message}: the input has no default; give it with --param NAME=VALUE"
                ) from None
            docs = [d for d in yaml.load_all(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)) if d]
            problems += [f"{part.site}/{entry['node']}: {p}" for p in manifest_problems(docs, version)]
            out[f"manifests/{part.site}/{entry['node']}.yaml"] = text
    if problems:
        raise OutputError("manifests fail the Kubernetes %s schema:\n  %s" % (version, "\n  ".join(problems)))
    if not out:
        raise OutputError(f"{translation.name}: no part on a kubernetes or openshift site, so no manifests")
    return out


def write(out: str | Path, name: str, files: Mapping[str, str | bytes]) -> Path:
    """Write ``files`` (text, or bytes as they are) under ``out/<name>/`` and return that folder."""
    root = Path(out) / name
    for rel, data in sorted(files.items()):
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(data, bytes):
            target.write_bytes(data)
        else:
            target.write_text(data)
    return root
