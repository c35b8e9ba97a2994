"""Benchmark: validate a generated 100-VDU descriptor with each project type, against a
baseline measured in the same process. Prints milliseconds and the ratio; asserts nothing.

    .venv/bin/python bench/validation.py [--vdus 100] [--runs 7]

Per type, the descriptor is validated as the designer's save gate does (``validate`` on the
file's text: parsing, schema, the type's rules, lines for every problem):

- ``etsi``: an IFA 011 VNFD (YAML) with N VDUs, each with two CPs on two internal VLs, a
  compute descriptor and a profile. Baseline: plain jsonschema (a Draft 2020-12 validator
  built for the call, as ``jsonschema.validate`` does) on the already-parsed document.
- ``nested-vdu``: the same shape, half VMs and half pods (``vduParent`` a VM,
  ``vduNestedDescType: kubernetes``, ``internalIfRef``). Same baseline, nested schema.
- ``tosca``: TOSCA 1.3 with N ``tosca.nodes.Compute`` VDUs, each with a Port bound to it
  and linked to one of two networks. Baseline: a plain tosca-parser ``ToscaTemplate`` of
  the same file (our part is what is added to it: looking for remote imports, reading
  errors' lines, building the model).

The first (cold) run is shown apart: it compiles validators and imports tosca-parser's
type definitions; the median of the warm runs is the figure.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))


def etsi_vnfd(count: int, nested: bool = False) -> dict:
    """A valid VNFD with ``count`` VDUs (nested: every second one a pod in the VM before it)."""
    vdus, profiles = [], []
    for i in range(count):
        pod = nested and i % 2 == 1
        vdu = {
            "vduId": f"vdu{i}",
            "name": f"VDU {i}",
            "description": "generated",
            "intCpd": [
                {"cpdId": f"vdu{i}_a", "layerProtocol": "Ethernet", "intVirtualLinkDesc": "vl_a"},
                {"cpdId": f"vdu{i}_b", "layerProtocol": "Ethernet", "intVirtualLinkDesc": "vl_b"},
            ],
        }
        if pod:
            vdu.update(
                vduParent=f"vdu{i - 1}",
                vduParentMandatory=True,
                vduNestedDesc=f"app{i}",
                vduNestedDescType="kubernetes",
            )
            vdu["intCpd"][0]["internalIfRef"] = "eth0"
        else:
            vdu["virtualComputeDesc"] = "compute"
        vdus.append(vdu)
        profiles.append({"vduId": f"vdu{i}", "minNumberOfInstances": 1, "maxNumberOfInstances": 2})
    return {
        "vnfdId": "generated",
        "vnfProvider": "bench",
        "vnfProductName": "Generated",
        "vnfSoftwareVersion": "1.0",
        "vnfdVersion": "1.0",
        "vnfmInfo": ["rdcl-nfvo"],
        "vdu": vdus,
        "virtualComputeDesc": [
            {
                "virtualComputeDescId": "compute",
                "virtualMemory": {"virtualMemSize": 4},
                "virtualCpu": {"numVirtualCpu": 2},
            }
        ],
        "intVirtualLinkDesc": [
            {"virtualLinkDescId": name, "connectivityType": {"layerProtocol": "Ethernet"}} for name in ("vl_a", "vl_b")
        ],
        "vnfExtCpd": [{"cpdId": "ext", "layerProtocol": "Ethernet", "intVirtualLinkDesc": "vl_a"}],
        "deploymentFlavour": [{"flavourId": "default", "vduProfile": profiles}],
    }


def tosca_service(count: int) -> str:
    """TOSCA 1.3 text with ``count`` Compute nodes, a Port each, and two networks."""
    lines = ["tosca_definitions_version: tosca_simple_yaml_1_3", "topology_template:", "  node_templates:"]
    for net in ("net_a", "net_b"):
        lines += [
            f"    {net}:",
            "      type: tosca.nodes.network.Network",
            "      properties: {network_name: " + net + "}",
        ]
    for i in range(count):
        lines += [
            f"    vdu{i}:",
            "      type: tosca.nodes.Compute",
            "      capabilities:",
            "        host:",
            "          properties: {num_cpus: 2, mem_size: 2 GB, disk_size: 10 GB}",
            f"    port{i}:",
            "      type: tosca.nodes.network.Port",
            "      requirements:",
            f"        - binding: vdu{i}",
            f"        - link: net_{'ab'[i % 2]}",
        ]
    return "\n".join(lines) + "\n"


def timed(fn, runs: int) -> tuple[float, float]:
    """``(cold ms, median warm ms)`` of ``fn()`` over ``runs`` calls."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return times[0], statistics.median(times[1:]) if len(times) > 1 else times[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--vdus", type=int, default=100)
    parser.add_argument("--runs", type=int, default=7)
    args = parser.parse_args()

    from jsonschema import Draft202012Validator

    from rdcl.types.registry import get_type
    from translators.tosca_loader import quiet_libraries

    quiet_libraries()
    rows = []
    for name, nested in (("etsi", False), ("nested-vdu", True)):
        plugin = get_type(name)
        data = etsi_vnfd(args.vdus, nested)
        text = yaml.safe_dump(data, sort_keys=False)
        assert plugin.validate({"vnfd.yaml": text}) == [], plugin.validate({"vnfd.yaml": text})[:3]
        schema_id = plugin.schema_ids["vnfd"]
        schemas = plugin.schemas

        def baseline(data=data, schema_id=schema_id, schemas=schemas):
            errors = list(Draft202012Validator(schemas.schemas[schema_id], registry=schemas.registry).iter_errors(data))
            assert not errors

        ours = timed(lambda plugin=plugin, text=text: plugin.validate({"vnfd.yaml": text}), args.runs)
        base = timed(baseline, args.runs)
        rows.append((name, ours, base, "plain jsonschema on the parsed dict"))

    plugin = get_type("tosca")
    from toscaparser.tosca_template import ToscaTemplate

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp, "service.yaml")
        path.write_text(tosca_service(args.vdus))
        assert plugin.validate(path) == [], plugin.validate(path)[:3]
        ours = timed(lambda: plugin.validate(path), args.runs)
        base = timed(lambda: ToscaTemplate(str(path), None, True), args.runs)
        rows.append(("tosca", ours, base, "plain tosca-parser ToscaTemplate"))

    print(f"validating a {args.vdus}-VDU descriptor (median of {args.runs - 1} warm runs; cold run apart)")
    print(f"{'type':<11} {'ours ms':>8} {'baseline ms':>12} {'ratio':>6} {'cold ours/base ms':>18}  baseline")
    for name, (cold, warm), (bcold, bwarm), what in rows:
        print(f"{name:<11} {warm:8.1f} {bwarm:12.1f} {warm / bwarm:6.2f} {cold:9.0f}/{bcold:<8.0f}  {what}")
    print(
        json.dumps(
            {
                name: {"ms": round(warm, 1), "baseline_ms": round(bwarm, 1), "ratio": round(warm / bwarm, 2)}
                for name, (_, warm), (_, bwarm), _ in rows
            }
        )
    )


if __name__ == "__main__":
    main()
