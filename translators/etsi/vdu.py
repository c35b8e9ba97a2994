"""VDUs: each becomes a server or a pod.

* IFA 011 §7.1.6.2 Vdu without a nested descriptor: ``rdcl.nodes.Compute.VM`` (or
  ``rdcl.nodes.Compute.BareMetal``: ``vduParent: "None"``, ``vduParentBareMetal``), sized by
  its §7.1.9.2 VirtualComputeDesc (``num_cpus``, ``mem_size`` in GB) and §7.1.9.4
  VirtualStorageDesc (``disk_size``), booting its §7.1.6.5 SwImageDesc (:func:`add_server`).
* A Vdu with ``vduNestedDescType: kubernetes`` (the Superfluidity nested-VDU extension of
  §7.1.6.2), or a docker SwImageDesc: ``rdcl.nodes.Container.Application``, its image from
  the nested descriptor, its parent VM from ``vduParent``, its replicas from the VduProfile
  and instantiation levels (:mod:`.levels`) (:func:`add_pod`).
* ``click`` VDUs are reported, not translated (:func:`vdu_kind` says which a VDU is).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import yaml

from .. import limits
from ..doc import Doc
from .builder import BARE_METAL, BARE_METAL_PARENT, EMPTY, POD, VM, Builder, Ident, ident, ok


def vdu_kind(vdu: Doc) -> str:
    """``vm``, ``bare_metal``, ``pod``, ``click``, or the unknown ``vduNestedDescType`` itself."""
    nested = vdu.get("vduNestedDesc")
    kind = vdu.get("vduNestedDescType")
    if nested not in EMPTY or kind not in EMPTY:
        return {"kubernetes": "pod", "click": "click"}.get(str(kind), str(kind))  # a list is no kind either
    image = vdu.get("swImageDesc")
    image = image if isinstance(image, dict) else {}
    if "docker" in [str(e).lower() for e in image.get("supportedVirtualisationEnvironment") or []]:
        return "pod"
    if vdu.get("vduParent") == BARE_METAL_PARENT or vdu.get("vduParentBareMetal") in (True, "true", "True"):
        return "bare_metal"
    return "vm"


def _compute(builder: Builder, vpath: str, vdu: Doc, computes: Mapping[Ident, Doc]) -> Doc | None:
    """The VDU's VirtualComputeDesc (IFA 011 §7.1.9.2), or None (reported)."""
    ref = vdu.get("virtualComputeDesc")
    if ref in computes:
        return computes[ref]
    known = ", ".join(sorted(str(k) for k in computes)) or "none"
    builder.report.append(
        f"{vpath}.virtualComputeDesc: {ref!r} names no virtualComputeDesc (known: {known}); "
        "CPU and memory are not set from it"
    )
    return None


def _cpu_mem(compute: Doc | None) -> tuple[Any, Any]:
    if not compute:
        return None, None
    cpu = (compute.get("virtualCpu") or {}).get("numVirtualCpu")
    mem = (compute.get("virtualMemory") or {}).get("virtualMemSize")
    cpu = cpu if isinstance(cpu, (int, float)) and not isinstance(cpu, bool) and cpu > 0 else None
    mem = mem if isinstance(mem, (int, float)) and not isinstance(mem, bool) and mem > 0 else None
    return cpu, mem


def add_server(
    builder: Builder,
    vpath: str,
    node: str,
    vdu: Doc,
    kind: str,
    computes: Mapping[Ident, Doc],
    storages: Mapping[Ident, Doc],
    count: Doc | None,
) -> None:
    """A VM (or bare-metal) VDU: flavor from its compute/storage descriptors, image from
    its SwImageDesc (IFA 011 §7.1.6.2, §7.1.6.5, §7.1.9.2, §7.1.9.4)."""
    vid = vdu.get("vduId")
    compute = _compute(builder, vpath, vdu, computes)
    cpu, mem = _cpu_mem(compute)
    host: Doc = {}
    if cpu is not None:
        host["num_cpus"] = max(1, int(round(cpu)))
    if mem is not None:
        host["mem_size"] = f"{mem:g} GB"
    storage = storages.get(vdu.get("virtualStorageDesc"))
    size = (storage or {}).get("sizeOfStorage")
    if isinstance(size, (int, float)) and not isinstance(size, bool) and size > 0:
        host["disk_size"] = f"{size:g} GB"
    tpl: Doc = {"type": BARE_METAL if kind == "bare_metal" else VM}
    if vdu.get("description"):
        tpl["description"] = str(vdu["description"])
    props: Doc = {}
    image = vdu.get("swImageDesc")
    image = image if isinstance(image, dict) else {}
    name = next((image[k] for k in ("name", "swImage", "id") if ok(image.get(k))), None)
    if name:
        props["image"] = name
        builder.report.append(
            f"{vpath}.swImageDesc: the server boots Glance image {name!r}; the image file "
            f"({image.get('swImage') or 'none named'}) is not uploaded, it must exist on the site"
        )
    else:
        builder.inputs[f"{node}_image"] = {"type": "string", "description": f"Glance image of VDU {vid} ({vpath})"}
        props["image"] = {"get_input": f"{node}_image"}
        builder.report.append(f"{vpath}: no swImageDesc: the server's image is the input {node}_image")
    if not host and kind == "vm":
        builder.inputs[f"{node}_flavor"] = {"type": "string", "description": f"Nova flavor of VDU {vid} ({vpath})"}
        props["flavor"] = {"get_input": f"{node}_flavor"}
        builder.report.append(f"{vpath}: no usable virtualComputeDesc: the server's flavor is the input {node}_flavor")
    elif kind == "bare_metal":
        builder.report.append(
            f"{vpath}.vduParent: bare metal: an OS::Nova::Server with the bare-metal flavor "
            "(rdcl.nodes.Compute.BareMetal)"
        )
    tpl["properties"] = props
    if host:
        tpl["capabilities"] = {"host": {"properties": host}}
    builder.add(node, tpl, vpath)
    builder.vms[node] = (vpath, ", ".join(f"{k} {v}" for k, v in host.items()) or "no compute descriptor", str(vid))
    parent = vdu.get("vduParent")
    if ok(parent) and parent != BARE_METAL_PARENT:
        builder.report.append(f"{vpath}.vduParent: a VM is not nested in VDU {parent}: it is a server of its own")
    if count:
        initial = count.get("initial", count.get("min"))
        if (isinstance(count.get("max"), int) and count["max"] > 1) or (isinstance(initial, int) and initial > 1):
            builder.report.append(
                f"{vpath}: one server is made (vduProfile min {count.get('min')}, max "
                f"{count.get('max')}, {initial} at level {count.get('default')}): VM scaling "
                "groups are not generated from ETSI descriptors"
            )


def _nested_image(builder: Builder, vpath: str, vdu: Doc) -> str | None:
    """A pod's image: from its nested descriptor (inline, or the project's entry it names:
    the first ``image`` in it, a Kubernetes manifest's container image), else the
    ``vduNestedDesc`` name itself; reported either way."""
    ref = vdu.get("vduNestedDesc")
    found = ref if isinstance(ref, dict) else builder.nested.get(ref) if isinstance(ref, str) else None
    if isinstance(found, str):
        try:
            found = limits.load_yaml(found)
        except (yaml.YAMLError, limits.LimitError):
            found = None
    image = _first_image(found)
    if image:
        builder.report.append(f"{vpath}.vduNestedDesc: pod image {image!r} from the nested descriptor")
        return image
    image_desc = vdu.get("swImageDesc")
    image_desc = image_desc if isinstance(image_desc, dict) else {}
    if ok(image_desc.get("name")):
        builder.report.append(f"{vpath}.swImageDesc: pod image {image_desc['name']!r} (a docker swImageDesc)")
        return str(image_desc["name"])
    if ok(ref):
        builder.report.append(
            f"{vpath}.vduNestedDesc: no nested descriptor {ref!r} among the project's resources: "
            f"its name is used as the pod image"
        )
        return ref
    return None


def _first_image(value: Any) -> str | None:
    if isinstance(value, dict):
        if ok(value.get("image")):
            return str(value["image"])
        for key in sorted(value, key=lambda k: (k not in ("spec", "template", "containers"), str(k))):
            found = _first_image(value[key])
            if found:
                return found
    if isinstance(value, list):
        for item in value:
            found = _first_image(item)
            if found:
                return found
    if isinstance(value, str) and "\n" in value:
        try:
            return _first_image(limits.load_yaml(value))
        except (yaml.YAMLError, limits.LimitError):
            return None
    return None


def add_pod(
    builder: Builder,
    vpath: str,
    node: str,
    vdu: Doc,
    prefix: str,
    vdu_index: Mapping[Ident, tuple[int, Doc]],
    kinds: Mapping[Ident, str],
    computes: Mapping[Ident, Doc],
    count: Doc | None,
) -> None:
    """A kubernetes nested VDU (Superfluidity extension of IFA 011 §7.1.6.2)."""
    vid = vdu.get("vduId")
    props: Doc = {}
    image = _nested_image(builder, vpath, vdu)
    if image:
        props["image"] = image
    else:
        builder.problem(
            f"{vpath}.vduNestedDesc",
            "etsi.pod-image",
            f"VDU {vid}: a pod needs an image and there is no nested descriptor to take it from",
        )
    parent = vdu.get("vduParent")
    mandatory = vdu.get("vduParentMandatory")
    if parent == BARE_METAL_PARENT or vdu.get("vduParentBareMetal") in (True, "true", "True"):
        props["vdu_parent_bare_metal"] = True
        if mandatory is False:
            props["vdu_parent_mandatory"] = False
    elif ok(parent):
        if parent not in kinds:
            builder.problem(
                f"{vpath}.vduParent", "etsi.vdu-parent", f"VDU {vid}: vduParent {parent!r} is not a VDU of this VNFD"
            )
        elif kinds[parent] not in ("vm", "bare_metal"):
            builder.problem(
                f"{vpath}.vduParent",
                "etsi.vdu-parent",
                f"VDU {vid}: vduParent {parent!r} is a {kinds[parent]} VDU, not a VM or bare-metal server",
            )
        else:
            props["vdu_parent"] = f"{prefix}{ident(parent)}"
            if mandatory is False:
                props["vdu_parent_mandatory"] = False
    compute = computes.get(vdu.get("virtualComputeDesc")) if vdu.get("virtualComputeDesc") not in EMPTY else None
    if vdu.get("virtualComputeDesc") not in EMPTY and compute is None:
        compute = _compute(builder, vpath, vdu, computes)
    cpu, mem = _cpu_mem(compute)
    if cpu is not None and float(cpu).is_integer():
        props["num_cpus"] = int(cpu)
    elif cpu is not None:
        props["milli_cpus"] = max(1, int(round(cpu * 1000)))
    if mem is not None:
        props["mem_size"] = f"{mem:g} GB"
    count = count or {}
    low, high, initial = count.get("min"), count.get("max"), count.get("initial")
    replicas = initial if isinstance(initial, int) else low if isinstance(low, int) else 1
    props["replicas"] = replicas
    if isinstance(high, int) and high > max(replicas, low if isinstance(low, int) else 1, 1):
        props["min_replicas"] = max(1, low if isinstance(low, int) else 1)
        props["max_replicas"] = high
    if count.get("levels"):
        builder.levels[node] = dict(count["levels"])
    tpl: Doc = {"type": POD}
    if vdu.get("description"):
        tpl["description"] = str(vdu["description"])
    tpl["properties"] = props
    builder.add(node, tpl, vpath)
