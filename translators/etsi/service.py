"""ETSI descriptors to one TOSCA service template, and the checks after it is translated.

:func:`to_tosca` picks what is deployed (an IFA 014 §6.2.2 NSD and its first §6.3.2 NsDf,
:mod:`.ns`; else every IFA 011 §7.1.2 VNFD with its first §7.1.8 deployment flavour,
:mod:`.vnf`) and gives an :class:`EtsiTosca`: the template, the report, where each node
came from (:meth:`EtsiTosca.relocate` moves the TOSCA loader's problems back to the ETSI
element). :func:`check_servers` checks, after heat-translator, that every server of a VDU
got a flavor that fits its §7.1.9.2 VirtualComputeDesc.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import yaml

from ..doc import Doc
from ..errors import DescriptorError, Problem, TranslationError
from ..heat_fit import SITE_FLAVOR
from .builder import EMPTY, Builder, ident
from .ns import translate_ns
from .reading import kind_of
from .vnf import translate_vnf

if TYPE_CHECKING:
    from ..translate import Translation

_NODE = re.compile(r"^topology_template\.node_templates\.([^.\[]+)")


@dataclass
class EtsiTosca:
    """What :func:`to_tosca` made: ``text`` the TOSCA service template (YAML), ``name`` the
    service name, ``report`` the constructs not translated (paths in the descriptors),
    ``origins`` TOSCA node name -> path of the ETSI element it came from, ``levels`` the
    instantiation levels of the pods (``{"ids": [...], "default": id | None, "nodes":
    {node: {level: count}}}``, empty when none), ``vms`` TOSCA server node -> (path, what
    its compute descriptor asks, for error messages)."""

    name: str
    text: str
    report: list[str] = field(default_factory=list)
    origins: dict[str, str] = field(default_factory=dict)
    levels: Doc = field(default_factory=dict)
    vms: dict[str, tuple[str, str, str]] = field(default_factory=dict)

    def relocate(self, exc: DescriptorError, source: str) -> TranslationError:
        """``exc`` (about the generated TOSCA) with each problem's path moved to the ETSI
        element its node came from; the TOSCA node is named in the message."""
        problems = []
        for p in exc.problems:
            match = _NODE.match(p.path or "")
            tosca_node = match.group(1) if match else None
            origin = self.origins.get(tosca_node) if tosca_node else None
            problems.append(
                Problem(origin or p.path, p.rule, f"{p.message} (TOSCA node {tosca_node})" if origin else p.message)
            )
        return TranslationError(source, problems)


def to_tosca(
    descriptors: Mapping[str, Doc], nested: Mapping[str, Any] | None = None, nsd: str | None = None
) -> EtsiTosca:
    """The TOSCA 1.3 service template equivalent to ``descriptors``.

    ``descriptors``: name -> VNFD or NSD dict (what the designer's ``EtsiModel`` holds:
    ``{d.name: d.data for d in model.descriptors}``); an NSD's ``vnfdId`` names a VNFD by
    that name, else by its ``vnfdId`` (IFA 014 §6.2.2). ``nested``: name -> nested
    descriptor (the project's ``k8s``/``click`` resources) that a ``vduNestedDesc``
    names. ``nsd``: which NSD when there are several. With an NSD, its first ``nsDf``
    (IFA 014 §6.3.2) is the service; without one, every VNFD with its first deployment
    flavour (IFA 011 §7.1.8).

    :raises TranslationError: no descriptor, several NSDs and no ``nsd``, a VNFD the NSD
        lists that is missing, a VDU whose nested type, parent or network cannot be
        translated; each problem at its path in the descriptors.
    """
    builder = Builder(dict(nested or {}))
    docs = {name: (kind_of(data), data) for name, data in descriptors.items()}
    nsds = sorted(name for name, (kind, _) in docs.items() if kind == "nsd")
    vnfds = {name: data for name, (kind, data) in docs.items() if kind == "vnfd"}
    for name, (kind, _) in docs.items():
        if kind not in ("nsd", "vnfd"):
            builder.problem(
                name, "etsi.not-a-descriptor", "neither a VNFD (vnfdId, vdu) nor an NSD (nsdIdentifier, nsDf)"
            )
    if nsd is not None and nsd not in nsds:
        builder.problem(nsd, "etsi.unknown-nsd", f"no NSD {nsd!r} (NSDs: {', '.join(nsds) or 'none'})")
    elif nsd is None and len(nsds) > 1:
        builder.problem("nsd", "etsi.several-nsds", f"several NSDs ({', '.join(nsds)}): choose one")
    elif not nsds and not vnfds:
        builder.problem("", "etsi.empty", "no VNFD or NSD to translate")
    builder.raise_problems()
    chosen = nsd or (nsds[0] if nsds else None)
    if chosen:
        name = translate_ns(builder, chosen, docs[chosen][1], vnfds)
        for other in nsds:
            if other != chosen:
                builder.report.append(f"nsd.{other}: not translated, NSD {chosen} was chosen")
    else:
        several = len(vnfds) > 1
        for vname, data in vnfds.items():
            translate_vnf(builder, vname, data, f"{ident(vname)}_" if several else "", None, {}, None)
        name = next(iter(vnfds.values())).get("vnfdId") or next(iter(vnfds)) if not several else "vnfds"
    builder.finish()
    if not builder.nodes and not builder.problems:
        builder.problem(
            f"nsd.{chosen}.nsDf" if chosen else "vnfd",
            "etsi.nothing-to-deploy",
            "no VDU or virtual link could be translated (see the report: " + "; ".join(builder.report[-3:]) + ")",
        )
    builder.raise_problems()
    return EtsiTosca(
        name=str(name),
        text=builder.text(str(name)),
        report=builder.report,
        origins=builder.origins,
        levels=builder.levels_out(),
        vms=builder.vms,
    )


def check_servers(translation: Translation, converted: EtsiTosca, source: str) -> None:
    """Every server made from a VDU has a flavor: heat-translator leaves it empty when no
    flavor fits the compute descriptor (IFA 011 §7.1.9.2: ``virtualMemSize`` is in GB), which
    :mod:`translators.heat_fit` then makes the site's flavor; a VDU always gives its size, so
    the site's flavor there means nothing fitted.

    :raises TranslationError: at the VDU of each server without one.
    """
    problems = []
    for path, text in sorted(translation.files.items()):
        if not (path.startswith("templates/") and path.endswith(".yaml")):
            continue
        hot = yaml.safe_load(text) or {}
        for name, res in sorted((hot.get("resources") or {}).items()):
            props = (res or {}).get("properties") or {}
            site_flavor = props.get("flavor") == {"get_param": SITE_FLAVOR}  # heat_fit: no size was fitted
            if (
                res.get("type") == "OS::Nova::Server"
                and name in converted.vms
                and (props.get("flavor") in EMPTY or site_flavor)
            ):
                where, asks, vid = converted.vms[name]
                problems.append(
                    Problem(
                        f"{where}.virtualComputeDesc",
                        "etsi.no-flavor",
                        f"no Nova flavor fits VDU {vid} ({asks}; virtualMemSize is in GB) (TOSCA node {name})",
                    )
                )
    if problems:
        raise TranslationError(source, problems)
