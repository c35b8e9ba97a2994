"""A worker's cache of the git remotes its jobs check out: one bare mirror per remote.

Without it every job clones its item's repository afresh from the remote, so the remote
serves one full clone per job and per worker. With it a worker host keeps one mirror per
remote URL in its own state folder (``RDCL_VAR/git/mirrors/<sha256 of the URL>.git``, made
with ``git clone --mirror``; the URL's hash names it, so no credential in a URL shows in a
path) and :func:`checkout` fetches into the mirror only when the job's commit is not in it
yet (a 40-hex commit is immutable; any other name is fetched every time), then checks the
commit out of the mirror into the job's folder.

The job's checkout is a ``git clone --shared`` of the mirror: its working tree is written
from the mirror's objects, which it borrows (``objects/info/alternates``) rather than
copies or hard-links, so a playbook, which may write its own checkout, can never reach a
mirror object (a hard-linked one would be the same file) and the mirror is hidden from it
with the rest of ``RDCL_VAR`` (:mod:`nfvo.sandbox`). The checkout's ``.git`` is not for use
once the working tree is written (a later fetch may prune what it borrows).

The remote is checked against the allowed remotes (:func:`nfvo.remotes.check`) on every
checkout, cached or not, and reached only as :mod:`nfvo.remotes` reaches remotes. One lock
file per mirror (``<mirror>.lock``, ``flock``) orders the jobs of one worker host, whatever
their process: creating or fetching a mirror holds it exclusively, so two jobs never fetch
at once (the second finds the commit the first fetched and does not fetch again); a
checkout from the mirror holds it shared, so no fetch (and no ``git gc`` a fetch may start)
runs under it. A mirror is built in a temporary folder and renamed into place, so a worker
killed while cloning leaves no half mirror behind.
"""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import os
import re
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import git
from django.conf import settings

from . import remotes
from .exceptions import RemoteRefused

#: A full commit id: what an order pins (``Job.commit``); never changes once fetched.
PINNED = re.compile(r"[0-9a-f]{40}")
#: Seconds a fetch from the remote may take.
TIMEOUT = 600


def mirrors_dir() -> Path:
    """``RDCL_VAR/git/mirrors``: this worker host's mirrors."""
    return Path(settings.VAR_DIR) / "git" / "mirrors"


def mirror_path(remote_url: str) -> Path:
    """The mirror of ``remote_url`` (which need not exist yet)."""
    return mirrors_dir() / f"{hashlib.sha256(remote_url.encode()).hexdigest()[:32]}.git"


def checkout(remote_url: str, commit: str, dest: str | os.PathLike) -> Path:
    """Check ``commit`` of ``remote_url`` out into ``dest`` (made; must not exist or be
    empty) from this worker's mirror of the remote, fetching into the mirror first when the
    commit is not in it; ``dest`` as a :class:`~pathlib.Path`.

    :raises RemoteRefused: the remote is not allowed, or the commit looks like an option
        (git did not run).
    :raises git.GitCommandError: the remote is unreachable or not a repository, or has no
        such commit.
    """
    remote = remotes.check(remote_url)
    if commit.startswith("-"):
        raise RemoteRefused("git.remote.syntax", "a commit must not start with '-'")
    mirror = mirror_path(remote_url)
    dest = Path(dest)
    if PINNED.fullmatch(commit):
        with _locked(mirror, fcntl.LOCK_SH):
            if _has(mirror, commit):
                return _clone(mirror, commit, dest)
    with _locked(mirror, fcntl.LOCK_EX):
        if not mirror.exists():
            _create(remote_url, mirror)
        elif not (PINNED.fullmatch(commit) and _has(mirror, commit)):  # fetched meanwhile by another job?
            _fetch(remote_url, remote, mirror)
        return _clone(mirror, commit, dest)


@contextlib.contextmanager
def _locked(mirror: Path, how: int) -> Iterator[None]:
    """Hold ``<mirror>.lock`` (``fcntl.LOCK_SH`` or ``LOCK_EX``) for the block."""
    mirror.parent.mkdir(parents=True, exist_ok=True)
    with open(mirror.with_suffix(".lock"), "a") as lock:
        fcntl.flock(lock, how)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


def _has(mirror: Path, commit: str) -> bool:
    """True when the mirror exists and holds ``commit`` (a commit object)."""
    if not mirror.exists():
        return False
    try:
        git.Repo(mirror).git.cat_file("-e", f"{commit}^{{commit}}")
    except git.GitCommandError:
        return False
    return True


def _create(remote_url: str, mirror: Path) -> None:
    """``git clone --mirror`` of the remote (:func:`nfvo.remotes.clone`) into a temporary
    folder, renamed to ``mirror``."""
    building = Path(tempfile.mkdtemp(prefix=f"{mirror.name}.", dir=mirror.parent))
    try:
        remotes.clone(remote_url, building, mirror=True)
        building.rename(mirror)
    finally:
        shutil.rmtree(building, ignore_errors=True)


def _fetch(remote_url: str, remote: remotes.Remote, mirror: Path) -> None:
    """Every ref of the remote into the mirror (``--prune``: refs gone there go here)."""
    git.Repo(mirror).git.fetch(
        "--prune", "--", remote_url, "+refs/*:refs/*", env=remotes.environment(remote), kill_after_timeout=TIMEOUT
    )


def _clone(mirror: Path, commit: str, dest: Path) -> Path:
    """``git clone --shared --no-checkout`` of the mirror into ``dest``, then ``commit`` checked out."""
    local = {"GIT_ALLOW_PROTOCOL": "file", "GIT_TERMINAL_PROMPT": "0"}
    repo = git.Repo.clone_from(str(mirror), dest, shared=True, no_checkout=True, env=local)
    repo.git.checkout(commit)
    return dest
