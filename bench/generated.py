"""Pieces shared by the translation benchmarks: generated TOSCA services, timing, and
heat-translator alone on a file."""

from __future__ import annotations

import gc
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from translators.hot import _DeferredInputs  # noqa: E402
from translators.tosca_loader import PROFILE_FILE, PROFILE_URL  # noqa: E402


def header(vdus: int) -> list[str]:
    """First lines of a generated service: version, imports, and the one Network."""
    return [
        "tosca_definitions_version: tosca_simple_yaml_1_3",
        f"description: generated service, {vdus} VDUs",
        "imports:",
        f"  - {PROFILE_URL}",
        "topology_template:",
        "  node_templates:",
        "    net:",
        "      type: tosca.nodes.network.Network",
        "      properties: {network_name: net, cidr: 10.0.0.0/16, ip_version: 4}",
    ]


def vm_lines(i: int) -> list[str]:
    """VDU ``vdu<i>``: a Compute node with a Port on the Network."""
    return [
        f"    vdu{i}:",
        "      type: tosca.nodes.Compute",
        "      capabilities:",
        "        host: {properties: {num_cpus: 2, mem_size: 2 GB, disk_size: 10 GB}}",
        "        os: {properties: {type: linux, distribution: ubuntu, version: '22.04'}}",
        f"    port{i}:",
        "      type: tosca.nodes.network.Port",
        "      requirements:",
        f"        - binding: vdu{i}",
        "        - link: net",
    ]


def best(fn, repeat: int, clock=time.perf_counter) -> float:
    """Shortest of ``repeat`` timed calls of ``fn`` (seconds of ``clock``: wall time, or
    ``time.process_time`` for this process's CPU time, steadier on a shared machine),
    garbage collected before each."""
    times = []
    for _ in range(repeat):
        gc.collect()
        start = clock()
        fn()
        times.append(clock() - start)
    return min(times)


def heat_translator_alone(path: Path) -> None:
    """tosca-parser + heat-translator's TOSCATranslator on ``path``, nothing else."""
    from toscaparser.tosca_template import ToscaTemplate
    from translator.hot.tosca_translator import TOSCATranslator

    tosca = ToscaTemplate(str(path), None, True, local_defs={PROFILE_URL: str(PROFILE_FILE)})
    TOSCATranslator(tosca, _DeferredInputs()).translate_to_yaml_files_dict("stack.yaml")
