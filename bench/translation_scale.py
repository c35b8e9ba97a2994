"""Translation at scale: generated services of 10, 100 and 1,000 VDUs to every output.

Each service has N VDUs: half VMs (tosca.nodes.Compute with a Port on one Network),
half pods nested in them (rdcl.nodes.Container.Application on a Container.Runtime
hosted on the VM before it), with ports, files (ConfigMap), CPU and memory, an
autoscaler, a virtual link (NetworkPolicy) and a dependency on the previous pod.
Pods alternate between a kubernetes and an openshift site, so one translation writes
every output: HOT (heat-translator), Kubernetes and OpenShift manifests (each checked
against the Kubernetes schema), playbooks and group_vars.

Per size, in one process:

* ``parse``: tosca-parser (``load``), ``translate``: everything after it (placement,
  HOT through heat-translator, manifests, schema checks, playbooks), ``of which HOT``:
  the part of ``translate`` spent in :func:`translators.hot.translate_site` (mostly
  heat-translator), best of ``--repeat`` runs;
* ``peak MiB``: tracemalloc peak of one full run (separate from the timed runs);
* ``heat-translator``: ``ToscaTemplate`` + ``TOSCATranslator`` alone on the VM part of
  the same service (its VMs, Ports and Network; no containers), best of ``--repeat``;
* ``growth``: how much the total grew for 10 times the VDUs (1.0 per 10x would be
  constant time; 10.0 is linear).

Prints a table; asserts nothing. ``--profile N`` prints the top functions of one run
at N VDUs instead.

    .venv/bin/python bench/translation_scale.py [--sizes 10 100 1000] [--repeat 3]
"""

from __future__ import annotations

import argparse
import gc
import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from generated import best, header, heat_translator_alone, vm_lines  # noqa: E402

from translators.sites import SiteMap, SiteRef  # noqa: E402
from translators.tosca_loader import load, quiet_libraries  # noqa: E402
from translators.translate import translate_model  # noqa: E402

SITES = SiteMap([SiteRef("core", "openstack", True), SiteRef("edge", "kubernetes", True), SiteRef("apps", "openshift")])


def service(vdus: int, pods: bool = True) -> str:
    """TOSCA text of ``vdus`` VDUs; ``pods=False`` keeps only the VM part."""
    lines = header(vdus)
    edge, apps, previous = [], [], None
    for i in range(vdus):
        if i % 2 == 0:
            lines += vm_lines(i)
            continue
        if not pods:
            continue
        (edge if i % 4 == 1 else apps).append(f"vdu{i}")
        lines += [
            f"    rt{i}:",
            "      type: tosca.nodes.Container.Runtime",
            "      requirements:",
            f"        - host: vdu{i - 1}",
            f"    vdu{i}:",
            "      type: rdcl.nodes.Container.Application",
            "      properties:",
            f"        image: registry.local/app:{i}",
            f"        ports: [{8000 + i % 1000}]",
            "        replicas: 2",
            "        max_replicas: 4",
            "        milli_cpus: 500",
            "        mem_size: 256 MiB",
            f'        files: {{app.conf: "id={i}\\n"}}',
            "      requirements:",
            f"        - host: rt{i}",
            "        - virtual_link: net",
        ]
        if previous and (previous in edge) == (f"vdu{i}" in edge):
            lines.append(f"        - dependency: {previous}")
        previous = f"vdu{i}"
    if pods:
        vms = ["net"] + [f"vdu{i}" for i in range(0, vdus, 2)] + [f"port{i}" for i in range(0, vdus, 2)]
        lines += ["  policies:"]
        for site, targets in (("core", vms), ("edge", edge), ("apps", apps)):
            if targets:
                lines += [
                    f"    - {site}_placement:",
                    "        type: rdcl.policies.Placement",
                    f"        properties: {{site: {site}}}",
                    f"        targets: [{', '.join(targets)}]",
                ]
    return "\n".join(lines) + "\n"


def ours(path: Path) -> tuple[float, float, float]:
    """Seconds of parse, of translate and of the HOT within it, one run."""
    from translators import translate

    spent = []
    real = translate.hot.translate_site

    def timed(*args, **kwargs):
        start = time.perf_counter()
        try:
            return real(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - start)

    gc.collect()
    start = time.perf_counter()
    model = load(path)
    parsed = time.perf_counter()
    translate.hot.translate_site = timed
    try:
        translate_model(model, SITES)
    finally:
        translate.hot.translate_site = real
    return parsed - start, time.perf_counter() - parsed, sum(spent)


def peak_mib(path: Path) -> float:
    gc.collect()
    tracemalloc.start()
    translate_model(load(path), SITES)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak / 2**20


def profile(n: int, folder: Path) -> None:
    import cProfile
    import pstats

    path = folder / f"profile-{n}.yaml"
    path.write_text(service(n))
    cProfile.runctx("translate_model(load(path), SITES)", globals(), {"path": path}, str(folder / "prof"))
    pstats.Stats(str(folder / "prof")).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sizes", type=int, nargs="+", default=[10, 100, 1000])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", type=int, metavar="N")
    args = parser.parse_args()
    quiet_libraries()
    with tempfile.TemporaryDirectory(prefix="rdcl-bench-scale-") as tmp:
        if args.profile:
            profile(args.profile, Path(tmp))
        else:
            table(args.sizes, args.repeat, Path(tmp))


def table(sizes: list[int], repeat: int, folder: Path) -> None:
    """Print one row per size (see the module docstring)."""
    translate_model(load(_write(folder, "warm", service(4))), SITES)  # imports, schema caches
    print(
        f"{'VDUs':>5} {'parse s':>8} {'translate s':>12} {'of which HOT':>13} {'total s':>8} {'peak MiB':>9} "
        f"{'growth':>7} {'heat-translator s':>18} {'growth':>7} {'total/h-t':>10}"
    )
    prev = None
    for n in sizes:
        full = _write(folder, f"full-{n}", service(n))
        vms = _write(folder, f"vms-{n}", service(n, pods=False))
        runs = [ours(full) for _ in range(repeat)]
        parse, trans, in_hot = (min(r[i] for r in runs) for i in range(3))
        total = min(r[0] + r[1] for r in runs)
        alone = best(lambda path=vms: heat_translator_alone(path), repeat)
        peak = peak_mib(full)
        growth = f"x{total / prev[0]:.1f}" if prev else "-"
        growth_ht = f"x{alone / prev[1]:.1f}" if prev else "-"
        print(
            f"{n:>5} {parse:>8.3f} {trans:>12.3f} {in_hot:>13.3f} {total:>8.3f} {peak:>9.1f} {growth:>7} "
            f"{alone:>18.3f} {growth_ht:>7} {total / alone:>10.2f}",
            flush=True,
        )
        prev = (total, alone)
    print(
        "growth: total time for 10x the VDUs (x10 = linear); heat-translator: VM part only, "
        "parse + translate; total/h-t: all outputs of the whole service / HOT of its VM part"
    )


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(text)
    return path


if __name__ == "__main__":
    main()
