"""A job's run (nfvo.runner.JobRun): its cleanup list (nfvo.cleanup) is kept on disk and run
by whoever ends the job, the reaper included; item kinds come from settings.RDCL_ITEM_KINDS
and are told when a job of theirs ends, a reaped one too."""

from __future__ import annotations

import socket
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.test import override_settings

from nfvo import cleanup, kinds, reaper, runner
from nfvo.models import CatalogueItem, Job, ServiceInstance

finished_jobs: list[tuple[int, str, str]] = []


class RecordingKind(kinds.ItemKind):
    """A kind that remembers the jobs it was told had ended."""

    name = "recording"

    def finish(self, job) -> None:
        finished_jobs.append((job.pk, job.status, job.message))


def _sleeper() -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])


def test_a_cleanup_list_read_back_stops_its_process_and_deletes_its_folders(tmp_path):
    record = tmp_path / "1.cleanup.json"
    written = cleanup.Cleanup(record)
    (tmp_path / "data" / "project").mkdir(parents=True)
    written.folder(tmp_path / "data")
    ours, other = _sleeper(), _sleeper()
    try:
        written.process(ours.pid, list(ours.args))
        written.process(other.pid, ["ssh-agent", "-D", "-a", "/elsewhere.sock"])  # the pid is another command now
        assert oct(record.stat().st_mode & 0o777) == "0o600"
        again = cleanup.Cleanup(record)  # as another process (the reaper) reads it
        assert again.steps == written.steps
        again.run()
        assert ours.wait(timeout=10) is not None  # stopped
        assert other.poll() is None  # left alone: not the command recorded
        assert not (tmp_path / "data").exists() and not record.exists()
        again.run()  # safe twice
    finally:
        for proc in (ours, other):
            proc.kill()
            proc.wait()


def test_item_kinds_are_the_classes_settings_list():
    assert [type(k).__name__ for k in kinds.kinds().values()] == ["ItemKind", "ServiceKind", "OpenShiftKind"]
    with override_settings(RDCL_ITEM_KINDS=["nfvo.kinds.ItemKind", "tests.test_job_runs.RecordingKind"]):
        assert isinstance(kinds.get("recording"), RecordingKind)
        with pytest.raises(KeyError):
            kinds.get("openshift")  # imported already, but not listed: unknown
    for bad in (["nfvo.kinds.NoSuchKind"], ["nfvo.kinds.Prepared"], ["nfvo.kinds.ItemKind", "nfvo.kinds.ItemKind"]):
        with override_settings(RDCL_ITEM_KINDS=bad), pytest.raises(ImproperlyConfigured):
            kinds.kinds()


@pytest.mark.django_db(transaction=True)
@override_settings(RDCL_ITEM_KINDS=["nfvo.kinds.ItemKind", "tests.test_job_runs.RecordingKind"])
def test_a_reaped_job_runs_its_cleanup_list_and_its_kinds_finish_hook():
    gone = subprocess.Popen(["true"])
    gone.wait()  # a worker process that died
    item = CatalogueItem.objects.create(
        name="recorded", kind="recording", repository="/dev/null", playbooks={"create": "x.yml"}
    )
    instance = ServiceInstance.objects.create(item=item, name="recorded", state="active")
    job = Job.objects.create(
        instance=instance,
        playbook="x.yml",
        repository="/dev/null",
        commit="0" * 40,
        mode="apply",
        status=Job.RUNNING,
        worker=f"{socket.gethostname()}:{gone.pid}",
    )
    left = runner.cleanup_of(job.pk)  # what the dead worker's run had registered
    (runner.data_dir(job.pk) / "project").mkdir(parents=True)
    agent = _sleeper()
    try:
        left.process(agent.pid, list(agent.args))
        finished_jobs.clear()
        assert reaper.reap_dead_jobs() == [job.pk]
        assert agent.wait(timeout=10) is not None  # stopped by the reaper
    finally:
        agent.kill()
        agent.wait()
    job.refresh_from_db()
    assert job.status == Job.ERROR and "died mid-job" in job.message
    assert finished_jobs == [(job.pk, Job.ERROR, job.message)]
    assert not runner.data_dir(job.pk).exists()
    assert not (runner.data_dir(job.pk).parent / f"{job.pk}{runner.CLEANUP_SUFFIX}").exists()
    instance.refresh_from_db()
    assert instance.state == "needs_attention"
    assert reaper.reap_dead_jobs() == [] and len(finished_jobs) == 1  # ended once
