"""Commit a translated service to a working clone and push it (GitPython).

One folder per service at the top of the repository. The commit message names the
source descriptor and its digest. A push that fails leaves the local commit in place
and raises :class:`PushError` saying so; pushing again pushes it. (Publishing, in this project,
is making a catalogue item: :mod:`nfvo.services`.)
"""

from __future__ import annotations

import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

import git
from filelock import FileLock

from .outputs import write
from .translate import Translation

BRANCH = "main"
AUTHOR = git.Actor("rdcl-nfvo", "rdcl-nfvo@localhost")


class PushError(Exception):
    """The push failed. ``commit`` is the local commit that is waiting to be pushed."""

    def __init__(self, message: str, commit: str):
        super().__init__(message)
        self.commit = commit


@dataclass(frozen=True)
class Pushed:
    """Where a service landed: ``commit`` (40 hex), ``folder`` in the repo, ``changed``."""

    remote: str
    branch: str
    commit: str
    folder: str
    changed: bool


def init_remote(path: str | Path) -> str:
    """Create a bare repository at ``path`` if there is none; return its URL (the path)."""
    path = Path(path)
    if not (path / "HEAD").exists():
        path.mkdir(parents=True, exist_ok=True)
        git.Repo.init(path, bare=True, initial_branch=BRANCH)
    return str(path)


def working_clone(remote: str, workdir: str | Path) -> git.Repo:
    """The working clone of ``remote`` at ``workdir``, cloned on first use."""
    workdir = Path(workdir)
    if (workdir / ".git").exists():
        return git.Repo(workdir)
    workdir.parent.mkdir(parents=True, exist_ok=True)
    repo = git.Repo.clone_from(remote, workdir)
    if not repo.head.is_valid():
        repo.git.checkout("-B", BRANCH)
    return repo


def push(translation: Translation, remote: str, workdir: str | Path) -> Pushed:
    """Replace ``<service>/`` in the working clone with ``translation``, commit, push.

    :raises PushError: the push failed; the commit stays local (``.commit``).
    """
    model = translation.model
    message = (
        f"{translation.name}: translate {Path(model.source).name} ({model.digest})\n\n"
        f"Source descriptor: {model.source}\nDigest: {model.digest}\n"
    )
    return push_files({**translation.files, **translation.blobs}, translation.name, message, remote, workdir)


def push_files(
    files: Mapping[str, str | bytes], folder: str, message: str, remote: str, workdir: str | Path, branch: str = BRANCH
) -> Pushed:
    """Replace ``folder/`` in the working clone of ``remote`` with ``files`` (path inside
    the folder -> text, or bytes written as they are), commit with ``message`` when anything
    changed, push ``branch``.

    Serialised by a file lock beside the clone, so two publishers never interleave.

    :raises PushError: the push failed; the commit stays local (``.commit``).
    """
    workdir = Path(workdir)
    workdir.parent.mkdir(parents=True, exist_ok=True)
    with FileLock(str(workdir) + ".lock"):
        repo = working_clone(remote, workdir)
        _catch_up(repo, branch)
        target = workdir / folder
        if target.exists():
            shutil.rmtree(target)
        write(workdir, folder, files)
        repo.git.add("-A", "--", folder)
        changed = repo.is_dirty(index=True, working_tree=False, untracked_files=False) or not repo.head.is_valid()
        if changed:
            repo.index.commit(message, author=AUTHOR, committer=AUTHOR)
        commit = repo.head.commit.hexsha
        try:
            repo.remote("origin").push(f"HEAD:refs/heads/{branch}").raise_if_error()
        except git.GitCommandError as exc:
            raise PushError(
                f"committed locally as {commit[:12]} in {workdir}, push to {remote} "
                f"failed: {exc.stderr.strip() or exc}",
                commit,
            ) from None
        return Pushed(remote, branch, commit, folder, changed)


def _catch_up(repo: git.Repo, branch: str) -> None:
    """Rebase the clone on the remote's ``branch`` when others pushed past it (several
    clones publish to one remote: the demo's, each catalogue item's orders); a commit
    whose push failed stays on top. An unreachable remote is left to the push to report."""
    try:
        repo.remote("origin").fetch()
    except git.GitCommandError:
        return
    if f"origin/{branch}" in {ref.name for ref in repo.remote("origin").refs}:
        with repo.git.custom_environment(GIT_COMMITTER_NAME=AUTHOR.name, GIT_COMMITTER_EMAIL=AUTHOR.email):
            repo.git.rebase(f"origin/{branch}")
