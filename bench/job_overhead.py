"""Job overhead: ordering a one-task playbook on one local site and waiting for the job,
versus running the same playbook with bare ``ansible-playbook``, in one process.

The job path is the product's: catalogue item -> order (dialog check, commit resolved with
``git ls-remote``) -> Celery (Redis when ``REDIS_URL`` is set, else the embedded broker)
-> worker -> git checkout of the commit -> inventory from the site -> ansible-runner ->
events stored. The worker is started and warmed up before timing. Prints medians and
the ratio; asserts nothing.

    .venv/bin/python bench/job_overhead.py [--runs 5]
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
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ["RDCL_VAR"] = tempfile.mkdtemp(prefix="rdcl-bench-job-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

PLAYBOOK = """\
- name: One task
  hosts: bench
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.debug:
        msg: hello
"""


def publish_playbook(var: Path) -> str:
    """A bare repository holding ``one_task/site.yml``; returns its path."""
    import git

    from translators.publish import AUTHOR, init_remote, working_clone

    remote = init_remote(var / "bench.git")
    work = working_clone(remote, var / "bench-work")
    (var / "bench-work" / "one_task").mkdir()
    (var / "bench-work" / "one_task" / "site.yml").write_text(PLAYBOOK)
    work.git.add("-A")
    work.index.commit("one task", author=AUTHOR, committer=AUTHOR)
    work.remote("origin").push("HEAD:refs/heads/main").raise_if_error()
    return remote if isinstance(remote, str) else str(remote)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from nfvo import services
    from nfvo.inventory import host_name, host_vars
    from nfvo.models import CatalogueItem, Site
    from nfvo.worker import celery_worker, wait_for_job

    call_command("migrate", verbosity=0)
    var = settings.VAR_DIR
    remote = publish_playbook(var)
    site = Site.objects.create(name="bench", kind="linux", connection={"rdcl_root": str(var / "bench")})
    item = CatalogueItem.objects.create(name="bench", repository=remote, ref="main", folder="one_task",
                                        playbooks={"create": "site.yml"}, dialog={"type": "object"},
                                        sites=["bench"])
    inventory = var / "inventory.json"
    inventory.write_text(json.dumps({"all": {"children": {"bench": {"hosts": {host_name("bench"): host_vars(site, None)}}}}}))
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
    bare_cmd = [str(Path(sys.executable).parent / "ansible-playbook"), "-i", str(inventory),
                str(var / "bench-work" / "one_task" / "site.yml")]

    def bare() -> float:
        start = time.perf_counter()
        subprocess.run(bare_cmd, env=env, check=True, stdout=subprocess.DEVNULL)
        return time.perf_counter() - start

    broker = "redis" if settings.REDIS_URL else "embedded (kombu filesystem)"
    with celery_worker(log_file=var / "worker.log", name="bench") as proc:

        def ordered() -> float:
            start = time.perf_counter()
            job = wait_for_job(services.order(item, {}).pk, 300, proc)
            elapsed = time.perf_counter() - start
            assert job.status == "successful", job.message
            return elapsed

        ordered(), bare()  # warm-up: worker start, first imports, disk caches
        jobs, bares = [], []
        for _ in range(args.runs):
            jobs.append(ordered())
            bares.append(bare())
    job_s, bare_s = statistics.median(jobs), statistics.median(bares)
    print(f"broker: {broker}; {args.runs} runs each, medians")
    print(f"bare ansible-playbook      {bare_s:7.3f} s")
    print(f"order -> job done (worker) {job_s:7.3f} s")
    print(f"ratio {job_s / bare_s:.2f} (target: at most 1.5)")


if __name__ == "__main__":
    main()
