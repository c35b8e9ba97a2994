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
import statistics
import subprocess
import time

from common import bare_command, bare_env, django_setup, one_task_item


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    var = django_setup()
    from django.conf import settings

    from nfvo import services
    from nfvo.worker import celery_worker, wait_for_job

    item = one_task_item(var, ["bench"])
    cmd, env = bare_command(var, ["bench"]), bare_env()

    def bare() -> float:
        start = time.perf_counter()
        subprocess.run(cmd, env=env, check=True, stdout=subprocess.DEVNULL)
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
