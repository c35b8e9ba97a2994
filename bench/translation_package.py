"""A VNF package's flavour file: our translation versus heat-translator alone (issue 12).

A generated SOL 004 package (``TOSCA-Metadata/TOSCA.meta``, ``Definitions/`` with the SOL 001
v2.6.1 type files of the corpus and one file per deployment flavour) of a 12-VDU VNF with two
flavours:

* ``small``: 12 VM VDUs (SwImage, virtual compute, a VduCp each on one VnfVirtualLink), one
  instance each;
* ``scaled``: the same VDUs with instantiation levels, a scaling aspect per VDU with its
  initial and step deltas (HOT AutoScalingGroups, count parameters, ``scale.yml`` vars).

For each flavour file, in one warm process: heat-translator alone (``ToscaTemplate`` +
``TOSCATranslator``) and ours (:func:`translators.translate.translate_file`: parse, place,
HOT, playbooks, group_vars, index, README, roles). The SOL 004 package reader (another
helper's work, issue 12) is not timed here: the flavour file is translated as the package
reader hands it over, which is the translation path. A third line times ours alone on a
container flavour (the 12 VDUs as OsContainer VDUs: pods; heat-translator cannot read them).

Each figure is the best of ``--repeat`` runs; the ratio is the median of interleaved pairs.
Prints ratios; asserts nothing. Target (issue 12): at most 1.3.

    .venv/bin/python bench/translation_package.py [--vdus 12] [--repeat 5]
"""

from __future__ import annotations

import argparse
import functools
import os
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generated import best  # noqa: E402

from translators.hot import _DeferredInputs  # noqa: E402
from translators.sites import DEMO_SITES  # noqa: E402
from translators.tosca_loader import quiet_libraries  # noqa: E402
from translators.translate import translate_file  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
CORPUS = Path(os.environ.get("RDCL_CORPUS", ROOT.parent / "shared" / "corpus"))
TYPE_FILES = CORPUS / "heat-translator" / "etsi_nfv"
SUBSET = ROOT / "tests" / "data" / "packages" / "common" / "rdcl_test_sol001_v4_subset.yaml"


def vdu(i: int) -> list[str]:
    return [
        f"    VDU{i}:",
        "      type: tosca.nodes.nfv.Vdu.Compute",
        "      properties:",
        f"        name: vdu{i}",
        f"        description: VDU {i}",
        "        vdu_profile: {min_number_of_instances: 1, max_number_of_instances: 4}",
        "      artifacts:",
        "        sw_image: {type: tosca.artifacts.nfv.SwImage, file: cirros-0.6.2-x86_64-disk}",
        "      capabilities:",
        "        virtual_compute:",
        "          properties:",
        "            virtual_memory: {virtual_mem_size: 512 MiB}",
        "            virtual_cpu: {num_virtual_cpu: 1}",
        "            virtual_local_storage: [{size_of_storage: 1 GiB}]",
        f"    CP{i}:",
        "      type: tosca.nodes.nfv.VduCp",
        "      properties: {layer_protocols: [ipv4], order: 0}",
        "      requirements:",
        f"        - virtual_binding: VDU{i}",
        "        - virtual_link: internal_vl",
    ]


def container_vdu(i: int) -> list[str]:
    return [
        f"    VDU{i}:",
        "      type: tosca.nodes.nfv.Vdu.OsContainerDeployableUnit",
        "      properties:",
        f"        name: vdu{i}",
        f"        description: VDU {i}",
        "        vdu_profile: {min_number_of_instances: 1, max_number_of_instances: 4}",
        "      requirements:",
        f"        - container: C{i}",
        f"    C{i}:",
        "      type: tosca.nodes.nfv.Vdu.OsContainer",
        "      properties:",
        f"        name: c{i}",
        f"        description: container {i}",
        "        requested_cpu_resources: 250",
        "        requested_memory_resources: 128 MiB",
        "      artifacts:",
        f"        sw_image: {{type: tosca.artifacts.nfv.SwImage, file: 'registry.example/app{i}:1'}}",
    ]


def flavour(vdus: int, name: str) -> str:
    """One deployment flavour file of the generated VNF."""
    imports = ["etsi_nfv_sol001_common_types.yaml", "etsi_nfv_sol001_vnfd_types.yaml"]
    if name == "containers":
        imports.append(SUBSET.name)
    lines = [
        "tosca_definitions_version: tosca_simple_yaml_1_2",
        f"description: generated VNF, {vdus} VDUs, flavour {name}",
        "imports:",
        *[f"  - {i}" for i in imports],
        "topology_template:",
        "  node_templates:",
    ]
    if name != "containers":
        lines += [
            "    internal_vl:",
            "      type: tosca.nodes.nfv.VnfVirtualLink",
            "      properties:",
            "        connectivity_type: {layer_protocols: [ipv4]}",
            "        vl_profile:",
            "          max_bitrate_requirements: {root: 1000000}",
            "          min_bitrate_requirements: {root: 100000}",
            "          virtual_link_protocol_data:",
            "            - associated_layer_protocol: ipv4",
            "              l3_protocol_data: {ip_version: ipv4, cidr: 10.10.0.0/24}",
        ]
    for i in range(1, vdus + 1):
        lines += container_vdu(i) if name == "containers" else vdu(i)
    if name == "small":
        return "\n".join(lines) + "\n"
    targets = ", ".join(f"VDU{i}" for i in range(1, vdus + 1))
    lines += [
        "  policies:",
        "    - instantiation_levels:",
        "        type: tosca.policies.nfv.InstantiationLevels",
        "        properties:",
        "          levels:",
        "            small: {description: one of each}",
        "            large: {description: two of each}",
        "          default_level: small",
        "    - vdu_levels:",
        "        type: tosca.policies.nfv.VduInstantiationLevels",
        "        properties:",
        "          levels: {small: {number_of_instances: 1}, large: {number_of_instances: 2}}",
        f"        targets: [{targets}]",
    ]
    if name == "containers":
        return "\n".join(lines) + "\n"
    aspects = [
        f"            vdu{i}_aspect: {{name: vdu{i}, description: aspect {i}, max_scale_level: 3, step_deltas: [d]}}"
        for i in range(1, vdus + 1)
    ]
    lines += ["    - scaling_aspects:", "        type: tosca.policies.nfv.ScalingAspects", "        properties:"]
    lines += ["          aspects:", *aspects]
    for i in range(1, vdus + 1):
        lines += [
            f"    - vdu{i}_initial_delta:",
            "        type: tosca.policies.nfv.VduInitialDelta",
            "        properties: {initial_delta: {number_of_instances: 1}}",
            f"        targets: [VDU{i}]",
            f"    - vdu{i}_deltas:",
            "        type: tosca.policies.nfv.VduScalingAspectDeltas",
            f"        properties: {{aspect: vdu{i}_aspect, deltas: {{d: {{number_of_instances: 1}}}}}}",
            f"        targets: [VDU{i}]",
        ]
    return "\n".join(lines) + "\n"


def package(folder: Path, vdus: int) -> dict[str, Path]:
    """Write the SOL 004 package; returns flavour -> flavour file."""
    defs = folder / "Definitions"
    defs.mkdir(parents=True)
    (folder / "TOSCA-Metadata").mkdir()
    (folder / "TOSCA-Metadata" / "TOSCA.meta").write_text(
        "TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: bench\n"
        "Entry-Definitions: Definitions/vnfd_df_small.yaml\n"  # no top VNFD: the package reader is not timed
    )
    for type_file in TYPE_FILES.glob("etsi_nfv_sol001_*_types.yaml"):
        shutil.copy(type_file, defs)
    shutil.copy(SUBSET, defs)
    out = {}
    for name in ("small", "scaled", "containers"):
        out[name] = defs / f"vnfd_df_{name}.yaml"
        out[name].write_text(flavour(vdus, name))
    return out


def heat_translator_alone(path: Path) -> None:
    """tosca-parser + heat-translator's TOSCATranslator on ``path``, nothing else."""
    from toscaparser.tosca_template import ToscaTemplate
    from translator.hot.tosca_translator import TOSCATranslator

    tosca = ToscaTemplate(str(path), None, True)
    TOSCATranslator(tosca, _DeferredInputs()).translate_to_yaml_files_dict("stack.yaml")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--vdus", type=int, default=12)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    quiet_libraries()
    with tempfile.TemporaryDirectory(prefix="rdcl-bench-pkg-") as tmp:
        root = Path(tmp) / "pkg"
        files = package(root, args.vdus)
        ours = functools.partial(translate_file, sites=DEMO_SITES, root=root)
        print(f"{'flavour':>11} {'heat-translator s':>18} {'ours s':>8} {'ratio':>6}")
        for name in ("small", "scaled"):
            path = files[name]
            ours(path)  # warm-up: imports, caches
            heat_translator_alone(path)
            pairs = [
                (best(functools.partial(heat_translator_alone, path), 1), best(functools.partial(ours, path), 1))
                for _ in range(args.repeat)
            ]
            alone, mine = min(a for a, _ in pairs), min(o for _, o in pairs)
            ratio = statistics.median(o / a for a, o in pairs)
            print(f"{name:>11} {alone:>18.3f} {mine:>8.3f} {ratio:>6.2f}")
        path = files["containers"]
        ours(path)
        mine = best(functools.partial(ours, path), args.repeat)
        print(f"{'containers':>11} {'(cannot)':>18} {mine:>8.3f} {'-':>6}")
    print(
        f"{args.vdus} VDUs per flavour file; times: best of --repeat; ratio: median of --repeat interleaved "
        "pairs, ours / heat-translator alone on the same flavour file (target: at most 1.3). The package "
        "reader is not timed (see the module doc)."
    )


if __name__ == "__main__":
    main()
