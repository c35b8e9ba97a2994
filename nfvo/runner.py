"""Run a job: check out its commit, build the inventory, run the playbook with ansible-runner.

ansible-runner's model (``Runner``/``RunnerConfig``): one private data directory per job
(``RDCL_JOBS_DIR/<id>``) with the project checked out at the job's commit; events are
stored as :class:`~nfvo.models.JobEvent` rows as they arrive, a batch at most about a second
late (:mod:`nfvo.event_batch`), so pages can stream them.
Plan jobs first render and validate every template (HOT structure, Kubernetes OpenAPI)
and then run Ansible in check mode with ``rdcl_mode=plan``: no cloud is contacted.

A job is claimed once (pending/waiting -> running in one transaction, so a redelivered
task never runs it twice); apply jobs of one service instance run one at a time (the
others wait and are re-queued). While it runs, the job's ``heartbeat`` is refreshed and
``cancel_requested`` is polled through ansible-runner's cancel callback.

Site credentials are injected for the run only (:class:`nfvo.credentials.RunSecrets`)
and scrubbed from every event, message and result stored. A run's environment (data
directory, credentials, ssh-agent, inventory, environment variables) is built by
:class:`nfvo.runner_env.RunnerEnv`, as a site check's is. What the run creates on the
worker is on its cleanup list (:mod:`nfvo.cleanup`), taken away when the job ends, and by
the reaper for a job whose worker died (:meth:`JobRun.reaped`). The job's item kind is told
when the job ends (:meth:`nfvo.kinds.ItemKind.finish`).
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import time
from pathlib import Path

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from . import credentials, dialog, extravars, inventory, kinds, metrics, orders, parts, repo_cache, sandbox
from .cleanup import Cleanup
from .event_batch import EventBatch
from .models import Job, JobEvent, ServiceInstance
from .runner_env import RunnerEnv

log = logging.getLogger(__name__)
FAIL_EVENTS = {"runner_on_failed": "failed", "runner_on_unreachable": "unreachable"}
WAIT = "wait"
#: Ansible's message for a task whose loop had a failed item (the item's own reason is in ``results``).
LOOP_FAILED = "One or more items failed"
HEARTBEAT_EVERY = 1.0  # seconds between heartbeat/cancel checks
CLEANUP_SUFFIX = ".cleanup.json"  # a job's cleanup record: RDCL_JOBS_DIR/<id>.cleanup.json


def worker_id() -> str:
    """``host:pid`` of this process, stored on the jobs it runs."""
    return f"{socket.gethostname()}:{os.getpid()}"


def claim(job_id: int):
    """Take a job for this worker.

    Returns the job (now running), :data:`WAIT` when another apply job of the same
    service instance is running (the job is marked waiting), or None when the job is
    not pending/waiting any more (a redelivery, or canceled).
    """
    # Only the columns the claim reads (the JSON columns of a job are not decoded here): the
    # claim is most of a job's pickup latency.
    with transaction.atomic():
        instance_id = Job.objects.filter(pk=job_id).values_list("instance_id", flat=True).first()
        if instance_id is None:  # deleted since it was queued
            return None
        locked = ServiceInstance.objects.select_for_update().filter(pk=instance_id).values_list("pk", flat=True)
        list(locked)  # one claim per instance at a time
        job = Job.objects.select_for_update().only("status", "mode", "instance_id", "parent_id").get(pk=job_id)
        if job.status not in (Job.PENDING, Job.WAITING):
            return None
        busy = (
            job.mutating
            and Job.objects.filter(instance_id=job.instance_id, status=Job.RUNNING, mode="apply")
            .exclude(pk=job.pk)
            .exclude(pk=job.parent_id or 0)  # a part runs while its parent is "running"
            .exists()
        )
        if busy:
            Job.objects.filter(pk=job.pk).update(status=Job.WAITING)
            return WAIT
        now = timezone.now()
        Job.objects.filter(pk=job.pk).update(status=Job.RUNNING, started=now, heartbeat=now, worker=worker_id())
    job = Job.objects.get(pk=job_id)
    metrics.job_claimed(job)
    return job


def run(job_id: int):
    """Run a job to its end and return it; :data:`WAIT` if it has to wait its turn."""
    job = claim(job_id)
    if job is None or job == WAIT:
        return job
    return JobRun(job).execute()


def data_dir(job_id: int) -> Path:
    """A job's private data directory on this worker: ``RDCL_JOBS_DIR/<id>``."""
    return Path(settings.RDCL_JOBS_DIR) / str(job_id)


def cleanup_of(job_id: int) -> Cleanup:
    """Job ``job_id``'s cleanup list on this worker (``RDCL_JOBS_DIR/<id>.cleanup.json``): what
    its run registered (:mod:`nfvo.cleanup`), its private data directory always in it."""
    found = Cleanup(Path(settings.RDCL_JOBS_DIR) / f"{job_id}{CLEANUP_SUFFIX}")
    found.folder(data_dir(job_id))
    return found


def finish(job: Job, status: str, message: str, result: dict | None = None) -> None:
    """End ``job`` with ``status`` (see :meth:`JobRun.finish`); what :func:`nfvo.parts.advance`
    calls to end a parent job."""
    JobRun(job).finish(status, message, result)


class JobRun:
    """One run of a job, in the shape of AWX's ``BaseTask``: :meth:`prepare` (check out, find
    the sites, split in parts), :meth:`inventory`, :meth:`run` (the playbook), :meth:`finish`
    (the job's end: its cleanup list, the row, its item kind's :meth:`~nfvo.kinds.ItemKind.finish`,
    the instance and the order); :meth:`execute` runs them in order. What the run creates on
    the worker is on :attr:`cleanup` (:func:`cleanup_of`), which :meth:`finish` runs, and
    :meth:`reaped` too when the job's worker died."""

    def __init__(self, job: Job):
        self.job = job
        self.data_dir = data_dir(job.pk)
        self.cleanup = cleanup_of(job.pk)
        self.env: RunnerEnv | None = None
        self.kind: kinds.ItemKind = kinds.ItemKind()
        self.values: dict = {}
        self.project = self.data_dir / "project"
        self.site_names: list[str] = []
        self.limited: list[str] = []

    def execute(self) -> Job:
        """Prepare, build the inventory and run; any failure ends the job as error with the
        reason. Returns the job as stored."""
        job = self.job
        env = self.env = RunnerEnv(self.data_dir, self.cleanup)
        try:
            with env:
                if self.prepare():
                    self.run(self.inventory())
        except Exception as exc:  # any failure ends the job as error with the reason
            text = f"{type(exc).__name__}: {exc}"
            message = env.secrets.scrub(text)  # the traceback repeats the text: logged only when it holds no credential
            log.error("job %s failed to run: %s", job.pk, message, exc_info=message == text)
            self.finish(Job.ERROR, message)  # its cleanup list ran on leaving env, and runs first in finish
        job.refresh_from_db()
        return job

    def prepare(self) -> bool:
        """Check out the job's commit, find its kind, values and sites; False when the job
        was split in parts, each to run on its sites' queue (:mod:`nfvo.parts`), instead."""
        job = self.job
        self.project = _checkout(job, self.data_dir)
        item = job.instance.item
        self.kind = kinds.get(item.kind)
        self.values = dialog.unseal(job.extra_vars)  # plain only here, for the run
        self.site_names = self.kind.sites(self.project, item, self.values, job.instance.tenant_id)
        self.limited = [s for s in self.site_names if not job.limit or s in job.limit.split(",")]
        cut = parts.segments(self.limited, job.queue)
        if parts.needed(job, cut):  # sites on other queues: run in parts, each on its sites' queue
            parts.split(job, cut)
            return False
        return True

    def inventory(self) -> dict:
        """The job's inventory (credentials injected), stored masked on the job."""
        job, env = self.job, self._env()
        own = set(self.limited) if job.parent_id else None  # a part gets its own sites' credentials only
        inv = env.inventory(self.site_names, job.instance.tenant_id, credentials_for=own)
        job.inventory = inventory.public_view(inv, env.secrets)
        job.save(update_fields=["inventory"])
        return inv

    def run(self, inv: dict) -> None:
        """Validate a plan job's templates, run the playbook on ``inv``, and :meth:`finish`
        with the per-site results."""
        job, env, values = self.job, self._env(), self.values
        secrets = env.secrets
        own = {"rdcl_mode": job.mode, "rdcl_operation": job.operation, "rdcl_instance": job.instance_id}
        extra = {**values, **own}
        plan: dict = {}
        if job.mode == "plan":
            plan, problems = self.kind.plan(self.project, extra)
            if problems:
                self.finish(Job.FAILED, "templates do not validate:\n" + "\n".join(problems), {"sites": plan})
                return
        failures: dict[str, str] = {}
        stats: dict = {}
        beat = {"last": 0.0, "cancel": False}
        batch = EventBatch()

        def on_tick() -> bool:
            """ansible-runner's cancel callback (called in its loop, every pexpect timeout, set to
            :data:`HEARTBEAT_EVERY`): write the events waiting, refresh the heartbeat once a
            second; once a cancel is seen, keep saying so."""
            batch.flush()
            now = time.monotonic()
            if not beat["cancel"] and now - beat["last"] >= HEARTBEAT_EVERY:
                beat["last"] = now
                Job.objects.filter(pk=job.pk).update(heartbeat=timezone.now())
                beat["cancel"] = Job.objects.filter(pk__in=[job.pk, job.parent_id or 0], cancel_requested=True).exists()
            return bool(beat["cancel"])

        def on_event(event: dict) -> bool:
            event = _store_event(job, event, failures, secrets, batch)
            if event.get("event") == "playbook_on_stats":
                stats.update(event.get("event_data") or {})
            return False  # stored in the database; ansible-runner need not keep a copy

        # env/extravars, 0600; user strings !unsafe, never on the command line
        extravars.write(self.data_dir, values, own)
        try:
            r = env.run(  # boxed, with an environment built from nothing (nfvo.sandbox)
                project_dir=self.project,
                playbook=job.playbook,
                inventory=inv,
                limit=job.limit or None,
                cmdline="--check" if job.mode == "plan" else None,
                paths=self.kind.sandbox_paths(values, create=job.mode != "plan"),
                create_site_roots=job.mode != "plan",
                event_handler=on_event,
                cancel_callback=on_tick,
                timeout=job.timeout or None,
                settings={"pexpect_timeout": HEARTBEAT_EVERY},
            )
        finally:
            batch.flush()  # a finished job has all its events
        sites = _site_results(stats, self.limited, plan, failures)
        status = {"successful": Job.SUCCESSFUL, "canceled": Job.CANCELED}.get(r.status, Job.FAILED)
        failed = [f"{s}: {v['message']}" for s, v in sites.items() if v["status"] in ("failed", "unreachable")]
        message = "\n".join(failed) or f"ansible-runner {r.status} (rc {r.rc})"
        if r.status == "timeout":
            message = f"timed out after {job.timeout} s (the catalogue item's limit)"
        elif r.status == "canceled":
            message = "canceled on request"
        if status == Job.FAILED and not failed and r.status != "timeout":
            message += ": " + _tail(r.stdout.read() if r.stdout else "")
        self.finish(status, secrets.scrub(message), secrets.scrub({"sites": sites, "rc": r.rc}))

    def _env(self) -> RunnerEnv:
        if self.env is None:  # only execute() runs the run's steps
            raise RuntimeError(f"job {self.job.pk}: the run's environment is not set up")
        return self.env

    def finish(self, status: str, message: str, result: dict | None = None) -> None:
        """Store the job's end, its instance's state and its order's last step in one
        transaction; its cleanup list runs first (a job seen finished has no private data
        directory, no ssh-agent). The instance row is locked first, as :func:`claim` locks it
        (instance, then job): a claim of the same job sent twice (the reaper's resend) waits
        instead of deadlocking with this transaction. The item kind's finish hook runs once the
        row is saved, before the order moves (it may put a line first in the job's message)."""
        job = self.job
        self.cleanup.run()
        job.status = status
        job.message = message
        if result is not None:
            job.result = result
        job.finished = timezone.now()
        with transaction.atomic():
            list(ServiceInstance.objects.select_for_update().filter(pk=job.instance_id).values_list("pk", flat=True))
            job.save(update_fields=["status", "message", "result", "finished"])
            _kind_finished(job)
            if job.parent_id:  # a part: its parent moves the instance and the order (nfvo.parts)
                metrics.job_finished(job)
                parts.advance(job.parent_id, finish)
                return
            instance = job.instance
            if status == Job.SUCCESSFUL and job.mode == "apply":
                instance.state = "deleted" if job.operation == "delete" else "active"
            elif status in (Job.FAILED, Job.ERROR, Job.CANCELED) and job.mode == "apply":
                instance.state = "failed" if status == Job.FAILED else "needs_attention"
            instance.save(update_fields=["state"])
            orders.job_finished(job, actor=f"worker {worker_id()}")
        metrics.job_finished(job)

    def reaped(self, reason: str, actor: str) -> bool:
        """End the job as ``error`` with ``reason`` if it is still running (its worker died:
        :mod:`nfvo.reaper`, named by ``actor``): an apply job's instance needs attention, its
        order fails, a part ends its parent; the item kind's finish hook runs as for any end,
        then the job's cleanup list (on this worker: the folder, the ssh-agent a dead worker
        left behind). Returns False when the job was not running any more (nothing done)."""
        job = self.job
        message = f"{reason}; retry the operation"
        with transaction.atomic():
            if not Job.objects.filter(pk=job.pk, status=Job.RUNNING).update(
                status=Job.ERROR, message=message, finished=timezone.now()
            ):
                return False
            if job.mutating:
                job.instance.state = "needs_attention"
                job.instance.save(update_fields=["state"])
            job.status, job.message = Job.ERROR, message
            _kind_finished(job)
            orders.job_finished(job, actor=actor)
            if job.parent_id:  # the parent ends with its part
                parts.advance(job.parent_id, finish)
        self.cleanup.run()
        return True


def _kind_finished(job: Job) -> None:
    """The finish hook of ``job``'s item kind (:meth:`nfvo.kinds.ItemKind.finish`), in a
    savepoint: a hook that fails is logged and leaves the job's end as it is."""
    try:
        kind = kinds.get(job.instance.item.kind)
    except KeyError:  # a kind no longer configured (RDCL_ITEM_KINDS): nothing of its own to do
        return
    try:
        with transaction.atomic():
            kind.finish(job)
    except Exception:  # the job has ended; its kind's follow-up must not undo that
        log.exception("job %s: the finish hook of item kind %s failed", job.pk, kind.name)


def _checkout(job: Job, data_dir: Path) -> Path:
    project = data_dir / "project"
    if project.exists():
        shutil.rmtree(project)
    repo_cache.checkout(job.repository, job.commit, project)  # an allowed remote only, via this worker's mirror
    folder = sandbox.inside(project, job.folder or ".", "the item's folder")  # no '..' or link out of it
    sandbox.inside(folder, job.playbook, "the playbook")
    return folder


def _store_event(job: Job, event: dict, failures: dict, secrets: credentials.RunSecrets, batch: EventBatch) -> dict:
    """One ansible-runner event as a row, into ``batch`` (written soon after), every
    credential of the run scrubbed from it (stdout, ``res``, names) first; a failure's
    message is kept per site (for a loop, the first failed item's). Returns the scrubbed event."""
    event = secrets.scrub(event)
    data = event.get("event_data") or {}
    res = data["res"] if isinstance(data.get("res"), dict) else {}
    name = event.get("event", "")
    status = FAIL_EVENTS.get(name) or {"runner_on_ok": "ok", "runner_on_skipped": "skipped"}.get(name, "")
    site = inventory.site_of(str(data.get("host", "")))
    if status in ("failed", "unreachable") and not data.get("ignore_errors"):
        failures[site] = f"{data.get('task', '')}: {failure_reason(res, status)}"
    row = JobEvent(
        job=job,
        counter=event.get("counter", 0),
        event=name,
        play=str(data.get("play", ""))[:500],
        task=str(data.get("task", ""))[:500],
        host=site[:200],
        status=status,
        changed=bool(res.get("changed")),
        stdout=event.get("stdout", "") or "",
    )
    batch.add(row)
    return event


def failure_reason(res: dict, status: str) -> str:
    """What a failed task's result says (``res``: the event's ``res``): its ``msg``, or for a
    loop (``msg`` :data:`LOOP_FAILED`) the ``msg`` of its first failed item; ``status`` when
    it says nothing."""
    reason = res.get("msg") or status
    items = res.get("results") if reason == LOOP_FAILED else None
    if isinstance(items, list):
        reason = next((r["msg"] for r in items if isinstance(r, dict) and r.get("failed") and r.get("msg")), reason)
    return str(reason)


def _site_results(stats: dict, site_names: list[str], plan: dict, failures: dict) -> dict:
    """Per site: ansible-runner's counts, a status and the failure message if any."""
    out = {}
    for site in site_names:
        host = inventory.host_name(site)
        row = {k: int((stats.get(k) or {}).get(host, 0)) for k in ("ok", "changed", "failures", "dark", "skipped")}
        if row["dark"]:
            status = "unreachable"
        elif row["failures"]:
            status = "failed"
        elif row["ok"] or row["changed"]:
            status = "ok"
        else:
            status = "not run"
        message = failures.get(site, status) if status in ("failed", "unreachable") else ""
        out[site] = {**row, "status": status, "message": message, **plan.get(site, {})}
    return out


def _tail(text: str, lines: int = 15) -> str:
    return "\n".join(text.strip().splitlines()[-lines:])
