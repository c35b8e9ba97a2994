"""A private ``ssh-agent`` per run: site keys reach SSH without ever being written to disk.

The agent listens on a socket in a folder only this user can read; each site's private key
is given to ``ssh-add -`` on its standard input, and only the matching *public* key is
written beside the socket. A site's SSH options then name that public key as its
``IdentityFile`` with ``IdentitiesOnly=yes`` (OpenSSH ssh_config(5): a public key file
selects which agent identity is offered), so each site gets its own key and no other. The
run reaches the agent through ``SSH_AUTH_SOCK``, passed in ansible-runner's ``envvars``
input. Closing the agent forgets every key. A run that must outlive its worker's death
passes ``started``: it learns the agent's process as soon as it exists, to stop it later
(:mod:`nfvo.cleanup`).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path


class AgentError(RuntimeError):
    """ssh-agent could not start, or refused a key (the message never holds the key)."""


class Agent:
    """An ``ssh-agent -D`` on a private socket, started by the first :meth:`add` (a run
    whose sites have no key starts no process); use as a context manager.

    ``started(pid, argv)``, if given, is called as soon as the process exists (its pid and
    command line)."""

    def __init__(self, started: Callable[[int, list[str]], None] | None = None):
        self.folder = Path(tempfile.mkdtemp(prefix="rdcl-agent-"))  # mode 0700
        self.socket = self.folder / "agent.sock"
        self._proc: subprocess.Popen | None = None
        self._started = started

    def _start(self) -> None:
        """:raises AgentError: ``ssh-agent`` is missing or did not open its socket within 5 s."""
        argv = ["ssh-agent", "-D", "-a", str(self.socket)]
        try:
            self._proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        except FileNotFoundError:  # the folder goes with close()
            raise AgentError("ssh-agent is not installed (Debian: openssh-client)") from None
        if self._started is not None:
            self._started(self._proc.pid, argv)
        deadline = time.monotonic() + 5
        while not self.socket.exists():
            if time.monotonic() > deadline or self._proc.poll() is not None:
                self.close()
                raise AgentError("ssh-agent did not start")
            time.sleep(0.01)

    @property
    def env(self) -> dict[str, str]:
        """The environment a run needs to use the agent: ``{"SSH_AUTH_SOCK": path}``, or
        ``{}`` when no key was added."""
        return {"SSH_AUTH_SOCK": str(self.socket)} if self._proc is not None else {}

    def add(self, name: str, private_key: str) -> Path:
        """Give the agent ``private_key`` (OpenSSH/PEM text) and write its public key to
        ``<folder>/<name>.pub`` (mode 0600); returns that path, for ``IdentityFile``.

        :raises AgentError: the key is not an unencrypted private key (the message never
            holds the key).
        """
        if self._proc is None:
            self._start()
        key = private_key if private_key.endswith("\n") else private_key + "\n"
        public = subprocess.run(
            ["ssh-keygen", "-y", "-f", "/dev/stdin"], input=key, text=True, capture_output=True, timeout=30
        )
        added = subprocess.run(
            ["ssh-add", "-q", "-"],
            input=key,
            text=True,
            capture_output=True,
            env={**os.environ, **self.env},
            timeout=30,
        )
        if public.returncode != 0 or added.returncode != 0:
            raise AgentError(f"the SSH key of {name} is not an unencrypted private key ssh-add can read")
        path = self.folder / f"{name}.pub"
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as out:
            out.write(public.stdout.strip() + "\n")
        return path

    def close(self) -> None:
        """Stop the agent (its keys are gone with it) and remove its folder."""
        if self._proc is not None and self._proc.poll() is None:
            self._proc.terminate()
            try:
                self._proc.wait(timeout=5)
            except subprocess.TimeoutExpired:
                self._proc.kill()
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> Agent:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
