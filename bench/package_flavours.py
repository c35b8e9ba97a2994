"""A SOL 004 package with two deployment flavours: our translation of one flavour versus
heat-translator alone on that flavour's file.

The package (built in a temporary folder, then zipped as a CSAR) has a top VNFD, the SOL 001
v2.6.1 type files from ``var/sol001`` (run ``scripts/setup`` first), a flavour ``big`` of
``--vdus`` VM VDUs (a VduCp each, instantiation levels) and a flavour ``small`` of half as many.
In one warm process, best of ``--repeat``:

* heat-translator alone: ``ToscaTemplate`` + ``TOSCATranslator`` on ``Definitions/df_big.yaml``;
* ours: ``translate_file(csar, flavour="big")``: read and check the package (manifest digests),
  parse the top VNFD with its flavours, pick one, HOT, playbooks, group_vars, index, README.

Prints the times and the ratio, in wall time and in this process's CPU time (steadier when
other processes share the cores); asserts nothing. With levels, every VDU's count becomes a
HOT parameter of a ResourceGroup (:func:`translators.hot.scale_parameters`), which
heat-translator alone does not do; ``--no-levels`` leaves them out.

    .venv/bin/python bench/package_flavours.py [--vdus 12] [--repeat 5] [--no-levels]
"""

from __future__ import annotations

import argparse
import hashlib
import shutil
import sys
import tempfile
import time
import zipfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generated import best  # noqa: E402

from translators import sol001  # noqa: E402
from translators.sites import DEMO_SITES  # noqa: E402
from translators.tosca_loader import quiet_libraries  # noqa: E402
from translators.translate import translate_file  # noqa: E402

TYPES = ("etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml")
#: The VNF properties a flavour maps (SOL 001 §6.8.1: required by tosca.nodes.nfv.VNF).
STRING_INPUTS = (
    "descriptor_id",
    "descriptor_version",
    "provider",
    "product_name",
    "software_version",
    "flavour_id",
    "flavour_description",
)
VNF_TYPE = """\
tosca_definitions_version: tosca_simple_yaml_1_2
imports: [etsi_nfv_sol001_common_types.yaml, etsi_nfv_sol001_vnfd_types.yaml]
node_types:
  bench.VNF:
    derived_from: tosca.nodes.nfv.VNF
    properties:
      flavour_id: {type: string, constraints: [valid_values: [big, small]], default: big}
"""
TOP = """\
tosca_definitions_version: tosca_simple_yaml_1_2
metadata: {template_name: bench-flavours}
imports:
  - etsi_nfv_sol001_common_types.yaml
  - etsi_nfv_sol001_vnfd_types.yaml
  - vnf_type.yaml
  - df_big.yaml
  - df_small.yaml
topology_template:
  inputs:
    flavour_id: {type: string, default: big}
  node_templates:
    VNF:
      type: bench.VNF
      properties:
        flavour_id: {get_input: flavour_id}
        descriptor_id: bench
        descriptor_version: '1.0'
        provider: bench
        product_name: bench
        software_version: '1.0'
        vnfm_info: ["0:bench"]
        flavour_description: bench
"""


def flavour(fid: str, vdus: int, levels: bool = True) -> str:
    """A flavour file of ``vdus`` VM VDUs with a port each and (``levels``) two
    instantiation levels for all of them."""
    lines = [
        "tosca_definitions_version: tosca_simple_yaml_1_2",
        "imports: [etsi_nfv_sol001_common_types.yaml, etsi_nfv_sol001_vnfd_types.yaml, vnf_type.yaml]",
        "topology_template:",
        "  inputs:",
        *(f"    {n}: {{type: string}}" for n in STRING_INPUTS),
        "    vnfm_info: {type: list, entry_schema: {type: string}}",
        "  substitution_mappings:",
        "    node_type: bench.VNF",
        f"    properties: {{flavour_id: {fid}}}",
        "  node_templates:",
    ]
    for i in range(vdus):
        lines += [
            f"    vdu{i}:",
            "      type: tosca.nodes.nfv.Vdu.Compute",
            "      properties:",
            f"        name: vdu{i}",
            "        description: a VM",
            "        vdu_profile: {min_number_of_instances: 1, max_number_of_instances: 2}",
            "      capabilities:",
            "        virtual_compute:",
            "          properties:",
            "            virtual_memory: {virtual_mem_size: 512 MiB}",
            "            virtual_cpu: {num_virtual_cpu: 1}",
            f"    cp{i}:",
            "      type: tosca.nodes.nfv.VduCp",
            "      properties: {layer_protocols: [ipv4], order: 0}",
            "      requirements:",
            f"        - virtual_binding: vdu{i}",
        ]
    if not levels:
        return "\n".join(lines) + "\n"
    targets = ", ".join(f"vdu{i}" for i in range(vdus))
    lines += [
        "  policies:",
        "    - levels:",
        "        type: tosca.policies.nfv.InstantiationLevels",
        "        properties:",
        "          levels: {low: {description: one each}, high: {description: two each}}",
        "          default_level: low",
        "    - vdu_levels:",
        "        type: tosca.policies.nfv.VduInstantiationLevels",
        "        properties:",
        "          levels: {low: {number_of_instances: 1}, high: {number_of_instances: 2}}",
        f"        targets: [{targets}]",
    ]
    return "\n".join(lines) + "\n"


def build(folder: Path, vdus: int, levels: bool = True) -> Path:
    """The package folder, its manifest, and the CSAR next to it; returns the CSAR."""
    defs = folder / "Definitions"
    defs.mkdir(parents=True)
    for name in TYPES:
        found = sol001.find("v2.6.1", name)
        if found is None:
            sys.exit(f"{name} is not in var/sol001: run scripts/setup first")
        shutil.copyfile(found, defs / name)
    (defs / "vnf_type.yaml").write_text(VNF_TYPE)
    (defs / "top.yaml").write_text(TOP)
    (defs / "df_big.yaml").write_text(flavour("big", vdus, levels))
    (defs / "df_small.yaml").write_text(flavour("small", max(1, vdus // 2), levels))
    (folder / "TOSCA-Metadata").mkdir()
    meta = "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: bench\n"
    meta += "Entry-Definitions: Definitions/top.yaml\nETSI-Entry-Manifest: manifest.mf\n"
    (folder / "TOSCA-Metadata" / "TOSCA.meta").write_text(meta)
    entries = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file()):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        entries.append(f"Source: {path.relative_to(folder).as_posix()}\nAlgorithm: SHA-256\nHash: {digest}\n")
    (folder / "manifest.mf").write_text("\n".join(entries))
    csar = folder.parent / "bench.csar"
    with zipfile.ZipFile(csar, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(p for p in folder.rglob("*") if p.is_file()):
            archive.write(path, path.relative_to(folder).as_posix())
    return csar


def heat_translator_alone(path: Path) -> None:
    """tosca-parser + heat-translator on one flavour file, nothing else."""
    from toscaparser.tosca_template import ToscaTemplate
    from translator.hot.tosca_translator import TOSCATranslator

    from translators.hot import _DeferredInputs

    TOSCATranslator(ToscaTemplate(str(path)), _DeferredInputs()).translate_to_yaml_files_dict("stack.yaml")


def main() -> None:
    """Build the package, warm both paths up once, time them, print the ratio."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--vdus", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument(
        "--no-levels",
        action="store_true",
        help="flavours without instantiation levels (no ResourceGroup per VDU in the HOT)",
    )
    args = parser.parse_args()
    quiet_libraries()
    with tempfile.TemporaryDirectory(prefix="rdcl-bench-") as tmp:
        csar = build(Path(tmp) / "pkg", args.vdus, not args.no_levels)
        flavour_file = Path(tmp) / "pkg" / "Definitions" / "df_big.yaml"

        def ours() -> None:
            translate_file(csar, DEMO_SITES, flavour="big")

        heat_translator_alone(flavour_file)  # warm: imports, type caches
        # timed before ours runs: our loader caches parsed imports process-wide
        # (translators.imports), which heat-translator alone then would use too
        alone = best(lambda: heat_translator_alone(flavour_file), args.repeat)
        alone_cpu = best(lambda: heat_translator_alone(flavour_file), args.repeat, time.process_time)
        ours()
        full = best(ours, args.repeat)
        full_cpu = best(ours, args.repeat, time.process_time)
    kind = "without" if args.no_levels else "with"
    print(f"{args.vdus}-VDU two-flavour package, {kind} instantiation levels (best of {args.repeat}, one warm process)")
    print("                                              wall ms    CPU ms")
    print(f"  heat-translator alone on the flavour file: {alone * 1000:8.1f}  {alone_cpu * 1000:8.1f}")
    print(f"  ours, the CSAR, flavour big:               {full * 1000:8.1f}  {full_cpu * 1000:8.1f}")
    print(f"  ratio ours / heat-translator alone:        {full / alone:8.2f}  {full_cpu / alone_cpu:8.2f}")


if __name__ == "__main__":
    main()
