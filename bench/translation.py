"""Translation overhead: our full translation versus heat-translator alone, same TOSCA file.

For services of 1, 10 and 100 VDUs (VMs with a port each on one network; heat-translator
cannot read containers, so the comparison file has none), time in one process:

* heat-translator alone: ``ToscaTemplate`` + ``TOSCATranslator.translate()``;
* ours: parse, place, HOT, manifests, playbooks, group_vars, index, README, roles.

Each figure is the best of ``--repeat`` runs. A mixed service (half VMs, half pods nested in
them) is timed too, ours only, to show growth with containers. Prints ratios; asserts nothing.

    .venv/bin/python bench/translation.py [--sizes 1 10 100] [--repeat 3]
"""

from __future__ import annotations

import argparse
import functools
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generated import best, header, heat_translator_alone, vm_lines  # noqa: E402

from translators.sites import DEMO_SITES  # noqa: E402
from translators.tosca_loader import quiet_libraries  # noqa: E402
from translators.translate import translate_file  # noqa: E402


def service(vdus: int, pods: bool) -> str:
    """A TOSCA service of ``vdus`` VDUs (with ``pods``: every second one a pod in a VM)."""
    lines = header(vdus)
    for i in range(vdus):
        if pods and i % 2:
            lines += [
                f"    rt{i}:",
                "      type: tosca.nodes.Container.Runtime",
                "      requirements:",
                f"        - host: vdu{i - 1}",
                f"    vdu{i}:",
                "      type: rdcl.nodes.Container.Application",
                f"      properties: {{image: app:{i}, ports: [{8000 + i}], replicas: 2}}",
                "      requirements:",
                f"        - host: rt{i}",
            ]
            continue
        lines += vm_lines(i)
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[1, 10, 100])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    quiet_libraries()
    with tempfile.TemporaryDirectory(prefix="rdcl-bench-") as tmp:
        folder = Path(tmp)
        print(
            f"{'VDUs':>6} {'heat-translator s':>18} {'ours s':>8} {'ratio':>6} "
            f"{'mixed (ours) s':>15} {'ours/VDU ms':>12}"
        )
        previous, prev_n = None, 0
        for n in args.sizes:
            vm_only = folder / f"vms-{n}.yaml"
            vm_only.write_text(service(n, pods=False))
            mixed = folder / f"mixed-{n}.yaml"
            mixed.write_text(service(n, pods=True))
            translate_file(vm_only, DEMO_SITES)  # warm-up: imports, caches
            # interleaved pairs, so drift of a shared machine hits both sides alike
            pairs = [
                (
                    best(functools.partial(heat_translator_alone, vm_only), 1),
                    best(functools.partial(translate_file, vm_only, DEMO_SITES), 1),
                )
                for _ in range(args.repeat)
            ]
            alone, ours = min(a for a, _ in pairs), min(o for _, o in pairs)
            ratio = statistics.median(o / a for a, o in pairs)
            ours_mixed = best(functools.partial(translate_file, mixed, DEMO_SITES), args.repeat)
            growth = f"  (x{ours / previous:.1f} for x{n // prev_n})" if previous else ""
            print(
                f"{n:>6} {alone:>18.3f} {ours:>8.3f} {ratio:>6.2f} {ours_mixed:>15.3f} {1000 * ours / n:>12.2f}{growth}"
            )
            previous, prev_n = ours, n
    print(
        "times: best of --repeat; ratio: median of --repeat interleaved pairs, ours / heat-translator "
        "alone on the same file (target: at most 1.5)"
    )


if __name__ == "__main__":
    main()
