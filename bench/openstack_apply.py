"""Applying on a real OpenStack control plane (tests.fixtures.openstack.ControlPlane), in one run:

* **one order**: the demo's core site ordered (catalogue item -> order -> Celery worker -> git
  checkout -> ansible-runner -> role heat_stack -> openstack.cloud.stack) until its job ends with
  the stack CREATE_COMPLETE, against ``openstack stack create --wait`` of the same template with
  the same parameter (the site's network) on the same control plane; runs interleaved, medians,
  the ratio printed (aim: at most 1.3);
* **10 concurrent orders** of the same item (10 service instances, so 10 stacks) with 2 workers:
  all complete, none lost (10 stacks CREATE_COMPLETE, 4 servers each), total time against 10
  ``openstack stack create --wait`` run one after the other.

Every stack is deleted between runs (not timed). Starts its own control plane (minutes), Redis
when ``REDIS_URL`` is unset, and its workers; ``RDCL_OPENSTACK_ATTACH=FOLDER`` uses a control
plane started by hand (``python -m tests.fixtures.openstack FOLDER``). The member's compute
quotas are lifted (admin) so that 10 stacks of 4 servers fit. Figures go to
``bench/results/openstack-apply.json``. Prints figures; asserts nothing.

    .venv/bin/python -m bench.openstack_apply [--runs 3] [--orders 10]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from tests.fixtures import redis_server  # noqa: E402

if not os.environ.get("REDIS_URL"):
    os.environ["REDIS_URL"] = redis_server.ensure(None)

from bench.common import django_setup  # noqa: E402

#: Debian's OpenStack client (python3-openstackclient, python3-heatclient: .ci/openstack-packages).
OPENSTACK = "/usr/bin/openstack"
RESULTS = ROOT / "bench" / "results" / "openstack-apply.json"


def control_plane(stack: ExitStack):
    """The control plane to measure on: attached (``RDCL_OPENSTACK_ATTACH``) or started here,
    stopped when ``stack`` closes."""
    from tests.fixtures.openstack import ControlPlane

    if os.environ.get("RDCL_OPENSTACK_ATTACH"):
        return ControlPlane.attach(Path(os.environ["RDCL_OPENSTACK_ATTACH"]))
    plane = ControlPlane(Path(tempfile.mkdtemp(prefix="rdcl-bench-openstack-")))
    stack.callback(plane.stop)
    plane.start()
    return plane


class Cli:
    """``openstack stack create --wait`` / ``stack delete --wait`` as the member user, on a
    template file and the site's network."""

    def __init__(self, plane, folder: Path, template_text: str):
        from tests.fixtures.openstack import NETWORK

        self.folder = folder
        (folder / "clouds.yaml").write_text(json.dumps({"clouds": {"bench": plane.cloud()}}))
        (folder / "stack.yaml").write_text(template_text)
        self.env = {
            "PATH": "/usr/bin:/bin",
            "HOME": str(folder),
            "OS_CLIENT_CONFIG_FILE": str(folder / "clouds.yaml"),
            "OS_CLOUD": "bench",
        }
        self.network = NETWORK

    def run(self, *args: str) -> None:
        subprocess.run(
            [OPENSTACK, *args], env=self.env, cwd=self.folder, check=True, stdout=subprocess.DEVNULL, timeout=1800
        )

    def create(self, name: str) -> float:
        start = time.perf_counter()
        self.run("stack", "create", "--wait", "-t", "stack.yaml", "--parameter", f"rdcl_network={self.network}", name)
        return time.perf_counter() - start

    def delete(self, name: str) -> None:
        self.run("stack", "delete", "--yes", "--wait", name)


def save(figures: dict) -> None:
    """Write ``figures`` to :data:`RESULTS` (after each part: a long run keeps what it measured)."""
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(figures, indent=1) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--orders", type=int, default=10)
    args = parser.parse_args()
    var = django_setup()

    from nfvo import pipeline, services
    from nfvo.models import Job
    from nfvo.worker import celery_worker, wait_for_job
    from tests.conftest import EXAMPLE
    from tests.test_openstack import _demo_cloud_site

    env: dict[str, str] = {}  # the workers inherit the state folder and database (RDCL_VAR)
    with ExitStack() as stack:
        plane = control_plane(stack)
        _demo_cloud_site(plane, var)
        admin, conn = plane.connect("admin"), plane.connect()
        admin.set_compute_quotas(conn.current_project_id, instances=-1, cores=-1, ram=-1)
        translation, _, item = pipeline.publish_descriptor(EXAMPLE)
        cli = Cli(
            plane, Path(tempfile.mkdtemp(prefix="rdcl-bench-cli-")), translation.files["templates/core/stack.yaml"]
        )

        def delete(jobs: list, proc) -> None:
            ids = [services.operate(j.instance, "delete", limit="core").pk for j in jobs]
            for pk in ids:
                assert wait_for_job(pk, 1800, proc).status == Job.SUCCESSFUL

        def stacks_complete(jobs: list) -> list[str]:
            names = {f"epc-cran-mec-core-{j.instance_id}" for j in jobs}
            return [s.name for s in conn.orchestration.stacks() if s.name in names and s.status == "CREATE_COMPLETE"]

        # one order against one CLI create, interleaved
        with celery_worker(env=env, log_file=var / "w0.log", name="bench-os") as proc:

            def ordered() -> float:
                start = time.perf_counter()
                job = wait_for_job(services.order(item, {}, limit="core").pk, 1800, proc)
                elapsed = time.perf_counter() - start
                assert job.status == Job.SUCCESSFUL and len(stacks_complete([job])) == 1, job.message
                delete([job], proc)
                return elapsed

            def bare(i: int) -> float:
                elapsed = cli.create(f"bench-cli-{i}")
                cli.delete(f"bench-cli-{i}")
                return elapsed

            ordered(), bare(0)  # warm-up: worker, imports, Heat's and Nova's caches
            orders, bares = [], []
            for i in range(args.runs):
                orders.append(ordered())
                bares.append(bare(i + 1))
        order_s, bare_s = statistics.median(orders), statistics.median(bares)
        figures = {
            "runs": args.runs,
            "order_to_create_complete_s": round(order_s, 1),
            "cli_stack_create_wait_s": round(bare_s, 1),
            "ratio_order_vs_cli": round(order_s / bare_s, 2),
            "control_plane": plane.figures,
        }
        save(figures)
        print(f"demo core site, {args.runs} runs each, medians")
        print(f"openstack stack create --wait          {bare_s:7.1f} s")
        print(f"order -> job done (CREATE_COMPLETE)    {order_s:7.1f} s")
        print(f"ratio {order_s / bare_s:.2f} (aim: at most 1.3)", flush=True)

        # N concurrent orders with 2 workers against N sequential CLI creates
        with (
            celery_worker(env=env, log_file=var / "w1.log", name="bench-os1") as w1,
            celery_worker(env=env, log_file=var / "w2.log", name="bench-os2"),
        ):
            start = time.perf_counter()
            jobs = [services.order(item, {}, limit="core") for _ in range(args.orders)]
            jobs = [wait_for_job(j.pk, 3600, w1) for j in jobs]
            concurrent_s = time.perf_counter() - start
            statuses = {s: sum(j.status == s for j in jobs) for s in {j.status for j in jobs}}
            complete = stacks_complete(jobs)
            servers = sum(1 for s in conn.compute.servers() if any(s.name.startswith(f"{n}-") for n in complete))
            delete([j for j in jobs if j.status == Job.SUCCESSFUL], w1)
        start = time.perf_counter()
        for i in range(args.orders):
            cli.create(f"bench-seq-{i}")
        sequential_s = time.perf_counter() - start
        for i in range(args.orders):
            cli.delete(f"bench-seq-{i}")

    figures.update(
        {
            "orders": args.orders,
            "orders_statuses": statuses,
            "stacks_complete": len(complete),
            "servers": servers,
            "concurrent_orders_2_workers_s": round(concurrent_s, 1),
            "sequential_cli_creates_s": round(sequential_s, 1),
            "ratio_concurrent_vs_sequential": round(concurrent_s / sequential_s, 2),
        }
    )
    save(figures)
    lost = args.orders - sum(statuses.values())
    print(f"{args.orders} concurrent orders, 2 workers: {statuses} (lost: {lost}); ", end="")
    print(f"{len(complete)} stacks CREATE_COMPLETE, {servers} servers")
    print(f"concurrent orders {concurrent_s:7.1f} s; {args.orders} sequential CLI creates {sequential_s:7.1f} s")
    print(f"ratio (time) orders/CLI: {concurrent_s / sequential_s:.2f}")


if __name__ == "__main__":
    main()
