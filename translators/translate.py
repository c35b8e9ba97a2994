"""Descriptor file -> every file of a translated service (HOT, manifests, playbooks).

One way: :func:`translators.tosca_loader.load` (parse once) -> checks of what is
required (:mod:`translators.checks`) -> :func:`place` (sites and order) -> HOT per
OpenStack site, manifests per container (each validated against the Kubernetes schema
of ``k8s_version``), linux processes -> playbooks and group_vars -> :class:`Translation`
(path -> text) with its report (:mod:`translators.report`), written or published.

Deterministic: the same descriptor, sites and version give byte-identical files.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from . import checks, heat_fit, hot, levels, pods, report
from .doc import Doc
from .errors import TranslationError
from .k8s.scheduling import node_labels
from .literal import template_data
from .model import ServiceModel
from .placement import Part, place
from .playbooks import group_vars, playbooks
from .relations import POD_KINDS, Relations
from .sites import SiteMap
from .tosca_loader import load
from .validate import DEFAULT_K8S_VERSION, schema_version

ROLES_DIR = Path(__file__).resolve().parent.parent / "playbooks" / "roles"
INDEX = "service.json"


@dataclass
class Translation:
    """A translated service: ``files`` maps paths inside the service folder to text;
    ``report`` lists what was not translated and why; ``k8s_version`` is the Kubernetes
    version whose schema every manifest was checked against (None: not checked)."""

    model: ServiceModel
    parts: list[Part]
    files: dict[str, str] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
    k8s_version: str | None = DEFAULT_K8S_VERSION

    @property
    def name(self) -> str:
        """The service folder name (a slug)."""
        return self.model.name

    def write(self, out: str | Path) -> Path:
        """Write the files under ``out/<service>/`` and return that folder."""
        root = Path(out) / self.name
        for rel, text in sorted(self.files.items()):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text)
        return root


def translate_file(
    path: str | Path,
    sites: SiteMap,
    local_defs: Doc | None = None,
    k8s_version: str | None = DEFAULT_K8S_VERSION,
    params: Doc | None = None,
    level: str | None = None,
    root: str | Path | None = None,
) -> Translation:
    """Translate one descriptor for the given sites.

    ``params``: input values fixed at translation time; they become HOT parameter
    defaults and drive heat-translator's flavor and image choices (as its
    ``--parameters`` does). Leave them out for a catalogue service: its dialog values
    arrive at run time and are never written into a file. ``level``: the SOL 001
    instantiation level pods start at (default: the descriptor's, see
    :mod:`translators.levels`). ``root``: the folder its imports must stay in (default: its
    own folder; see :func:`translators.tosca_loader.load`).

    :raises DescriptorError: the descriptor does not parse or validate.
    :raises TranslationError: it validates but a required part cannot be translated.
    :raises ValueError: ``k8s_version`` has no schema in kubernetes-validate.
    """
    model = load(path, local_defs, params, root)
    model.root = str(root) if root else ""
    return translate_model(model, sites, k8s_version, level)


def translate_model(
    model: ServiceModel,
    sites: SiteMap,
    k8s_version: str | None = DEFAULT_K8S_VERSION,
    level: str | None = None,
    report_first: list[str] | tuple[str, ...] = (),
) -> Translation:
    """Translate a parsed model (see :func:`translate_file`); ``k8s_version`` None skips
    the schema check of the manifests; ``level`` is the instantiation level the pods
    start at (:func:`translators.levels.choose`); ``report_first``: report lines that
    come before the model's own (what an ETSI descriptor lost on its way to TOSCA).

    :raises TranslationError: also for an unknown level, or several levels and no default.
    """
    if k8s_version is not None:
        schema_version(k8s_version)
    problems = checks.model_problems(model) + levels.problems(model)
    if problems:
        raise TranslationError(model.source, problems)
    if model.levels:
        model.levels["chosen"] = levels.choose(model, level)
    elif level is not None:
        levels.choose(model, level)  # raises: nothing to choose from
    parts = place(model, sites)
    problems = checks.part_problems(model, parts)
    if problems:
        raise TranslationError(model.source, problems)
    rel = Relations.of(model, parts)
    labels = node_labels(model, rel)
    result = Translation(model, parts, k8s_version=k8s_version)
    result.report += list(report_first) + report.entries(model, parts, rel)
    index_parts = []
    for part in parts:
        site_files = _translate_part(model, part, result, rel, labels)
        result.files[f"group_vars/{part.site}.json"] = _json(group_vars(model, part, site_files))
        index_parts.append(
            {
                "site": part.site,
                "kind": part.kind,
                "after": part.after,
                "nodes": part.nodes,
                "templates": site_files["templates"],
                "creates": site_files["resources"],
            }
        )
    result.files.update(playbooks(model, parts))
    result.files["group_vars/all.json"] = _json(
        {
            "rdcl_service": model.name,
            "rdcl_source": template_data(Path(model.source).name),
            "rdcl_digest": model.digest,
            "rdcl_mode": "apply",
            **({"rdcl_levels": model.levels["ids"]} if any(n.levels for n in model.nodes.values()) else {}),
            **{i.name: template_data(i.default) for i in model.inputs if i.default is not None},
        }
    )
    index: Doc = {
        "service": model.name,
        "source": Path(model.source).name,
        "digest": model.digest,
        "description": model.description,
        "playbooks": {"create": "create.yml", "delete": "delete.yml", "scale": "scale.yml", "site": "site.yml"},
        "inputs": [
            {
                "name": i.name,
                "type": i.type,
                "default": i.default,
                "required": i.required,
                "description": i.description,
                "constraints": list(i.constraints),
            }
            for i in model.inputs
        ],
        "parts": index_parts,
        "report": result.report,
    }
    if any(p.kind in POD_KINDS for p in parts):
        index["kubernetes_version"] = k8s_version
    result.files[INDEX] = _json(index)
    result.files["README.md"] = _readme(model, parts, result.report)
    _copy_roles(result.files, {p.kind for p in parts})
    return result


def translate_descriptors(
    descriptors: dict[str, Doc],
    sites: SiteMap,
    nested: Doc | None = None,
    nsd: str | None = None,
    k8s_version: str | None = DEFAULT_K8S_VERSION,
    params: Doc | None = None,
    level: str | None = None,
    source: str | None = None,
) -> Translation:
    """Translate ETSI NFV descriptors (IFA 011 VNFDs, IFA 014 NSDs, Superfluidity nested
    VDUs) as :func:`translate_file` translates TOSCA: the same files, plus
    ``tosca/service.yaml``, the TOSCA they became (:func:`translators.etsi.to_tosca`).

    ``descriptors``: name -> VNFD/NSD dict (the designer: ``{d.name: d.data for d in
    etsi_model.descriptors}``); ``nested``: name -> nested descriptor (a project's
    ``k8s``/``click`` resources); ``nsd``: the NSD when there are several; ``source``:
    the name written as the service's source (default the NSD's or VNFD's name).
    ``params``, ``level``, ``k8s_version``: as for :func:`translate_file` (``level`` is
    an IFA 011 InstantiationLevel ``levelId``).

    :raises TranslationError: a required part cannot be translated; every problem's path
        is in the descriptors (``vnfd.edge_vnfd.vdu[1].vduParent``), the TOSCA node named.
    """
    import tempfile

    from . import etsi
    from .errors import DescriptorError

    source = (
        source
        or nsd
        or next((n for n, d in descriptors.items() if etsi.kind_of(d) == "nsd"), next(iter(descriptors), "descriptors"))
    )
    try:
        converted = etsi.to_tosca(descriptors, nested, nsd)
    except TranslationError as exc:
        raise TranslationError(source, exc.problems) from None
    with tempfile.TemporaryDirectory(prefix="rdcl-etsi-") as tmp:
        path = Path(tmp) / "service.yaml"
        path.write_text(converted.text)
        try:
            model = load(path, None, params)
            model.source = source
            etsi.apply_levels(model, converted)
            result = translate_model(model, sites, k8s_version, level, converted.report)
        except DescriptorError as exc:
            raise converted.relocate(exc, source) from None
    etsi.check_servers(result, converted, source)
    result.files["tosca/service.yaml"] = converted.text
    return result


def _translate_part(
    model: ServiceModel, part: Part, result: Translation, rel: Relations, labels: dict[str, Doc]
) -> Doc:
    files = result.files
    if part.kind == "openstack":
        hot_files, resources = hot.translate_site(model, part.nodes, labels, result.report)
        for name, text in hot_files.items():
            files[f"templates/{part.site}/{name}"] = text
        from .validate import load_yaml

        declared = (load_yaml(hot_files["stack.yaml"]) or {}).get("parameters") or {}
        return {
            "templates": [f"templates/{part.site}/stack.yaml"],
            "resources": resources,
            "site_network": hot.SITE_NETWORK in declared,
            "site_parameters": [p for p in heat_fit.SITE_PARAMETERS if p in declared],
        }
    if part.kind in POD_KINDS:
        return pods.translate_part(model, part, rel, labels, files, result.report, result.k8s_version)
    return {"templates": [], "resources": [{"name": n, "type": "process"} for n in part.nodes]}


def _json(data: Doc) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _copy_roles(files: Doc, kinds: set[str]) -> None:
    from .playbooks import DRIVERS

    for role in sorted({DRIVERS[k] for k in kinds}):
        files.update(_role_files(role))


@cache
def _role_files(role: str) -> dict[str, str]:
    """The files of a driver role (read once per process: they are part of the product)."""
    return {
        f"roles/{role}/{path.relative_to(ROLES_DIR / role)}": path.read_text()
        for path in sorted((ROLES_DIR / role).rglob("*"))
        if path.is_file() and "__pycache__" not in path.parts
    }


def _readme(model: ServiceModel, parts: list[Part], report: list[str]) -> str:
    lines = [
        f"# {model.name}",
        "",
        model.description,
        "",
        f"Translated by rdcl-nfvo from `{Path(model.source).name}` ({model.digest}).",
        "",
        "## What runs where, in this order",
        "",
    ]
    for i, part in enumerate(parts, 1):
        after = f" (after {', '.join(part.after)})" if part.after else ""
        lines.append(f"{i}. **{part.site}** ({part.kind}){after}: {', '.join(part.nodes)}")
    lines += [
        "",
        "## Run",
        "",
        "`ansible-playbook -i INVENTORY site.yml` with one inventory group per site above;",
        "`-e rdcl_mode=plan --check` renders and checks without contacting any cloud.",
        "`delete.yml` removes everything in reverse order; `scale.yml -e scale_vdu=NODE -e scale_replicas=N`,",
        "or `scale.yml -e scale_level=LEVEL` (an instantiation level: every pod to its count there; an",
        "autoscaled pod gets that count as its autoscaler's minReplicas; VMs with counts get them as Heat",
        "stack parameters), or `scale.yml -e scale_aspect=ASPECT -e scale_steps=N` (VMs of a scaling",
        "aspect to N steps above their initial count).",
    ]
    if report:
        lines += ["", "## Translation report", ""] + [f"- {r}" for r in report]
    return "\n".join(lines) + "\n"
