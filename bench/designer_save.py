"""Benchmark: what a designer save costs now that it also keeps the project's graph, against
the save as it was, measured in the same process. Prints milliseconds and ratios; asserts
nothing.

    .venv/bin/python bench/designer_save.py [--nodes 500] [--runs 15]

The project is the TOSCA template of ``bench/designer_graph.py`` (500 node templates, 1,000
``dependency`` requirements), in a throw-away SQLite database. Each round saves a changed
text twice through :func:`rdcl.services.save_file`, then asks for the ``topology`` graph
(:func:`rdcl.services.graph`, without HTTP):

- baseline: the gate only validates (:func:`rdcl.checks.validate`, as before), so the first
  graph after the save misses the cache and tosca-parser parses the template again;
- now: the gate validates and builds the graph from the same reading
  (:func:`rdcl.checks.validate_and_graph`) and caches it under the new revisions' digests,
  so the first graph after the save is a cache hit.

The two alternate, in turns of order (shared CPUs drift); the first round is a warm-up and
left out; the figures are medians of wall time and of this process's CPU time (the steadier
one when other work shares the CPUs).
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

from designer_graph import descriptor  # noqa: E402  (the same 500-node template)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    var = tempfile.mkdtemp(prefix="rdcl-bench-")
    os.environ.update(
        {"RDCL_VAR": var, "DATABASE_URL": f"sqlite:///{var}/bench.sqlite3", "DJANGO_SETTINGS_MODULE": "config.settings"}
    )
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command

    from rdcl import services

    call_command("migrate", verbosity=0)
    user = User.objects.create_user("bench")
    text = descriptor(args.nodes)
    project = services.create_project(user, "big", "tosca", {"big.yaml": text})
    gate = services._gate

    def validate_only(type_name, files):
        """The gate as it was: problems only, no graph kept."""
        return services._problems(type_name, files), None

    number = 1
    # mode -> "save"/"open" -> "wall"/"cpu" -> ms per round
    times = {mode: {what: {"wall": [], "cpu": []} for what in ("save", "open")} for mode in ("baseline", "now")}
    for run in range(args.runs + 1):
        for mode in ("baseline", "now") if run % 2 else ("now", "baseline"):
            services._gate = validate_only if mode == "baseline" else gate
            try:
                marks = [(time.perf_counter(), time.process_time())]
                services.save_file(project, "big.yaml", f"{text}# save {number}\n", number, user)
                marks.append((time.perf_counter(), time.process_time()))
                graph = services.graph(project, "topology")
                marks.append((time.perf_counter(), time.process_time()))
            finally:
                services._gate = gate
            number += 1
            assert len(graph["nodes"]) == args.nodes
            if run:  # the first round warms up (imports, tosca-parser's type definitions)
                for what, start, end in (("save", marks[0], marks[1]), ("open", marks[1], marks[2])):
                    times[mode][what]["wall"].append((end[0] - start[0]) * 1000)
                    times[mode][what]["cpu"].append((end[1] - start[1]) * 1000)
    med = {
        mode: {what: {clock: statistics.median(v) for clock, v in clocks.items()} for what, clocks in parts.items()}
        for mode, parts in times.items()
    }
    for mode in ("baseline", "now"):
        save, opened = med[mode]["save"], med[mode]["open"]
        print(
            f"{mode:8}: save {save['wall']:4.0f} ms wall / {save['cpu']:4.0f} ms CPU, first graph after it "
            f"{opened['wall']:4.0f} / {opened['cpu']:4.0f} ms, save + first graph "
            f"{save['wall'] + opened['wall']:4.0f} / {save['cpu'] + opened['cpu']:4.0f} ms",
            flush=True,
        )
    for clock in ("wall", "cpu"):
        now, base = med["now"], med["baseline"]
        print(
            f"ratio now/baseline ({clock}): save {now['save'][clock] / base['save'][clock]:.2f}, save + first graph "
            f"{(now['save'][clock] + now['open'][clock]) / (base['save'][clock] + base['open'][clock]):.2f}"
        )


if __name__ == "__main__":
    main()
