"""VM parts to Heat Orchestration Templates with heat-translator's ``TOSCATranslator``.

The descriptor is parsed once; for each OpenStack site, heat-translator gets a shallow
view of the parsed template holding only that site's node templates, the policies that
target only them and the outputs that read only them.
With one OpenStack site and no containers the view is the whole template, so the HOT is
exactly heat-translator's, byte for byte.

Nested VDUs: a VM that pods are nested in (or a bare-metal server pods ask for) gets
the Kubernetes node labels and taints its node must carry as OS::Nova::Server
``metadata`` (see :mod:`translators.k8s.scheduling`; keys with ``:`` for ``/``, which Nova
refuses in metadata keys), written into heat-translator's
text at that server only; every other byte stays heat-translator's.

VM instance counts (SOL 001 §6.10 instantiation levels and scaling aspects, see
:func:`translators.levels.vm_scaling`) become HOT parameters (:func:`scale_parameters`):
the ``desired_capacity: DESIRED_CAPACITY`` placeholder heat-translator leaves in the
AutoScalingGroup of a SOL 001 scaling aspect ("to be replaced by users") becomes
``{get_param: <vdu>_desired_capacity}``; a server with levels but no aspect becomes an
``OS::Heat::ResourceGroup`` of a nested template holding it and its ports, ``count:
{get_param: <vdu>_count}``. Services without levels or aspects keep heat-translator's bytes.

Servers without a network: a VDU without a connection point becomes an OS::Nova::Server with no
``networks``, which Nova refuses since compute API microversion 2.37 ("nics are required after
microversion 2.36"; Heat asks for the newest). Each such server gets the site's network,
``networks: [{network: {get_param: rdcl_network}}]`` (:data:`SITE_NETWORK`), a ``string``
parameter the site's ``os_network`` fills at run time (:func:`translators.playbooks.group_vars`);
in a nested template (scaling group) the parameter is passed down by the group. Templates whose
servers all have networks keep heat-translator's bytes.
"""

from __future__ import annotations

import copy
import posixpath
import re
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

import yaml

from . import heat_fit, limits
from .doc import Doc, copy_doc
from .errors import Problem, TranslationError
from .imports import TOSCA_META, _csar_entry
from .k8s.scheduling import TAINTS_METADATA, node_output
from .k8s.scheduling import node_labels as labels_of
from .levels import vm_scaling
from .model import ServiceModel
from .paths import within
from .relations import Relations
from .tosca_loader import PLACEMENT_POLICY, heat_supports, quiet_libraries
from .validate import hot_problems, load_yaml
from .yamlout import dump

if TYPE_CHECKING:
    from .levels import VmScaling
    from .placement import Part

#: ``read(path) -> bytes | None``: a file of a descriptor's package (:func:`package_reader`).
Reader = Callable[[str], bytes | None]

#: HOT parameters naming the site's network, flavor and image (:mod:`translators.heat_fit`).
SITE_NETWORK, SITE_FLAVOR, SITE_IMAGE = heat_fit.SITE_NETWORK, heat_fit.SITE_FLAVOR, heat_fit.SITE_IMAGE
SITE_NETWORK_PARAMETER = heat_fit.SITE_PARAMETERS[SITE_NETWORK]


class _DeferredInputs(dict[str, Any]):
    """Dialog values arrive at run time: every input is 'known' to heat-translator's
    input check (``_resolve_input`` indexes the dict) but none is given, so each HOT
    parameter keeps the descriptor's default, or none. Built from the model's
    ``params``, those values are given (heat-translator's ``--parameters``)."""

    def __missing__(self, key: str) -> None:
        return None


def translate_site(
    model: ServiceModel,
    node_names: list[str],
    node_labels: dict[str, Doc] | None = None,
    report: list[str] | None = None,
    flavor_sizes: dict[str, dict[str, int]] | None = None,
) -> tuple[dict[str, str], list[Doc]]:
    """HOT files for the Heat nodes ``node_names`` of ``model``: ``stack.yaml`` and the
    nested templates it uses (scaling groups), file name -> YAML text, plus the scripts
    its ``get_file`` reads (``artifacts/...``); and the ``[{name, type}]`` resources of
    ``stack.yaml`` (what the stack creates).

    heat-translator's templates are first fitted for a member on a real Heat
    (:func:`fit_files`, :mod:`translators.heat_fit`); what that changed is appended to
    ``report`` (one line each), and the flavor parameters the site fills by size
    (``{parameter: {"vcpus", "ram" MiB, "disk" GiB}}``) are added to ``flavor_sizes``.

    ``node_labels`` (``{server: {"labels": {...}, "taints": [...]}}``, from
    :func:`translators.k8s.scheduling.node_labels`; computed from ``model`` when None)
    become the ``metadata`` of those servers.

    Follows heat-translator's mapping (tosca.nodes.Compute -> OS::Nova::Server, Network ->
    OS::Neutron::Net + Subnet, Port -> OS::Neutron::Port, BlockStorage -> OS::Cinder::Volume,
    scaling policies -> OS::Heat::AutoScalingGroup/ScalingPolicy).

    :raises TranslationError: heat-translator fails on one of the nodes (the nodes and
        its error are named), a script its ``get_file`` reads is not in the package (rule
        ``hot.get-file``), or what it produced fails the HOT structural check.
    """
    from translator.hot.tosca_translator import TOSCATranslator

    quiet_libraries()
    view = _site_view(model.tosca, set(node_names))
    try:
        files = TOSCATranslator(view, _DeferredInputs(model.params)).translate_to_yaml_files_dict("stack.yaml")
    except Exception as exc:  # heat-translator raises bare Exceptions too
        raise TranslationError(
            model.source,
            [
                Problem(
                    "topology_template.node_templates",
                    f"heat-translator.{type(exc).__name__}",
                    f"cannot translate {', '.join(node_names)} to HOT: {_stable(exc)}",
                )
            ],
        ) from None

    files, artifacts, notes, fit_problems, sizes = fit_files(files, package_reader(model), node_names)
    if fit_problems:
        raise TranslationError(model.source, fit_problems)
    if report is not None:
        report.extend(notes)
    if flavor_sizes is not None:
        flavor_sizes.update(sizes)
    if node_labels is None:
        node_labels = labels_of(model, Relations.of(model))
    wanted = {s: server_metadata(v) for s, v in node_labels.items() if s in node_names}
    files = _add_metadata(files, wanted)
    files["stack.yaml"] = _add_outputs(files["stack.yaml"], wanted)
    files = add_site_network(files)
    files = scale_parameters(model, node_names, files)
    problems, parsed = [], {}
    for name, text in sorted(files.items()):
        try:
            parsed[name] = load_yaml(text)
        except yaml.YAMLError as exc:
            problems.append(Problem("topology_template", "hot.yaml", f"{name}: {' '.join(str(exc).split())}"))
            continue
        problems += [
            Problem("topology_template", "hot.structure", f"{name}: {p}")
            for p in hot_problems(parsed[name], nested=name != "stack.yaml")
        ]
    problems += _ensure_metadata(files, parsed, wanted)
    if problems:
        raise TranslationError(model.source, problems)
    return {**files, **artifacts}, resources(parsed["stack.yaml"])


def fit_files(
    files: dict[str, str], artifact: Reader | None = None, nodes: list[str] | None = None
) -> tuple[dict[str, str], dict[str, str], list[str], list[Problem], dict[str, dict[str, int]]]:
    """heat-translator's HOT ``files`` (name -> text) after :func:`translators.heat_fit.fit`:
    the templates (a file the fit did not change keeps its bytes, a changed one is written
    out again), the ``artifacts/...`` scripts, the report lines, the problems and the sized
    flavor parameters (:attr:`translators.heat_fit.Fitted.flavor_sizes`).
    ``artifact``: see :func:`package_reader`; ``nodes``: the TOSCA node names (where a
    problem is placed). Files that are not YAML are left for the
    structural check."""
    docs, before = {}, {}
    for name, text in files.items():
        try:
            docs[name] = load_yaml(text)
        except yaml.YAMLError:
            continue
        before[name] = copy_doc(docs[name])  # what the fit may change, kept as parsed
    fitted = heat_fit.fit(docs, artifact, nodes)
    out = dict(files)
    artifacts = {}
    for name, doc in fitted.files.items():
        if name.startswith(heat_fit.ARTIFACTS):
            artifacts[name] = doc
        elif doc != before.get(name):
            out[name] = dump(doc)
    return out, artifacts, fitted.notes, fitted.problems, dict(fitted.flavor_sizes)


def package_reader(model: ServiceModel) -> Reader:
    """``read(path) -> bytes | None`` for :func:`translators.heat_fit.fit`: a file of the
    descriptor's package, ``path`` relative to the descriptor (a CSAR: to its entry
    definitions member). None when the package has no such file.

    :raises ValueError: ``path`` leaves the package (the descriptor's ``root``, default its
        folder; the archive), or names a file over :data:`translators.limits.DEFAULT` bytes.
    """
    pkg = getattr(model, "package", None)  # read by translators.package: its entry on disk
    source = Path(pkg.root) / pkg.entry if pkg is not None else Path(model.source)
    cap = limits.DEFAULT.bytes
    named = _artifact_files(model)

    def too_big(size: int, rel: str) -> None:
        if size > cap:
            raise ValueError(f"{rel}: {size} bytes, over the limit of {cap} bytes (RDCL_PARSE_MAX_BYTES)")

    if source.suffix.lower() in (".zip", ".csar") and zipfile.is_zipfile(source):

        def read_member(rel: str) -> bytes | None:
            if rel in named:
                rel = posixpath.normpath(named[rel])
            with zipfile.ZipFile(source) as archive:
                infos = {i.filename: i for i in archive.infolist()}
                entry = _csar_entry(archive, infos) or ""
                member = posixpath.normpath(posixpath.join(posixpath.dirname(entry), rel))
                if member == ".." or member.startswith(("../", "/")):
                    raise ValueError("the path leaves the package")
                info = infos.get(member)
                if info is None or info.is_dir() or member == TOSCA_META:
                    return None
                too_big(info.file_size, rel)
                return archive.read(info)

        return read_member
    root = Path(getattr(model, "root", "") or source.parent).resolve()

    def read_file(rel: str) -> bytes | None:
        if rel in named and not (source.parent / rel).is_file():
            rel = posixpath.normpath(named[rel])
        if posixpath.isabs(rel):
            raise ValueError("an absolute path; the package's files are named relative to the descriptor")
        path = (source.parent / rel).resolve()
        if not within(path, root):
            raise ValueError("the path leaves the package")
        if not path.is_file():
            return None
        too_big(path.stat().st_size, rel)
        return path.read_bytes()

    return read_file


def _artifact_files(model: ServiceModel) -> dict[str, str]:
    """``{artifact name: file}`` of the node templates' ``artifacts`` (an operation's
    ``implementation`` may name one, TOSCA 1.3 §3.6.15; heat-translator writes the name)."""
    out: dict[str, str] = {}
    for node in getattr(model.tosca, "nodetemplates", None) or []:
        for name, spec in ((getattr(node, "entity_tpl", None) or {}).get("artifacts") or {}).items():
            file = spec.get("file") if isinstance(spec, dict) else spec
            if isinstance(name, str) and isinstance(file, str):
                out.setdefault(name, file.replace("\\", "/"))
    return out


def server_metadata(node: Doc) -> dict[str, str]:
    """Nova server metadata for one entry of ``node_labels``: the labels, and the taints
    as ``key=value:Effect`` joined by commas under :data:`~translators.k8s.scheduling.TAINTS_METADATA`,
    keys as :func:`nova_metadata_key` writes them."""
    meta = dict(node["labels"])
    if node.get("taints"):
        meta[TAINTS_METADATA] = ",".join(node["taints"])
    return {nova_metadata_key(k): v for k, v in meta.items()}


def nova_metadata_key(label: str) -> str:
    """A Kubernetes label key as a Nova server metadata key: Nova accepts only
    ``^[a-zA-Z0-9-_:. ]{1,255}$`` (compute API schema ``metadata``; a ``/`` gets HTTP 400),
    so the prefix separator ``/`` is written ``:``, which a label key never holds
    (``nfvo.rdcl.io/vdu`` -> ``nfvo.rdcl.io:vdu``)."""
    return label.replace("/", ":")


def _add_metadata(files: dict[str, str], wanted: dict[str, dict[str, str]]) -> dict[str, str]:
    """Insert ``metadata`` under ``properties`` of each wanted server in heat-translator's
    text (two-space indents, ``type`` then ``properties``); other bytes stay as they are.
    A server whose block is not found that way is left for :func:`_ensure_metadata`."""
    files = dict(files)
    for server, meta in sorted(wanted.items()):
        anchor = f"\n  {server}:\n    type: OS::Nova::Server\n    properties:\n"
        for name in sorted(files, key=lambda n: (n != "stack.yaml", n)):
            at = files[name].find(anchor)
            if at < 0 or files[name].count(anchor) != 1:
                continue
            body = yaml.safe_dump(meta, default_flow_style=False, width=1000, sort_keys=True)
            block = "      metadata:\n" + "".join(f"        {line}\n" for line in body.splitlines())
            end = at + len(anchor)
            files[name] = files[name][:end] + block + files[name][end:]
            break
    return files


def _without_network(hot: Doc) -> list[str]:
    """Names of the OS::Nova::Server resources of a parsed HOT that have no ``networks``."""
    return sorted(
        name
        for name, body in (hot.get("resources") or {}).items()
        if isinstance(body, dict)
        and body.get("type") == "OS::Nova::Server"
        and not (body.get("properties") or {}).get("networks")
    )


def add_site_network(files: dict[str, str]) -> dict[str, str]:
    """``files`` (HOT file name -> text) where every OS::Nova::Server without ``networks``
    gets ``networks: [{network: {get_param: rdcl_network}}]`` and the file the parameter
    :data:`SITE_NETWORK`; a nested template's parameter is given by the groups of
    ``stack.yaml`` whose ``resource``/``resource_def`` is that file (``rdcl_network:
    {get_param: rdcl_network}``). In ``stack.yaml`` the two lines are written into
    heat-translator's text at the server (other bytes stay); other layouts are parsed,
    changed and written out again. Files without such a server, and files that are not YAML
    (the structural check after reports them), are returned as they are."""
    files = dict(files)
    nested_with = []
    for name in sorted(files, key=lambda n: (n != "stack.yaml", n)):
        try:
            hot = load_yaml(files[name]) or {}
        except yaml.YAMLError:  # reported by the structural check after
            continue
        servers = _without_network(hot) if isinstance(hot, dict) else []
        if not servers:
            continue
        if name != "stack.yaml":
            nested_with.append(name)
        text = files[name]
        for server in servers:
            anchor = f"\n  {server}:\n    type: OS::Nova::Server\n    properties:\n"
            if text.count(anchor) == 1:
                at = text.index(anchor) + len(anchor)
                text = text[:at] + f"      networks:\n      - network: {{get_param: {SITE_NETWORK}}}\n" + text[at:]
            else:
                hot = load_yaml(text)
                props = hot["resources"][server].get("properties") or {}
                hot["resources"][server]["properties"] = {
                    **props,
                    "networks": [{"network": {"get_param": SITE_NETWORK}}],
                }
                text = dump(hot)
        if SITE_NETWORK in (hot.get("parameters") or {}):  # declared already (a port on the site's network)
            files[name] = text
        elif re.search(r"^parameters:", text, re.M) is None and text.endswith("\n"):  # heat-translator's nested
            files[name] = text + dump({"parameters": {SITE_NETWORK: SITE_NETWORK_PARAMETER}})
        else:
            files[name] = _add_parameters(text, {SITE_NETWORK: SITE_NETWORK_PARAMETER})
    top = load_yaml(files["stack.yaml"]) if nested_with else {}
    nested_with = [n for n in nested_with if not _passes(top, n, SITE_NETWORK)]
    if nested_with:
        files["stack.yaml"] = _pass_site_network(files["stack.yaml"], nested_with)
        if SITE_NETWORK not in (load_yaml(files["stack.yaml"]).get("parameters") or {}):
            files["stack.yaml"] = _add_parameters(files["stack.yaml"], {SITE_NETWORK: SITE_NETWORK_PARAMETER})
    return files


def _passes(top: Doc, nested: str, param: str) -> bool:
    """True when every group of ``top`` making template ``nested`` passes ``param`` to it."""
    groups = [
        inner
        for body in (top.get("resources") or {}).values()
        for inner in [
            ((body or {}).get("properties") or {}).get("resource")
            or ((body or {}).get("properties") or {}).get("resource_def")
        ]
        if isinstance(inner, dict) and inner.get("type") == nested
    ]
    return bool(groups) and all(param in (g.get("properties") or {}) for g in groups)


def _pass_site_network(text: str, nested: list[str]) -> str:
    """``stack.yaml`` text whose groups making one of the ``nested`` templates (``resource``
    of an AutoScalingGroup, ``resource_def`` of a ResourceGroup) give it :data:`SITE_NETWORK`.
    heat-translator's layout (``        type: <file>`` then optionally ``        properties:``)
    gets the line written in; other layouts are parsed, changed and written out again."""
    line = f"          {SITE_NETWORK}: {{get_param: {SITE_NETWORK}}}\n"
    edited = text
    for name in nested:
        head = f"\n        type: {name}\n"
        if edited.count(head) != 1:
            break
        at = edited.index(head) + len(head)
        if edited.startswith("        properties:\n", at):
            at += len("        properties:\n")
            edited = edited[:at] + line + edited[at:]
        else:
            edited = edited[:at] + "        properties:\n" + line + edited[at:]
    else:
        return edited
    top = load_yaml(text)
    for body in (top.get("resources") or {}).values():
        props = (body or {}).get("properties") or {}
        inner = props.get("resource") or props.get("resource_def")
        if isinstance(inner, dict) and inner.get("type") in nested:
            inner["properties"] = {**(inner.get("properties") or {}), SITE_NETWORK: {"get_param": SITE_NETWORK}}
    return dump(top)


def _add_outputs(text: str, servers: dict[str, dict[str, str]]) -> str:
    """Append an output naming each server of ``servers`` that is a resource of this
    stack (:func:`translators.k8s.scheduling.node_output`: ``get_attr [server, name]``)
    to heat-translator's ``outputs`` section, its last; other bytes stay. A layout that
    does not end with ``outputs`` is parsed, extended and written out again."""
    if not servers:
        return text
    hot = load_yaml(text)
    mine = {
        node_output(s): {"description": f"name of server {s} (its Kubernetes node)", "value": {"get_attr": [s, "name"]}}
        for s in sorted(servers)
        if ((hot.get("resources") or {}).get(s) or {}).get("type") == "OS::Nova::Server"
    }
    if not mine:
        return text
    block = "".join(f"  {line}\n" for line in dump(mine).splitlines())
    tops = re.findall(r"^([A-Za-z_]\w*):", text, re.M)
    if tops and tops[-1] == "outputs" and text.endswith("\n"):
        if text.endswith("\noutputs: {}\n"):
            return text[: -len("outputs: {}\n")] + "outputs:\n" + block
        if not (hot.get("outputs") or {}).keys() & mine.keys():
            return text + block
    hot["outputs"] = {**(hot.get("outputs") or {}), **mine}
    return dump(hot)


def _ensure_metadata(files: dict[str, str], parsed: dict[str, Doc], wanted: dict[str, dict[str, str]]) -> list[Problem]:
    """Check each wanted server got its metadata; where the text edit did not fit (a
    server that already has metadata, a layout :func:`_add_metadata` does not know), merge
    it into the parsed HOT and write that file out again. A server in no file is a problem."""
    problems = []
    for server, meta in sorted(wanted.items()):
        holders = [
            name
            for name, hot in sorted(parsed.items())
            if ((hot.get("resources") or {}).get(server) or {}).get("type") == "OS::Nova::Server"
        ]
        if not holders:
            problems.append(
                Problem(
                    f"topology_template.node_templates.{server}",
                    "hot.server-metadata",
                    "pods are nested in it but heat-translator's HOT has no OS::Nova::Server "
                    "of that name to carry the node labels as metadata",
                )
            )
            continue
        props = parsed[holders[0]]["resources"][server].setdefault("properties", {}) or {}
        current = props.get("metadata")
        current = current if isinstance(current, dict) else {}
        if {k: current.get(k) for k in meta} != meta:
            props["metadata"] = {**current, **meta}
            parsed[holders[0]]["resources"][server]["properties"] = props
            files[holders[0]] = dump(parsed[holders[0]])
    return problems


def _stable(exc: Exception) -> str:
    """An exception's text without object addresses (same input, same message)."""
    return re.sub(r" object at 0x[0-9a-fA-F]+", "", str(exc))


class _Related(dict[Any, Any]):
    """A node's ``related`` map cut to its site: truthy even when empty, so tosca-parser's
    ``related_nodes`` does not rebuild it from the node's type (it does so when it is empty)."""

    def __bool__(self) -> bool:
        return True


def _in_site(node: Any, names: set[str]) -> Any:
    """``node`` as heat-translator may see it in a site's view: requirements on nodes outside
    the site (an NS virtual link, a pod, another site's VM) left out of ``related``, since
    heat-translator looks every related node up among the view's nodes (a KeyError otherwise)."""
    if all(other.name in names for other in node.related_nodes):
        return node
    clone = copy.copy(node)
    clone.related = _Related({k: v for k, v in node.related.items() if k.name in names})
    return clone


def _site_view(tosca: Any, names: set[str]) -> Any:
    view = copy.copy(tosca)
    topology = copy.copy(tosca.topology_template)
    view.nodetemplates = [_in_site(n, names) for n in tosca.nodetemplates if n.name in names]
    topology.nodetemplates = view.nodetemplates
    topology.policies = [p for p in tosca.topology_template.policies if policy_in_site(tosca, p, names)]
    view.policies = topology.policies
    view.topology_template = topology
    view.outputs = [o for o in tosca.outputs if _reads_only(o, names, tosca)]
    return view


def policy_in_site(tosca: Any, policy: Any, names: set[str]) -> bool:
    """True when heat-translator gets ``policy`` for the site holding nodes ``names``: it
    can map it and all its targets are among them (a policy on a group is not passed on:
    heat-translator 3.5 fails on some of them)."""
    return translatable_policy(policy) and set(policy.targets or []) <= names


def translated_outputs(model: ServiceModel, parts: list[Part]) -> set[str]:
    """Names of the TOSCA outputs that go into some OpenStack site's HOT."""
    kept = set()
    for part in parts:
        if part.site_kind.hosts("stack"):
            names = set(part.nodes)
            kept |= {o.name for o in model.tosca.outputs if _reads_only(o, names, model.tosca)}
    return kept


def translatable_policy(policy: Any) -> bool:
    """A policy heat-translator can map (placement policies are ours, for sites)."""
    return policy.type != PLACEMENT_POLICY and heat_supports(policy)


def _reads_only(output: Any, names: set[str], tosca: Any) -> bool:
    text = str(output.attrs.get("value"))
    others = {n.name for n in tosca.nodetemplates} - names
    return not any(re.search(rf"\b{re.escape(o)}\b", text) for o in others)


def resources(hot: Doc) -> list[Doc]:
    """``[{name, type}]`` of a parsed HOT, for plan reports (what would be created)."""
    return [{"name": k, "type": v.get("type")} for k, v in sorted((hot.get("resources") or {}).items())]


def scale_parameters(model: ServiceModel, node_names: list[str], files: dict[str, str]) -> dict[str, str]:
    """``files`` (HOT file name -> text) with the instance count of each VM VDU of
    ``node_names`` that :func:`translators.levels.vm_scaling` finds made a ``number``
    parameter (``default``: the count at the chosen level, constraint ``range`` min..max:
    the aspect's scale levels 0..max_scale_level, or the VDU's ``vdu_profile``).

    AutoScalingGroups: only the ``desired_capacity`` line and the parameter are written
    into heat-translator's text (a group heat-translator did not make is left alone: the
    site's group_vars then carry no count for it, :func:`translators.playbooks.group_vars`).
    ResourceGroups: ``stack.yaml`` is rewritten (:func:`_wrap_group`).

    :raises TranslationError: rule ``hot.scale-group``: a VDU to wrap is not one
        OS::Nova::Server of ``stack.yaml``, another resource (``get_resource``/``get_attr``;
        a ``depends_on`` is moved to the group) or an output reads the server or its
        ports, they read another's attributes, or the nested template's name is taken.
    """
    wanted = [s for s in vm_scaling(model).values() if s.vdu in node_names and s.refused is None]
    if not wanted:
        return files

    files = dict(files)
    params = {}
    hot = load_yaml(files["stack.yaml"])  # the parsed stack; the text is written from it after wraps
    wrapped = False  # hot has changes the text lacks: written once, when the text is needed
    for scaling in wanted:
        res = hot.get("resources") or {}
        if scaling.aspect:
            group = res.get(scaling.aspect) or {}
            props = group.get("properties") or {}
            nested = load_yaml(files.get(str((props.get("resource") or {}).get("type")), "") or "{}") or {}
            if (
                group.get("type") != "OS::Heat::AutoScalingGroup"
                or props.get("desired_capacity") != "DESIRED_CAPACITY"
                or ((nested.get("resources") or {}).get(scaling.vdu) or {}).get("type") != "OS::Nova::Server"
            ):
                continue
            if wrapped:  # the line is edited in the written text, as without the wraps before it
                files["stack.yaml"], wrapped = dump(hot), False
            files["stack.yaml"] = _set_capacity(files["stack.yaml"], scaling.aspect, scaling.param)
            props["desired_capacity"] = {"get_param": scaling.param}  # the parsed copy says the same
        else:
            files = _wrap_group(model, files, hot, scaling)
            wrapped = True
        params[scaling.param] = _parameter(scaling)
    if wrapped:
        files["stack.yaml"] = dump(hot)
    if params:
        files["stack.yaml"] = _add_parameters(files["stack.yaml"], params)
    return files


def _parameter(scaling: VmScaling) -> Doc:
    what = (
        f"scaling aspect {scaling.aspect}, scale levels 0..{len(scaling.steps) - 1}"
        if scaling.aspect and scaling.steps
        else f"aspect {scaling.aspect}"
        if scaling.aspect
        else "instantiation levels"
    )
    return {
        "type": "number",
        "description": f"instances of VDU {scaling.vdu} ({what})",
        "default": scaling.default,
        "constraints": [{"range": {"min": scaling.low, "max": scaling.high}}],
    }


def _set_capacity(text: str, group: str, param: str) -> str:
    """Replace the ``desired_capacity: DESIRED_CAPACITY`` line inside resource ``group``
    of heat-translator's text (two-space indents); a layout not found that way is parsed,
    changed and written out again."""
    start = text.find(f"\n  {group}:\n    type: OS::Heat::AutoScalingGroup\n")
    if start >= 0:
        nxt = re.compile(r"^  \S|^\S", re.M).search(text, start + 3)
        end = nxt.start() if nxt else len(text)
        line = "      desired_capacity: DESIRED_CAPACITY\n"
        if text.count(line, start, end) == 1:
            at = text.index(line, start, end)
            return text[:at] + "      desired_capacity: {get_param: %s}\n" % param + text[at + len(line) :]
    hot = load_yaml(text)
    hot["resources"][group]["properties"]["desired_capacity"] = {"get_param": param}
    return dump(hot)


def _add_parameters(text: str, params: Doc) -> str:
    """Append ``params`` to the ``parameters`` section of a HOT text: heat-translator's
    ``parameters: {}`` becomes a block; an existing block grows at its end."""
    block = "".join(f"  {line}\n" for line in dump(params).splitlines())
    if "\nparameters: {}\n" in text:
        return text.replace("\nparameters: {}\n", "\nparameters:\n" + block, 1)
    head = re.search(r"^parameters:\n", text, re.M)
    hot = load_yaml(text)
    if head and not (hot.get("parameters") or {}).keys() & params.keys():
        nxt = re.compile(r"^\S", re.M).search(text, head.end())
        end = nxt.start() if nxt else len(text)
        return text[:end] + block + text[end:]
    hot["parameters"] = {**(hot.get("parameters") or {}), **params}
    return dump(hot)


def _refs(node: Any, fn: str) -> list[Any]:
    """Every argument of intrinsic function ``fn`` inside ``node``."""
    if isinstance(node, dict):
        return [a for k, v in node.items() for a in ([v] if k == fn else []) + _refs(v, fn)]
    if isinstance(node, list):
        return [a for v in node for a in _refs(v, fn)]
    return []


def _retarget(node: Any, mapping: dict[str, str]) -> Any:
    """``node`` with ``get_resource X``/``get_param X`` of outside resources replaced by
    ``get_param mapping[X]`` (the nested template's parameters)."""
    if isinstance(node, dict):
        if len(node) == 1 and "get_resource" in node and node["get_resource"] in mapping:
            return {"get_param": mapping[node["get_resource"]]}
        return {k: _retarget(v, mapping) for k, v in node.items()}
    if isinstance(node, list):
        return [_retarget(v, mapping) for v in node]
    return node


def _wrap_group(model: ServiceModel, files: dict[str, str], hot: Doc, scaling: VmScaling) -> dict[str, str]:
    """Move server ``scaling.vdu`` and the ports it names (``get_resource``) into nested
    template ``<vdu>.hot.yaml``, one instance of which an ``OS::Heat::ResourceGroup``
    named ``<vdu>`` makes ``count: {get_param: <vdu>_count}`` times; what the moved
    resources read outside (``get_resource``, ``get_param``) is passed in as nested
    parameters, their ``depends_on`` goes to the group. ``hot`` (the parsed ``stack.yaml``)
    is changed in place; the caller writes its text (once for all the wraps). See
    :func:`scale_parameters`."""
    vdu, name = scaling.vdu, f"{scaling.vdu}.hot.yaml"

    def refuse(why: str) -> NoReturn:
        raise TranslationError(
            model.source,
            [
                Problem(
                    f"topology_template.node_templates.{vdu}",
                    "hot.scale-group",
                    f"its instantiation levels need its count as a HOT parameter, but {why}",
                )
            ],
        )

    res = hot.get("resources") or {}
    if (res.get(vdu) or {}).get("type") != "OS::Nova::Server":
        refuse("heat-translator's stack.yaml has no OS::Nova::Server of that name")
    if name in files:
        refuse(f"the nested template name {name} is taken")
    ports = [r for r in _refs(res[vdu], "get_resource") if (res.get(r) or {}).get("type") == "OS::Neutron::Port"]
    moved = [vdu] + list(dict.fromkeys(ports))
    for other, body in res.items():
        if other in moved:
            continue
        reads = set(_refs(body, "get_resource")) | {a[0] for a in _refs(body, "get_attr") if isinstance(a, list) and a}
        if reads & set(moved):
            refuse(f"resource {other} reads {', '.join(sorted(reads & set(moved)))}")
    outside = [
        a[0] for m in moved for a in _refs(res[m], "get_attr") if isinstance(a, list) and a and a[0] not in moved
    ]
    if outside:
        refuse(f"it reads attributes of {', '.join(sorted(set(outside)))} (get_attr across templates)")
    if set(_refs(hot.get("outputs") or {}, "get_resource")) & set(moved) or {
        a[0] for a in _refs(hot.get("outputs") or {}, "get_attr") if isinstance(a, list) and a
    } & set(moved):
        refuse("an output of the stack reads it")
    given = sorted({r for m in moved for r in _refs(res[m], "get_resource") if r not in moved})
    mapping = {r: f"{r.lower()}_id" for r in given}
    read_params = sorted({p for m in moved for p in _refs(res[m], "get_param") if isinstance(p, str)})
    depends = sorted(
        {
            d
            for m in moved
            for d in (
                [res[m].get("depends_on")]
                if isinstance(res[m].get("depends_on"), str)
                else res[m].get("depends_on") or []
            )
            if d not in moved
        }
    )
    inner = {}
    for m in moved:
        body = {k: v for k, v in res[m].items() if k != "depends_on"}
        deps = [
            d
            for d in (
                [res[m].get("depends_on")]
                if isinstance(res[m].get("depends_on"), str)
                else res[m].get("depends_on") or []
            )
            if d in moved
        ]
        inner[m] = _retarget(body, mapping) | ({"depends_on": deps} if deps else {})
    top_params = hot.get("parameters") or {}
    nested: Doc = {
        "heat_template_version": hot.get("heat_template_version"),
        "description": f"One instance of VDU {vdu} and its ports (ResourceGroup {vdu} of the main template)",
        "parameters": {
            **{mapping[r]: {"type": "string"} for r in given},
            **{
                p: {k: v for k, v in (top_params.get(p) or {"type": "string"}).items() if k in ("type", "description")}
                for p in read_params
            },
        },
        "resources": inner,
    }
    if not nested["parameters"]:
        del nested["parameters"]
    group: Doc = {
        "type": "OS::Heat::ResourceGroup",
        "properties": {
            "count": {"get_param": scaling.param},
            "resource_def": {
                "type": name,
                "properties": {
                    **{mapping[r]: {"get_resource": r} for r in given},
                    **{p: {"get_param": p} for p in read_params},
                },
            },
        },
    }
    if not group["properties"]["resource_def"]["properties"]:
        del group["properties"]["resource_def"]["properties"]
    if depends:
        group["depends_on"] = depends
    for other, body in res.items():  # waiting for the server or its ports: wait for the group
        deps = body.get("depends_on")
        if other not in moved and deps and set([deps] if isinstance(deps, str) else deps) & set(moved):
            body["depends_on"] = list(
                dict.fromkeys(vdu if d in moved else d for d in ([deps] if isinstance(deps, str) else deps))
            )
    hot["resources"] = {k: (group if k == vdu else v) for k, v in res.items() if k == vdu or k not in moved}
    files[name] = dump(nested)
    return files
