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
import posixpath
import tempfile
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from . import checks, cnf, etsi, lcm, levels, report
from .doc import Doc
from .errors import DescriptorError, Problem, TranslationError
from .k8s.scheduling import node_labels
from .literal import template_data
from .locate import with_lines
from .manifests import read_manifests
from .model import ServiceModel
from .package import is_package, open_package
from .placement import Part, place
from .playbooks import group_vars, playbooks
from .relations import Relations
from .sites import SiteMap
from .tosca_loader import load
from .validate import DEFAULT_K8S_VERSION, schema_version

ROLES_DIR = Path(__file__).resolve().parent.parent / "playbooks" / "roles"
INDEX = "service.json"


@dataclass
class Translation:
    """A translated service: ``files`` maps paths inside the service folder to text;
    ``report`` lists what was not translated and why; ``k8s_version`` is the Kubernetes
    version whose schema every manifest was checked against (None: not checked); ``blobs``
    maps paths to the bytes of files carried as they are (Helm charts, lifecycle scripts)."""

    model: ServiceModel
    parts: list[Part]
    files: dict[str, str] = field(default_factory=dict)
    report: list[str] = field(default_factory=list)
    k8s_version: str | None = DEFAULT_K8S_VERSION
    blobs: dict[str, bytes] = field(default_factory=dict)

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
        for rel, data in sorted(self.blobs.items()):
            target = root / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        return root


def translate_file(
    path: str | Path,
    sites: SiteMap,
    local_defs: Doc | None = None,
    k8s_version: str | None = DEFAULT_K8S_VERSION,
    params: Doc | None = None,
    level: str | None = None,
    root: str | Path | None = None,
    flavour: str | None = None,
) -> Translation:
    """Translate one descriptor, or one SOL 004 package, for the given sites.

    ``params``: input values fixed at translation time; they become HOT parameter
    defaults and drive heat-translator's flavor and image choices (as its
    ``--parameters`` does). Leave them out for a catalogue service: its dialog values
    arrive at run time and are never written into a file. ``level``: the SOL 001
    instantiation level pods start at (default: the descriptor's, see
    :mod:`translators.levels`). ``root``: the folder its imports must stay in (default: its
    own folder; see :func:`translators.tosca_loader.load`). ``flavour``: the SOL 001
    deployment flavour to translate (:mod:`translators.flavours`).

    A zip/CSAR, or a folder laid out as a package (:func:`translators.package.is_package`),
    is read by :func:`translators.package.open_package`: its entry is translated with the
    package as the root its imports stay in, problems name ``<package>/<member>``, the
    service's digest is the package's, and its Kubernetes manifests are carried
    (:func:`carry_artifacts`).

    :raises DescriptorError: the descriptor does not parse or validate; a package that
        cannot be read (``package.*``: meta, paths, limits, manifest digests).
    :raises TranslationError: it validates but a required part cannot be translated.
    :raises ValueError: ``k8s_version`` has no schema in kubernetes-validate.
    """
    if is_package(path):
        return _translate_package(Path(path), sites, local_defs, k8s_version, params, level, flavour)
    model = load(path, local_defs, params, root, flavour, deploy=True)
    model.root = str(root) if root else ""
    try:
        return translate_model(model, sites, k8s_version, level)
    except TranslationError as exc:
        raise TranslationError(exc.file, _with_lines(exc.problems, model, Path(path))) from None


def _translate_package(
    path: Path,
    sites: SiteMap,
    local_defs: Doc | None,
    k8s_version: str | None,
    params: Doc | None,
    level: str | None,
    flavour: str | None,
) -> Translation:
    with open_package(path) as pkg:
        try:
            model = load(pkg.root / pkg.entry, local_defs, params, pkg.root, flavour, deploy=True)
        except DescriptorError as exc:
            raise relabel(exc, str(pkg.root), pkg.name) from None
        model.source = pkg.label(pkg.entry)
        model.digest = pkg.digest
        model.package = pkg
        model.root = str(pkg.root)
        try:
            _package_manifests(model, pkg)
        except DescriptorError as exc:
            raise relabel(exc, str(pkg.root), pkg.name) from None
        try:
            return translate_model(model, sites, k8s_version, level)
        except DescriptorError as exc:
            raise relabel(exc, str(pkg.root), pkg.name) from None


def _package_manifests(model: ServiceModel, pkg: Any) -> None:
    """The package's Kubernetes manifests (``Files/kubernetes``, :meth:`translators.package.Package.artifacts_of`)
    that no VDU artifact names already, read (:func:`translators.manifests.read_manifests`) and
    given to the model (:func:`translators.cnf.package_manifests`): a VDU's workload, or the
    service's own objects.

    :raises DescriptorError: a manifest that is not Kubernetes objects (``manifest.*``).
    """
    here = posixpath.dirname(pkg.entry)
    owned = {
        posixpath.normpath(posixpath.join(here, m.file))
        for node in model.nodes.values()
        for m in ((getattr(node, "workload", None) or {}).get("manifests") or [])
    }
    files = [(a.path, pkg.root / a.path) for a in pkg.artifacts_of("kubernetes") if a.path not in owned]
    found, bad = read_manifests(files, pkg.root, None, "")
    if bad:
        raise DescriptorError(str(pkg.root / pkg.entry), bad)
    cnf.package_manifests(model, found)


def relabel(exc: DescriptorError, tmp: str, name: str) -> DescriptorError:
    """``exc`` with the folder ``tmp`` (a package's extraction) read as ``name`` in its
    messages; a problem in a file of the package names that file as its ``member``
    (:class:`translators.errors.Problem`) and the error names the package: reported as
    ``<package>: <member>:<line>: <path>: [rule] message``."""
    prefix = tmp.rstrip("/") + "/"
    member = exc.file[len(prefix) :] if exc.file.startswith(prefix) else ""

    def fix(text: str) -> str:
        return text.replace(prefix, name.rstrip("/") + "/").replace(tmp, name)

    problems = [Problem(p.path, p.rule, fix(p.message), p.line, member=p.member or member) for p in exc.problems]
    return type(exc)(name if member else fix(exc.file), problems)


def carry_artifacts(model: ServiceModel, result: Translation) -> Doc:
    """The package's Kubernetes manifests as ``artifacts/<path>`` files of ``result``,
    a report line for each artifact, and the ``package`` entry of ``service.json``:
    ``{name, entry, digest, meta, flavour, artifacts: [{path, kind, size, carried}]}``
    (``carried``: the path in the service folder, or null). Binary and other artifacts
    stay in the package: the service folder is text in git."""
    pkg = model.package
    listed = []
    for art in pkg.artifacts:
        carried = None
        if art.kind == "kubernetes":
            try:
                result.files[f"artifacts/{art.path}"] = pkg.read(art.path).decode("utf-8")
                carried = f"artifacts/{art.path}"
            except UnicodeDecodeError:
                carried = None
        if art.kind != "metadata":
            how = f"carried as {carried}" if carried else "not carried into the service folder"
            result.report.append(f"{art.path}: {art.kind} artifact of the package ({art.size} bytes), {how}")
        listed.append({"path": art.path, "kind": art.kind, "size": art.size, "carried": carried})
    return {
        "name": Path(pkg.name).name,
        "entry": pkg.entry,
        "digest": pkg.digest,
        "meta": dict(pkg.meta),
        "artifacts": listed,
    }


def _with_lines(problems: list[Problem], model: ServiceModel, path: Path) -> list[Problem]:
    """Problems at a path of the template given the line it is on (:func:`translators.locate.with_lines`;
    in a CSAR the entry member's line, the member named)."""
    source = Path(getattr(model.tosca, "path", None) or path)
    member = ""
    if source != path:  # a CSAR: tosca-parser's extracted copy of the entry definitions
        input_path = getattr(model.tosca, "input_path", None)
        member = source.name if input_path is None else _member_name(source)
    try:
        text = source.read_text()
    except (OSError, UnicodeDecodeError):
        return problems
    return with_lines(problems, text, member)


def _member_name(extracted: Path) -> str:
    """The CSAR member name of a file tosca-parser extracted (its path below the extraction folder)."""
    top = extracted
    while top.parent != top and top.parent != Path(tempfile.gettempdir()):
        top = top.parent
    return extracted.relative_to(top).as_posix()


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
    if not parts and not model.manifests:
        raise TranslationError(model.source, [_nothing_to_deploy(model)])
    parts = _manifest_part(model, parts, sites)
    problems = checks.part_problems(model, parts)
    if problems:
        raise TranslationError(model.source, problems)
    rel = Relations.of(model, parts)
    labels = node_labels(model, rel)
    result = Translation(model, parts, k8s_version=k8s_version)
    result.report += list(report_first) + report.entries(model, parts, rel)
    if model.flavour:
        others = [f for f in model.flavour["ids"] if f != model.flavour["id"]]
        result.report.append(
            f"deployment flavour {model.flavour['id']} ({model.flavour['file']}) translated"
            + (f"; other flavours (translate each with --flavour): {', '.join(others)}" if others else "")
        )
    package_index = carry_artifacts(model, result) if model.package is not None else None
    index_parts = []
    site_vars = []
    for part in parts:
        site_files = part.site_kind.translate_part(model, part, result, rel, labels)
        site_vars.append(group_vars(model, part, site_files))
        result.files[f"group_vars/{part.site}.json"] = _json(site_vars[-1])
        index_parts.append(
            {
                "site": part.site,
                "kind": part.kind,
                "after": part.after,
                "nodes": part.nodes,
                "templates": site_files["templates"],
                "creates": site_files["resources"],
                **({"charts": site_files["charts"]} if site_files.get("charts") else {}),
            }
        )
    result.files.update(playbooks(model, parts))
    life = lcm.of(model)
    result.blobs.update(life.files)
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
        "playbooks": {
            "create": "create.yml",
            "delete": "delete.yml",
            "scale": "scale.yml",
            "site": "site.yml",
            **({"heal": "heal.yml"} if "heal.yml" in result.files else {}),
        },
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
        "scaling": levels.offer(model, site_vars),
        "report": result.report,
    }
    if model.flavour:
        index["flavour"] = dict(model.flavour)
    if package_index is not None:
        index["package"] = package_index
    if life.hooks:
        index["lifecycle"] = [
            {"operation": h.operation, "kind": h.kind, "file": h.file, "playbook": f"{h.playbook}.yml", "when": h.when}
            for h in life.hooks
        ]
    if any(p.site_kind.pods for p in parts):
        index["kubernetes_version"] = k8s_version
    result.files[INDEX] = _json(index)
    result.files["README.md"] = _readme(model, parts, result.report)
    _copy_roles(result.files, {p.site_kind.driver for p in parts})
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


def _nothing_to_deploy(model: ServiceModel) -> Problem:
    """The problem of a service no node of which is deployed (every node skipped, or only
    forwarding paths, runtimes, links, VNFs of an NS): at its node templates, naming their roles."""
    roles = sorted({f"{n.name} ({n.role})" for n in model.nodes.values()})
    return Problem(
        "topology_template.node_templates",
        "nothing-to-deploy",
        "no node is deployed (no VM, container or container VDU; "
        f"{', '.join(roles) or 'no node'}): the translation report says why each is skipped",
    )


def _manifest_part(model: ServiceModel, parts: list[Part], sites: SiteMap) -> list[Part]:
    """``parts``, plus the default kubernetes site's part when the service has manifests of
    its own (a package's ``Files/kubernetes``) and no pod part to apply them with.

    :raises TranslationError: no kubernetes or openshift site is registered.
    """
    if not model.manifests or any(p.site_kind.pods for p in parts):
        return parts
    site = sites.default_for("cnf")
    if site is None:
        raise TranslationError(
            model.source,
            [
                Problem(
                    "",
                    "placement.no-site",
                    "its Kubernetes manifests need a kubernetes or openshift site; none is registered",
                )
            ],
        )
    return [*parts, Part(site.name, site.kind)]


def _json(data: Doc) -> str:
    return json.dumps(data, indent=2, ensure_ascii=False) + "\n"


def _copy_roles(files: Doc, drivers: set[str]) -> None:
    for role in sorted(drivers):
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
