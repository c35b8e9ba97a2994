"""A VNF's ``Vnflcm`` operations as hooks around the catalogue item's operations.

ETSI GS NFV-SOL 001 §6.7 ``tosca.interfaces.nfv.Vnflcm`` (the VNF node's ``Vnflcm``
interface): an operation with an ``implementation`` (an artifact of the VNF node, or a file
beside the descriptor) runs at its hook:

=======================================  ==============================================
``instantiate_start`` / ``_end``         first / last plays of ``create.yml``
``scale_start`` / ``_end``               around ``scale.yml`` (also ``scale_to_level_*``)
``heal_start``, ``heal``, ``heal_end``   ``heal.yml``, a ``heal`` operation of the item
                                         (``heal`` itself, else the create plays again:
                                         the service re-converged to its description)
``terminate_start`` / ``_end``           first / last plays of ``delete.yml``
=======================================  ==============================================

Every other operation (``instantiate`` and ``terminate`` themselves, which replace the VNFM's
own work, ``operate``, ``change_flavour``, ``modify_information``...) is a report line with
its path. An implementation is carried in the service folder under a name the translator
chooses (``hooks/<operation>-<n><suffix>``; the descriptor's file name is never a path of
the output) and run on the site the VNF's VDUs are on (its first part's site, once):

* an Ansible playbook (a ``.yaml``/``.yml`` file, or an artifact type naming Ansible) is
  imported (``ansible.builtin.import_playbook``: an Ansible management driver; it runs in the
  job's sandbox as every job does);
* a Tacker management driver (``tosca.artifacts.Implementation.Python`` whose text subclasses
  Tacker's driver class) cannot run outside Tacker: a report line;
* any other file is a script (``ansible.builtin.script``: copied to the site and run).

The operation's ``inputs`` are data: they reach a script as environment variables and a
playbook as variables, every string escaped (:mod:`translators.literal`), names that are not
identifiers refused (report line). Plan jobs run no hook (``rdcl_mode`` apply only).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Any

from .doc import Doc
from .errors import Problem
from .literal import template_data
from .paths import within
from .varnames import IDENTIFIER

if TYPE_CHECKING:
    from toscaparser.tosca_template import ToscaTemplate

    from .model import ServiceModel

VNF = "tosca.nodes.nfv.VNF"
INTERFACE = "Vnflcm"
#: Operation -> (playbook, when): where a hook runs.
HOOKS = {
    "instantiate_start": ("create", "start"),
    "instantiate_end": ("create", "end"),
    "scale_start": ("scale", "start"),
    "scale_end": ("scale", "end"),
    "scale_to_level_start": ("scale", "start"),
    "scale_to_level_end": ("scale", "end"),
    "heal_start": ("heal", "start"),
    "heal": ("heal", "body"),
    "heal_end": ("heal", "end"),
    "terminate_start": ("delete", "start"),
    "terminate_end": ("delete", "end"),
}
PLAYBOOK_SUFFIXES = (".yaml", ".yml")
MAX_BYTES = 1024 * 1024


@dataclass
class Hook:
    """One implemented operation: ``operation`` (``heal_end``), ``kind`` (``script`` or
    ``playbook``), ``file`` (its path in the service folder), ``origin`` (the file as the
    descriptor names it), ``inputs`` (escaped values) and ``node`` (the VNF node)."""

    operation: str
    kind: str
    file: str
    origin: str
    node: str
    inputs: Doc = field(default_factory=dict)

    @property
    def playbook(self) -> str:
        """The catalogue operation it belongs to: create, scale, heal or delete."""
        return HOOKS[self.operation][0]

    @property
    def when(self) -> str:
        """``start``, ``body`` or ``end``."""
        return HOOKS[self.operation][1]


@dataclass
class Lifecycle:
    """The hooks of a service (descriptor order), its report lines, the files to carry
    (service path -> bytes)."""

    hooks: list[Hook] = field(default_factory=list)
    report: list[str] = field(default_factory=list)
    files: dict[str, bytes] = field(default_factory=dict)

    def at(self, playbook: str, when: str) -> list[Hook]:
        """Hooks of one playbook at ``start``, ``body`` or ``end``."""
        return [h for h in self.hooks if h.playbook == playbook and h.when == when]


def read(model: ServiceModel, tosca: ToscaTemplate, base: Path, root: Path) -> list[Problem]:
    """Set ``model.lifecycle`` (:class:`Lifecycle`) from the VNF nodes' ``Vnflcm`` operations.
    ``base``: the descriptor's folder; implementation files must stay inside ``root``.

    :returns: problems: ``lcm.missing`` (no such file), ``lcm.outside`` (outside the
        package), ``lcm.size`` (over :data:`MAX_BYTES`), at the operation's path.
    """
    life = Lifecycle()
    problems: list[Problem] = []
    for tpl in tosca.nodetemplates:
        if not tpl.is_derived_from(VNF):
            continue
        interfaces = tpl.entity_tpl.get("interfaces") or {}
        artifacts = tpl.entity_tpl.get("artifacts") or {}
        for iface, ops in interfaces.items() if isinstance(interfaces, dict) else []:
            for op, body in (ops or {}).items() if isinstance(ops, dict) else []:
                if op in ("type", "inputs", "operations", "notifications"):
                    continue
                where = f"topology_template.node_templates.{tpl.name}.interfaces.{iface}.{op}"
                impl = body.get("implementation") if isinstance(body, dict) else body
                if isinstance(impl, dict):
                    impl = impl.get("primary")
                if not impl:
                    continue
                if iface != INTERFACE or op not in HOOKS:
                    life.report.append(
                        f"{where}: not run: {iface}.{op} is no operation of the catalogue item "
                        f"(hooks: {', '.join(HOOKS)})"
                    )
                    continue
                art = artifacts.get(impl) if isinstance(impl, str) else None
                art = art if isinstance(art, dict) else ({"file": art} if isinstance(art, str) else None)
                origin = str((art or {}).get("file") or impl)
                kind_name = str((art or {}).get("type") or "")
                path = (base / origin).resolve()
                if not within(path, root.resolve()):
                    problems.append(Problem(where, "lcm.outside", f"{origin}: outside the package folder"))
                    continue
                if not path.is_file():
                    problems.append(Problem(where, "lcm.missing", f"{origin}: no such file in the package"))
                    continue
                data = path.read_bytes()
                if len(data) > MAX_BYTES:
                    problems.append(Problem(where, "lcm.size", f"{origin}: {len(data)} bytes, at most {MAX_BYTES}"))
                    continue
                if _tacker_driver(kind_name, origin, data):
                    life.report.append(
                        f"{where}: not run: {origin} is a Tacker management driver (a Python class for "
                        "Tacker's VNFM); give a script or an Ansible playbook instead"
                    )
                    continue
                kind = "playbook" if _is_playbook(kind_name, origin) else "script"
                inputs, refused = _inputs(body.get("inputs") if isinstance(body, dict) else None)
                if refused:
                    life.report.append(f"{where}: inputs {', '.join(refused)} not passed: not identifiers")
                n = sum(1 for h in life.hooks if h.operation == op) + 1
                suffix = PurePosixPath(origin).suffix if kind == "script" else ".yml"
                suffix = suffix if suffix[1:].isalnum() else ""
                hook = Hook(op, kind, f"hooks/{op}-{n}{suffix}", origin, tpl.name, inputs)
                life.hooks.append(hook)
                life.files[hook.file] = data
    model.lifecycle = {"hooks": life} if (life.hooks or life.report) else {}
    return problems


def of(model: ServiceModel) -> Lifecycle:
    """The model's :class:`Lifecycle` (empty when it has none)."""
    found = model.lifecycle.get("hooks")
    return found if isinstance(found, Lifecycle) else Lifecycle()


def _tacker_driver(kind: str, origin: str, data: bytes) -> bool:
    return (kind.endswith("Implementation.Python") or origin.endswith(".py")) and (
        b"VnfAbstractDriver" in data or b"from tacker" in data
    )


def _is_playbook(kind: str, origin: str) -> bool:
    return "ansible" in kind.lower() or origin.lower().endswith(PLAYBOOK_SUFFIXES)


def _inputs(raw: Any) -> tuple[Doc, list[str]]:
    out, refused = {}, []
    for key, value in (raw or {}).items() if isinstance(raw, dict) else []:
        if not isinstance(key, str) or not IDENTIFIER.match(key):
            refused.append(str(key))
            continue
        text = value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str)
        out[key] = template_data(text)
    return out, refused


def plays(model: ServiceModel, hooks: list[Hook], site: str) -> list[Doc]:
    """The plays running ``hooks`` on ``site`` (an inventory group), in order."""
    out: list[Doc] = []
    for hook in hooks:
        label = template_data(f"Vnflcm {hook.operation} of {hook.node} ({hook.kind})")
        if hook.kind == "playbook":
            out.append(
                {
                    "name": label,
                    "ansible.builtin.import_playbook": hook.file,
                    "vars": {"rdcl_hook_site": site, **hook.inputs},
                    "when": "rdcl_mode | default('apply') == 'apply'",
                }
            )
            continue
        task: Doc = {
            "name": f"Run {hook.file}",
            "ansible.builtin.script": {"cmd": "{{ playbook_dir }}/%s" % hook.file},
            "when": "rdcl_mode | default('apply') == 'apply'",
        }
        if hook.inputs:
            task["environment"] = dict(hook.inputs)
        out.append({"name": label, "hosts": site, "gather_facts": False, "run_once": True, "tasks": [task]})
    return out
