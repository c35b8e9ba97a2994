"""A worker's mirror of each git remote (nfvo.repo_cache), against a real bare remote."""

from __future__ import annotations

import fcntl
import threading
import time
from pathlib import Path

import git
import pytest

from nfvo import repo_cache
from nfvo.exceptions import RemoteRefused


class Remote:
    """A bare repository under ``tmp_path`` and a working clone that pushes commits to it."""

    def __init__(self, tmp_path: Path):
        self.url = str(tmp_path / "remote.git")
        git.Repo.init(self.url, bare=True, initial_branch="main")
        self.work = git.Repo.init(tmp_path / "work", initial_branch="main")
        with self.work.config_writer() as config:
            config.set_value("user", "name", "test").set_value("user", "email", "test@example.com")
        self.work.create_remote("origin", self.url)

    def push(self, text: str) -> str:
        """Commit ``play.yml`` holding ``text``, push ``main``; the commit id."""
        (Path(self.work.working_dir) / "play.yml").write_text(text)
        self.work.index.add(["play.yml"])
        commit = self.work.index.commit(text).hexsha
        self.work.git.push("origin", "main")
        return commit


@pytest.fixture
def remote(tmp_path, settings):
    settings.VAR_DIR = tmp_path / "var"  # this test's worker host
    return Remote(tmp_path)


def _fetches(monkeypatch) -> list[str]:
    """Record each fetch into a mirror (the real fetch still runs)."""
    seen: list[str] = []
    real = repo_cache._fetch

    def fetch(url, remote, mirror):
        seen.append(url)
        real(url, remote, mirror)

    monkeypatch.setattr(repo_cache, "_fetch", fetch)
    return seen


def test_a_commit_is_checked_out_from_the_mirror_and_fetched_only_when_new(remote, tmp_path, monkeypatch):
    first = remote.push("- first\n")
    fetches = _fetches(monkeypatch)
    out = repo_cache.checkout(remote.url, first, tmp_path / "job1")
    assert (out / "play.yml").read_text() == "- first\n"
    assert git.Repo(out).head.commit.hexsha == first
    mirror = repo_cache.mirror_path(remote.url)
    assert mirror.is_dir() and git.Repo(mirror).bare
    assert mirror.parent == tmp_path / "var" / "git" / "mirrors"
    assert fetches == []  # the mirror was created, not fetched into

    second = remote.push("- second\n")
    out = repo_cache.checkout(remote.url, second, tmp_path / "job2")
    assert (out / "play.yml").read_text() == "- second\n"
    assert fetches == [remote.url]

    # Both commits are in the mirror now: neither reaches the remote again, even when it is gone.
    Path(remote.url).rename(tmp_path / "moved.git")
    for n, (commit, text) in enumerate([(first, "- first\n"), (second, "- second\n")]):
        out = repo_cache.checkout(remote.url, commit, tmp_path / f"again{n}")
        assert (out / "play.yml").read_text() == text
    assert fetches == [remote.url]
    with pytest.raises(git.GitCommandError):  # a commit it does not have needs the remote
        repo_cache.checkout(remote.url, "1" * 40, tmp_path / "unknown")


def _files(folder: Path) -> dict[Path, bytes]:
    return {p.relative_to(folder): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def test_a_checkout_borrows_the_mirrors_objects_and_writing_it_leaves_the_mirror_intact(remote, tmp_path):
    commit = remote.push("- one\n")
    out = repo_cache.checkout(remote.url, commit, tmp_path / "job")
    mirror = repo_cache.mirror_path(remote.url)
    mirror_files = _files(mirror / "objects")
    objects = out / ".git" / "objects"
    ours = [p for p in objects.rglob("*") if p.is_file() and p.relative_to(objects).parts[0] != "info"]
    assert ours == []  # no object copied or hard-linked into the job's folder
    (out / "play.yml").write_text("- tampered\n")  # a playbook may write its own checkout
    again = repo_cache.checkout(remote.url, commit, tmp_path / "job2")
    assert (again / "play.yml").read_text() == "- one\n"
    assert _files(mirror / "objects") == mirror_files


def test_two_jobs_of_a_worker_fetch_one_at_a_time_and_the_second_not_at_all(remote, tmp_path, monkeypatch):
    repo_cache.checkout(remote.url, remote.push("- old\n"), tmp_path / "warm")  # the mirror exists
    new = remote.push("- new\n")
    fetches = _fetches(monkeypatch)
    results: dict[str, str] = {}

    def job(name: str):
        results[name] = (repo_cache.checkout(remote.url, new, tmp_path / name) / "play.yml").read_text()

    mirror = repo_cache.mirror_path(remote.url)
    with open(mirror.with_suffix(".lock"), "a") as lock:  # a fetch of the same worker is running
        fcntl.flock(lock, fcntl.LOCK_EX)
        threads = [threading.Thread(target=job, args=(name,)) for name in ("a", "b")]
        for t in threads:
            t.start()
        time.sleep(1)
        assert results == {} and fetches == []  # both wait for the lock
        fcntl.flock(lock, fcntl.LOCK_UN)
    for t in threads:
        t.join(60)
    assert results == {"a": "- new\n", "b": "- new\n"}
    assert fetches == [remote.url]  # the second found the commit the first fetched


def test_a_branch_name_is_fetched_every_time(remote, tmp_path, monkeypatch):
    remote.push("- one\n")
    fetches = _fetches(monkeypatch)
    assert (repo_cache.checkout(remote.url, "main", tmp_path / "a") / "play.yml").read_text() == "- one\n"
    remote.push("- two\n")
    assert (repo_cache.checkout(remote.url, "main", tmp_path / "b") / "play.yml").read_text() == "- two\n"
    assert fetches == [remote.url]  # created on the first, fetched on the second


def test_a_refused_remote_or_option_like_commit_runs_no_git(remote, tmp_path, settings):
    commit = remote.push("- one\n")
    settings.RDCL_GIT_ALLOWED_REMOTES = []
    with pytest.raises(RemoteRefused) as refused:
        repo_cache.checkout(remote.url, commit, tmp_path / "job")
    assert refused.value.rule == "git.remote.local"
    assert not repo_cache.mirrors_dir().exists()
    settings.RDCL_GIT_ALLOWED_REMOTES = [str(tmp_path)]
    repo_cache.checkout(remote.url, commit, tmp_path / "job")  # cached now
    settings.RDCL_GIT_ALLOWED_REMOTES = []
    with pytest.raises(RemoteRefused):  # the cache does not outlive the operator's list
        repo_cache.checkout(remote.url, commit, tmp_path / "job2")
    settings.RDCL_GIT_ALLOWED_REMOTES = [str(tmp_path)]
    with pytest.raises(RemoteRefused) as refused:
        repo_cache.checkout(remote.url, "--upload-pack=touch /tmp/x", tmp_path / "job3")
    assert refused.value.rule == "git.remote.syntax"
    assert not (tmp_path / "job2").exists() and not (tmp_path / "job3").exists()
