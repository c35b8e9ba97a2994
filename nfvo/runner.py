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
and scrubbed from every event, message and result stored; the private data directory
is deleted when the job ends (and by the reaper for a job whose worker died).
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

from . import credentials, dialog, extravars, inventory, kinds, metrics, orders, parts, remotes, sandbox, ssh_agent
from .event_batch import EventBatch
from .models import Job, JobEvent, ServiceInstance

log = logging.getLogger(__name__)
FAIL_EVENTS = {"runner_on_failed": "failed", "runner_on_unreachable": "unreachable"}
WAIT = "wait"
#: Ansible's message for a task whose loop had a failed item (the item's own reason is in ``results``).
LOOP_FAILED = "One or more items failed"
HEARTBEAT_EVERY = 1.0  # seconds between heartbeat/cancel checks


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
    data_dir = Path(settings.RDCL_JOBS_DIR) / str(job.pk)
    secrets = credentials.RunSecrets(data_dir / "credentials")
    try:
        with ssh_agent.Agent() as agent:  # site keys live here for the run, never on disk
            _run(job, data_dir, agent, secrets)
    except Exception as exc:  # any failure ends the job as error with the reason
        text = f"{type(exc).__name__}: {exc}"
        message = secrets.scrub(text)  # the traceback repeats the text: logged only when it holds no credential
        log.error("job %s failed to run: %s", job.pk, message, exc_info=message == text)
        _finish(job, Job.ERROR, message)
    finally:
        remove_data_dir(job.pk)
    job.refresh_from_db()
    return job


def remove_data_dir(job_id: int) -> None:
    """Delete a job's private data directory (checkout, inventory, env, artifacts, credentials)."""
    shutil.rmtree(Path(settings.RDCL_JOBS_DIR) / str(job_id), ignore_errors=True)


def _checkout(job: Job, data_dir: Path) -> Path:
    project = data_dir / "project"
    if project.exists():
        shutil.rmtree(project)
    repo = remotes.clone(job.repository, project, no_checkout=True)  # an allowed remote only (nfvo.remotes)
    repo.git.checkout(job.commit)
    folder = sandbox.inside(project, job.folder or ".", "the item's folder")  # no '..' or link out of it
    sandbox.inside(folder, job.playbook, "the playbook")
    return folder


def _run(job: Job, data_dir: Path, agent: ssh_agent.Agent, secrets: credentials.RunSecrets) -> None:
    service_dir = _checkout(job, data_dir)
    item = job.instance.item
    kind = kinds.get(item.kind)
    values = dialog.unseal(job.extra_vars)  # plain only here, for the run
    site_names = kind.sites(service_dir, item, values, job.instance.tenant_id)
    limited = [s for s in site_names if not job.limit or s in job.limit.split(",")]
    cut = parts.segments(limited, job.queue)
    if parts.needed(job, cut):  # sites on other queues: run in parts, each on its sites' queue
        parts.split(job, cut)
        return
    own = set(limited) if job.parent_id else None  # a part gets its own sites' credentials only
    inv = inventory.build(site_names, data_dir / "keys", agent, secrets, job.instance.tenant_id, credentials_for=own)
    job.inventory = inventory.public_view(inv, secrets)
    job.save(update_fields=["inventory"])
    own = {"rdcl_mode": job.mode, "rdcl_operation": job.operation, "rdcl_instance": job.instance_id}
    extra = {**values, **own}
    plan = {}
    if job.mode == "plan":
        plan, problems = kind.plan(service_dir, extra)
        if problems:
            _finish(job, Job.FAILED, "templates do not validate:\n" + "\n".join(problems), {"sites": plan})
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
        return beat["cancel"]

    def on_event(event: dict) -> bool:
        event = _store_event(job, event, failures, secrets, batch)
        if event.get("event") == "playbook_on_stats":
            stats.update(event.get("event_data") or {})
        return False  # stored in the database; ansible-runner need not keep a copy

    extravars.write(data_dir, values, own)  # env/extravars, 0600; user strings !unsafe, never on the command line
    try:
        r = sandbox.run(  # boxed, with an environment built from nothing (nfvo.sandbox)
            private_data_dir=data_dir,
            project_dir=service_dir,
            playbook=job.playbook,
            inventory=inv,
            limit=job.limit or None,
            cmdline="--check" if job.mode == "plan" else None,
            envvars={"ANSIBLE_ROLES_PATH": str(service_dir / "roles"), **agent.env, **secrets.env},
            paths=kind.sandbox_paths(values, create=job.mode != "plan"),
            create_site_roots=job.mode != "plan",
            event_handler=on_event,
            cancel_callback=on_tick,
            quiet=True,
            timeout=job.timeout or None,
            settings={"suppress_ansible_output": True, "pexpect_timeout": HEARTBEAT_EVERY},
        )
    finally:
        batch.flush()  # a finished job has all its events
    sites = _site_results(stats, limited, plan, failures)
    status = {"successful": Job.SUCCESSFUL, "canceled": Job.CANCELED}.get(r.status, Job.FAILED)
    failed = [f"{s}: {v['message']}" for s, v in sites.items() if v["status"] in ("failed", "unreachable")]
    message = "\n".join(failed) or f"ansible-runner {r.status} (rc {r.rc})"
    if r.status == "timeout":
        message = f"timed out after {job.timeout} s (the catalogue item's limit)"
    elif r.status == "canceled":
        message = "canceled on request"
    if status == Job.FAILED and not failed and r.status != "timeout":
        message += ": " + _tail(r.stdout.read() if r.stdout else "")
    _finish(job, status, secrets.scrub(message), secrets.scrub({"sites": sites, "rc": r.rc}))


def _store_event(job: Job, event: dict, failures: dict, secrets: credentials.RunSecrets, batch: EventBatch) -> dict:
    """One ansible-runner event as a row, into ``batch`` (written soon after), every
    credential of the run scrubbed from it (stdout, ``res``, names) first; a failure's
    message is kept per site (for a loop, the first failed item's). Returns the scrubbed event."""
    event = secrets.scrub(event)
    data = event.get("event_data") or {}
    res = data.get("res") if isinstance(data.get("res"), dict) else {}
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


def _finish(job: Job, status: str, message: str, result: dict | None = None) -> None:
    """Store a job's end, its instance's state and its order's last step in one transaction;
    its private data directory is deleted first (a job seen finished has none). The instance
    row is locked first, as :func:`claim` locks it (instance, then job): a claim of the same
    job sent twice (the reaper's resend) waits instead of deadlocking with this transaction."""
    remove_data_dir(job.pk)
    job.status = status
    job.message = message
    if result is not None:
        job.result = result
    job.finished = timezone.now()
    with transaction.atomic():
        list(ServiceInstance.objects.select_for_update().filter(pk=job.instance_id).values_list("pk", flat=True))
        job.save(update_fields=["status", "message", "result", "finished"])
        if job.parent_id:  # a part: its parent moves the instance and the order (nfvo.parts)
            metrics.job_finished(job)
            parts.advance(job.parent_id, _finish)
            return
        instance = job.instance
        if status == Job.SUCCESSFUL and job.mode == "apply":
            instance.state = "deleted" if job.operation == "delete" else "active"
        elif status in (Job.FAILED, Job.ERROR, Job.CANCELED) and job.mode == "apply":
            instance.state = "failed" if status == Job.FAILED else "needs_attention"
        instance.save(update_fields=["state"])
        orders.job_finished(job, actor=f"worker {worker_id()}")
    metrics.job_finished(job)
