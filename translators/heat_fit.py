"""heat-translator's HOT made acceptable to a real Heat, for a member user of a site.

heat-translator 3.5 writes templates a real Heat (OpenStack Zed, as a project member)
refuses; :func:`fit` rewrites exactly those spots, each with a line for the translation
report, and leaves every other byte of a file it does not need to touch:

* ``OS::Nova::Flavor`` (a SOL 001 VDU's ``virtual_compute``): Heat's policy lets only an
  admin create flavors ("You are not authorized to use resource_types:OS::Nova::Flavor").
  The flavor resource becomes a HOT parameter of the same name, which the apply fills with
  the site's smallest flavor of at least that size (:attr:`Fitted.flavor_sizes`: vCPUs, RAM
  MiB, disk GiB; role ``heat_stack`` asks the site's Nova, and stops naming the size when no
  flavor fits); what read the resource (``get_resource``) reads the parameter.
* A server without a flavor (``flavor: null`` or ``''``: a Compute without host
  properties heat-translator can match) gets :data:`SITE_FLAVOR`; without an image
  (``#ADD_YOUR_IMAGE_HERE``, a null) and without a boot volume, :data:`SITE_IMAGE` (the
  site's ``os_image``).
* A port without a network (a SOL 001 connection point on no virtual link:
  ``#ADD_YOUR_NETWORK_HERE``) goes on the site's network, :data:`SITE_NETWORK`.
* A subnet with neither ``cidr`` nor ``subnetpool`` (a VL without ``cidr``; Heat: "At least
  one of the following properties must be specified: subnetpool, cidr") gets
  ``{get_param: <subnet>_cidr}``, a parameter whose default is :data:`DEFAULT_CIDR`.
* Properties the resource type does not have in Heat (``management``,
  ``anti_spoofing_protection``, ``type`` of a port: "Unknown Property") are dropped, per
  Heat Zed's resource type schemas (:data:`PROPERTIES_FILE`, made from a real Heat by
  ``tests/heat_sweep.py --properties``); types not in it are left alone.
* What is still null after that (a volume's ``image`` placeholder) is left out: Heat takes a
  null as unset.
* ``depends_on`` edges that make a cycle (two nodes that require each other, e.g. an HA
  pair) are dropped: Heat answers a cycle with "Internal Server Error" only.
* A nested template (the resource of a scaling group) that declares a parameter without a
  default which its group does not pass, and which the main template declares, gets it
  passed down (``{get_param: x}``); so do the site parameters above.
* ``get_file`` paths (operation scripts of SoftwareConfigs) are read from the package (the
  descriptor's folder, inside its ``root``, or the CSAR), written beside the template as
  ``artifacts/<path in the package>`` and the ``get_file`` rewritten to it; a script the
  package does not hold, a URL, or a path leaving the package is a problem (rule
  ``hot.get-file``), since no Heat could create the stack.

The site parameters are ``string`` parameters without default, which the playbooks fill
from the site's connection (:func:`translators.playbooks.group_vars`).
"""

from __future__ import annotations

import json
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from .doc import Doc
from .errors import Problem

#: HOT parameters a site fills: its network, flavor and image (``os_network``, ``os_flavor``, ``os_image``).
SITE_NETWORK, SITE_FLAVOR, SITE_IMAGE = "rdcl_network", "rdcl_flavor", "rdcl_image"
SITE_PARAMETERS = {
    SITE_NETWORK: {
        "type": "string",
        "description": "network of the servers without a connection point (the site's os_network)",
    },
    SITE_FLAVOR: {
        "type": "string",
        "description": "flavor of the servers the descriptor sizes no flavor for (the site's os_flavor)",
    },
    SITE_IMAGE: {
        "type": "string",
        "description": "image of the servers the descriptor names no image for (the site's os_image)",
    },
}
#: The site connection variable that fills each site parameter.
SITE_VARIABLES = {SITE_NETWORK: "os_network", SITE_FLAVOR: "os_flavor", SITE_IMAGE: "os_image"}
#: Default of a ``<subnet>_cidr`` parameter (a project's networks may overlap in Neutron).
DEFAULT_CIDR = "10.0.0.0/24"
#: Heat Zed's property names per resource type (``{type: [names]}``).
PROPERTIES_FILE = Path(__file__).parent / "heat" / "properties.json"
#: Where ``get_file`` scripts are written, beside ``stack.yaml``.
ARTIFACTS = "artifacts/"


@cache
def heat_properties() -> dict[str, frozenset[str]]:
    """``{resource type: property names}`` of Heat Zed (:data:`PROPERTIES_FILE`)."""
    return {k: frozenset(v) for k, v in json.loads(PROPERTIES_FILE.read_text()).items()}


@dataclass
class Fitted:
    """What :func:`fit` made: the files (HOT and artifacts), report lines, problems."""

    files: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    #: ``{HOT parameter: {"vcpus": int, "ram": MiB, "disk": GiB}}``: the flavors a site must
    #: offer, one per ``OS::Nova::Flavor`` heat-translator wrote (a missing size is 0).
    flavor_sizes: dict[str, dict[str, int]] = field(default_factory=dict)

    def site_parameter(self, name: str) -> dict[str, Any] | None:
        """The HOT declaration of site parameter ``name`` (None: not one)."""
        if name in SITE_PARAMETERS:
            return dict(SITE_PARAMETERS[name])
        if name in self.flavor_sizes:
            return sized_flavor_parameter(self.flavor_sizes[name])
        return None


def _walk(node: Any, fn: Callable[[Any], Any]) -> Any:
    """``node`` with ``fn`` applied to every dict and list, innermost first."""
    if isinstance(node, dict):
        return fn({k: _walk(v, fn) for k, v in node.items()})
    if isinstance(node, list):
        return fn([_walk(v, fn) for v in node])
    return node


def _empty(value: Any) -> bool:
    return value is None or value == ""


def _is_template(doc: Any) -> bool:
    return isinstance(doc, dict) and "heat_template_version" in doc and isinstance(doc.get("resources"), dict)


def fit(
    docs: dict[str, Any], artifact: Callable[[str], bytes | None] | None = None, nodes: list[str] | None = None
) -> Fitted:
    """Rewrite the parsed HOT ``docs`` (file name -> document, ``stack.yaml`` the main
    template; changed in place) as the module doc says.

    ``artifact(path)``: the bytes of a package file ``path`` relative to the descriptor's
    folder (None: not in the package; raises ValueError for a path leaving it); without it
    every ``get_file`` is a problem. ``nodes``: the TOSCA node names, to place a problem at
    the node whose resource reads the file. Returns the documents (plus ``artifacts/...`` texts),
    the report lines and the problems (rule ``hot.get-file``).
    """
    out = Fitted(docs)
    for name in sorted(d for d in docs if _is_template(docs[d])):
        hot = docs[name]
        _flavors(name, hot, out)
        _servers_and_ports(name, hot, out)
        _subnets(name, hot, out)
        _nulls(name, hot, out)
        _unknown_properties(name, hot, out)
        _cycles(name, hot, out)
        _get_files(name, hot, out, artifact, sorted(nodes or []))
    _declare_site_parameters(docs, out)
    _pass_down(docs, out)
    return out


def sized_flavor_parameter(size: dict[str, int]) -> dict[str, Any]:
    """HOT declaration of a flavor parameter the apply fills with the site's smallest flavor
    of at least ``size`` (``{"vcpus", "ram" MiB, "disk" GiB}``)."""
    return {
        "type": "string",
        "description": (
            f"flavor of at least {size['vcpus']} vCPU, {size['ram']} MiB RAM, {size['disk']} GiB disk "
            "(the site's smallest that fits)"
        ),
        "constraints": [{"custom_constraint": "nova.flavor"}],
    }


def _flavors(name: str, hot: Doc, out: Fitted) -> None:
    res = hot["resources"]
    flavors = {r: b for r, b in res.items() if isinstance(b, dict) and b.get("type") == "OS::Nova::Flavor"}
    if not flavors:
        return
    params: dict[str, str] = {}
    for r, body in sorted(flavors.items()):
        props = body.get("properties") or {}
        size = {k: int(props.get(k) or 0) if str(props.get(k) or 0).isdigit() else 0 for k in ("vcpus", "ram", "disk")}
        param = r if r not in (hot.get("parameters") or {}) else f"rdcl_{r}"
        params[r] = param
        out.flavor_sizes[param] = size
        out.notes.append(
            f"HOT {name}: {r} (OS::Nova::Flavor: vcpus {size['vcpus']}, ram {size['ram']}, disk {size['disk']}) "
            f"is not created: Heat lets only an admin create flavors; its servers take the site's smallest "
            f"flavor of that size (HOT parameter {param}, chosen at apply)"
        )
        del res[r]

    def swap(node: Any) -> Any:
        if isinstance(node, dict) and len(node) == 1 and node.get("get_resource") in flavors:
            return {"get_param": params[node["get_resource"]]}
        if isinstance(node, dict) and isinstance(node.get("depends_on"), (str, list)):
            deps = [node["depends_on"]] if isinstance(node["depends_on"], str) else node["depends_on"]
            kept = [d for d in deps if d not in flavors]
            if kept != deps:
                node = {k: v for k, v in node.items() if k != "depends_on"} | ({"depends_on": kept} if kept else {})
        return node

    hot["resources"] = {r: _walk(b, swap) for r, b in res.items()}
    hot["outputs"] = _walk(hot.get("outputs"), swap) if hot.get("outputs") is not None else hot.get("outputs")


def _servers_and_ports(name: str, hot: Doc, out: Fitted) -> None:
    for r, body in hot["resources"].items():
        if not isinstance(body, dict):
            continue
        props = body.get("properties")
        if body.get("type") == "OS::Nova::Server":
            props = body.setdefault("properties", {}) if props is None else props
            if _empty(props.get("flavor")):
                props["flavor"] = {"get_param": SITE_FLAVOR}
                out.notes.append(
                    f"HOT {name}: server {r} has no flavor the descriptor sizes: the site's flavor (HOT parameter "
                    f"{SITE_FLAVOR}, the site's {SITE_VARIABLES[SITE_FLAVOR]})"
                )
            boots = props.get("block_device_mapping") or props.get("block_device_mapping_v2")
            if _empty(props.get("image")) and not boots:
                props["image"] = {"get_param": SITE_IMAGE}
                out.notes.append(
                    f"HOT {name}: server {r} names no image: the site's image (HOT parameter {SITE_IMAGE}, "
                    f"the site's {SITE_VARIABLES[SITE_IMAGE]})"
                )
            elif "image" in props and _empty(props["image"]):
                del props["image"]  # boots from its volume
        elif body.get("type") == "OS::Neutron::Port" and isinstance(props, dict) and _empty(props.get("network")):
            props["network"] = {"get_param": SITE_NETWORK}
            out.notes.append(
                f"HOT {name}: port {r} is on no virtual link: the site's network (HOT parameter {SITE_NETWORK}, "
                f"the site's {SITE_VARIABLES[SITE_NETWORK]})"
            )


def _nulls(name: str, hot: Doc, out: Fitted) -> None:
    """Drop the properties heat-translator left null (a ``#ADD_YOUR_..._HERE`` placeholder
    the fit did not fill): Heat takes a null as unset, the HOT says so plainly."""
    for r, body in hot["resources"].items():
        props = body.get("properties") if isinstance(body, dict) else None
        if isinstance(props, dict) and any(v is None for v in props.values()):
            gone = sorted(k for k, v in props.items() if v is None)
            body["properties"] = {k: v for k, v in props.items() if v is not None}
            out.notes.append(f"HOT {name}: {r} ({body.get('type')}): {', '.join(gone)} left out (no value)")


def _subnets(name: str, hot: Doc, out: Fitted) -> None:
    for r, body in hot["resources"].items():
        if not isinstance(body, dict) or body.get("type") != "OS::Neutron::Subnet":
            continue
        props = body.setdefault("properties", {}) if body.get("properties") is None else body["properties"]
        if _empty(props.get("cidr")) and _empty(props.get("subnetpool")):
            param = f"{r}_cidr"
            props["cidr"] = {"get_param": param}
            hot["parameters"] = {
                **(hot.get("parameters") or {}),
                param: {
                    "type": "string",
                    "description": f"CIDR of subnet {r} (its virtual link gives none)",
                    "default": DEFAULT_CIDR,
                },
            }
            out.notes.append(
                f"HOT {name}: subnet {r} has no cidr (its virtual link gives none): HOT parameter {param}, "
                f"default {DEFAULT_CIDR}"
            )


def _unknown_properties(name: str, hot: Doc, out: Fitted) -> None:
    known = heat_properties()
    for r, body in hot["resources"].items():
        if not isinstance(body, dict) or not isinstance(body.get("properties"), dict):
            continue
        allowed = known.get(str(body.get("type")))
        if allowed is None:
            continue
        unknown = sorted(set(body["properties"]) - allowed)
        if unknown:
            body["properties"] = {k: v for k, v in body["properties"].items() if k in allowed}
            out.notes.append(
                f"HOT {name}: {r} ({body['type']}): dropped {', '.join(unknown)}, "
                "which Heat does not know for that type"
            )


def _deps(body: Any) -> list[str]:
    deps = body.get("depends_on") if isinstance(body, dict) else None
    return [deps] if isinstance(deps, str) else [d for d in deps or [] if isinstance(d, str)]


def _refs(node: Any) -> set[str]:
    """Resources ``node`` reads (``get_resource``, ``get_attr``)."""
    found: set[str] = set()

    def look(n: Any) -> Any:
        if isinstance(n, dict):
            if isinstance(n.get("get_resource"), str):
                found.add(n["get_resource"])
            attr = n.get("get_attr")
            if isinstance(attr, list) and attr and isinstance(attr[0], str):
                found.add(attr[0])
        return n

    _walk(node, look)
    return found


def _cycles(name: str, hot: Doc, out: Fitted) -> None:
    res = hot["resources"]
    edges = {r: (set(_deps(b)) | _refs((b or {}).get("properties"))) & set(res) for r, b in res.items()}

    def reaches(a: str, b: str) -> bool:
        seen, todo = set(), [a]
        while todo:
            n = todo.pop()
            if n == b:
                return True
            if n not in seen:
                seen.add(n)
                todo += sorted(edges.get(n, ()))
        return False

    cut = sorted((r, d) for r, b in res.items() for d in _deps(b) if d in res and reaches(d, r))
    for r, d in cut:
        body = res[r]
        kept = [x for x in _deps(body) if x != d]
        if kept:
            body["depends_on"] = kept
        else:
            body.pop("depends_on", None)
    if cut:
        out.notes.append(
            f"HOT {name}: depends_on {', '.join(f'{r} -> {d}' for r, d in cut)} dropped: they make a cycle "
            "(nodes that require each other), which Heat cannot order"
        )


def _get_files(
    name: str, hot: Doc, out: Fitted, artifact: Callable[[str], bytes | None] | None, nodes: list[str]
) -> None:
    base = posixpath.dirname(name)
    resource = ""

    def fetch(node: Any) -> Any:
        if not (isinstance(node, dict) and len(node) == 1 and isinstance(node.get("get_file"), str)):
            return node
        path = node["get_file"]
        where = f"HOT {name}: resource {resource}: get_file {path}"
        owner = max((n for n in nodes if resource == n or resource.startswith(n + "_")), key=len, default="")
        at = f"topology_template.node_templates.{owner}" if owner else "topology_template.node_templates"
        if re.match(r"^[a-z][a-z0-9+.-]*:", path, re.I):
            out.problems.append(
                Problem(
                    at,
                    "hot.get-file",
                    f"{where}: an artifact given as a URL; the package must carry it (nothing is downloaded)",
                )
            )
            return node
        rel = posixpath.normpath(path)
        try:
            data = artifact(rel) if artifact else None
        except ValueError as exc:
            out.problems.append(Problem(at, "hot.get-file", f"{where}: {exc}"))
            return node
        if data is None:
            out.problems.append(
                Problem(
                    at,
                    "hot.get-file",
                    f"{where}: the package has no such file (an operation's implementation script); "
                    "Heat needs its content to create the stack",
                )
            )
            return node
        try:
            text = data.decode()
        except UnicodeDecodeError:
            out.problems.append(Problem(at, "hot.get-file", f"{where}: not UTF-8 text, which Heat needs"))
            return node
        target = ARTIFACTS + rel.lstrip("./").replace("../", "")
        out.files[target] = text
        return {"get_file": posixpath.relpath(target, base or ".")}

    for resource in list(hot["resources"]):
        hot["resources"][resource] = _walk(hot["resources"][resource], fetch)


def _uses(node: Any) -> set[str]:
    found: set[str] = set()

    def look(n: Any) -> Any:
        if isinstance(n, dict) and isinstance(n.get("get_param"), str):
            found.add(n["get_param"])
        return n

    _walk(node, look)
    return found


def _declare_site_parameters(docs: dict[str, Any], out: Fitted) -> None:
    """Declare each site parameter (and sized flavor parameter) in the templates that read it."""
    for hot in docs.values():
        if not _is_template(hot):
            continue
        declared = hot.get("parameters") or {}
        used = {p for p in _uses(hot["resources"]) if p not in declared and out.site_parameter(p) is not None}
        if used:
            hot["parameters"] = {**declared, **{p: out.site_parameter(p) for p in sorted(used)}}


def _pass_down(docs: dict[str, Any], out: Fitted) -> None:
    """Groups of the main template (``resource`` of an AutoScalingGroup, ``resource_def`` of a
    ResourceGroup) whose nested template needs a parameter the main template declares
    (without a default there, or a site parameter) get it passed (``{get_param: p}``); the
    main template declares the site parameters it passes."""
    top = docs.get("stack.yaml")
    if not _is_template(top):
        return
    assert isinstance(top, dict)
    for r, body in top["resources"].items():
        props = (body or {}).get("properties") if isinstance(body, dict) else None
        inner = (props or {}).get("resource") or (props or {}).get("resource_def")
        if not isinstance(inner, dict) or not _is_template(docs.get(str(inner.get("type")))):
            continue
        nested = docs[inner["type"]]
        given = inner.get("properties") or {}
        wanted = [
            p
            for p, spec in (nested.get("parameters") or {}).items()
            if p not in given and not (isinstance(spec, dict) and "default" in spec)
        ]
        top_params = top.get("parameters") or {}
        passed = [p for p in wanted if p in top_params or out.site_parameter(p) is not None]
        if not passed:
            continue
        inner["properties"] = {**given, **{p: {"get_param": p} for p in passed}}
        missing = {p: out.site_parameter(p) for p in passed if p not in top_params}
        if missing:
            top["parameters"] = {**top_params, **missing}
        others = [p for p in passed if out.site_parameter(p) is None]
        if others:
            out.notes.append(f"HOT stack.yaml: {r} passes {', '.join(others)} to its nested template {inner['type']}")
