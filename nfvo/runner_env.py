"""What one run of ansible-runner is given, built in one place for jobs and site checks.

A :class:`RunnerEnv` owns a run's private data directory, the credentials it injects
(:class:`nfvo.credentials.RunSecrets`: host variables, 0600 files in ``<dir>/credentials``
and their environment, e.g. ``OS_CLIENT_CONFIG_FILE``), its ssh-agent
(:class:`nfvo.ssh_agent.Agent`: ``SSH_AUTH_SOCK``), its inventory (:func:`nfvo.inventory.build`:
``ansible_python_interpreter``, connection and SSH options per site) and its environment
variables (``ANSIBLE_ROLES_PATH`` of the project, then the agent's and the credentials'),
and runs the playbook boxed (:func:`nfvo.sandbox.run`, quiet, Ansible's output suppressed:
events are what is kept). What it creates goes on the run's cleanup list
(:mod:`nfvo.cleanup`): the data directory, the agent's folder and process. Leaving it (as a
context manager) runs that list.
"""

from __future__ import annotations

from pathlib import Path

from . import credentials, inventory, sandbox, ssh_agent
from .cleanup import Cleanup


class RunnerEnv:
    """The environment of one run in ``data_dir``; ``cleanup`` receives what it creates
    (default: a list kept in memory)."""

    def __init__(self, data_dir: Path, cleanup: Cleanup | None = None):
        self.data_dir = Path(data_dir)
        self.cleanup = cleanup if cleanup is not None else Cleanup()
        self.cleanup.folder(self.data_dir)
        self.secrets = credentials.RunSecrets(self.data_dir / "credentials")
        self.agent = ssh_agent.Agent(started=self.cleanup.process)  # site keys live here for the run, never on disk
        self.cleanup.folder(self.agent.folder)

    def inventory(
        self, site_names: list[str], tenant_id: int | None = None, credentials_for: set[str] | None = None
    ) -> dict:
        """The run's inventory of ``site_names`` with their credentials injected (SSH keys to
        the agent); see :func:`nfvo.inventory.build` for ``tenant_id``, ``credentials_for``.

        :raises LookupError: a site is not registered, or is another tenant's.
        :raises nfvo.ssh_agent.AgentError: a site's key is refused.
        """
        return inventory.build(
            site_names, self.data_dir / "keys", self.agent, self.secrets, tenant_id, credentials_for=credentials_for
        )

    def envvars(self, project_dir: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
        """The variables a run adds to the sandbox's environment (:func:`nfvo.sandbox.environment`):
        ``ANSIBLE_ROLES_PATH`` (``<project_dir>/roles``), ``extra``, the agent's ``SSH_AUTH_SOCK``
        (once a key was added) and the credentials' files (``OS_CLIENT_CONFIG_FILE``...)."""
        return {
            "ANSIBLE_ROLES_PATH": str(Path(project_dir) / "roles"),
            **(extra or {}),
            **self.agent.env,
            **self.secrets.env,
        }

    def run(
        self,
        *,
        project_dir: Path,
        envvars: dict[str, str] | None = None,
        settings: dict | None = None,
        **kwargs,
    ):
        """Run a playbook of ``project_dir`` boxed (:func:`nfvo.sandbox.run`; ``kwargs``: its
        ``playbook``, ``inventory``, ``extravars``, ``event_handler``, ``timeout``, ``paths``...),
        quiet, with :meth:`envvars` (``envvars``: the ``extra`` ones) and ansible-runner's
        ``settings`` (Ansible's output suppressed). Returns the finished runner.

        :raises nfvo.sandbox.SandboxError: the sandbox cannot be set up (nothing has run).
        """
        return sandbox.run(
            private_data_dir=self.data_dir,
            project_dir=project_dir,
            envvars=self.envvars(project_dir, envvars),
            quiet=True,
            settings={"suppress_ansible_output": True, **(settings or {})},
            **kwargs,
        )

    def close(self) -> None:
        """Stop the agent (waiting for it: no zombie left), then run the cleanup list: the
        data directory deleted, and whatever else was registered."""
        self.agent.close()
        self.cleanup.run()

    def __enter__(self) -> RunnerEnv:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
