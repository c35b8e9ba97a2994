"""The "check site" action: reach a site with its connection and credentials, record it.

Runs ``playbooks/check_site.yml`` with ansible-runner on a one-site inventory, in the
environment a job gets (:class:`nfvo.runner_env.RunnerEnv`: boxed, a private data directory
of mode 0700 removed afterwards with the credentials injected into it, the SSH key in a
private ssh-agent), the credentials scrubbed from the message:
``ansible.builtin.ping`` for linux sites (SSH, key, Python), the endpoint checks of the
``heat_stack`` / ``k8s_apply`` roles for OpenStack and Kubernetes/OpenShift sites.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from django.utils import timezone

from . import sandbox, ssh_agent
from .models import Site
from .runner_env import RunnerEnv

PLAYBOOKS = Path(__file__).resolve().parent.parent / "playbooks"


def check(site: Site, timeout: int = 60) -> dict:
    """Check ``site`` now; returns and stores ``{status: ok|failed, message, checked}``.

    ``checked`` is an ISO 8601 UTC time; ``message`` names what failed (host, endpoint,
    error) and never holds a credential.
    """
    env = RunnerEnv(Path(tempfile.mkdtemp(prefix="rdcl-check-")))  # mode 0700; removed with the agent on close
    failures: list[str] = []

    def on_event(event: dict) -> bool:
        data = event.get("event_data") or {}
        res = data["res"] if isinstance(data.get("res"), dict) else {}
        if event.get("event") in ("runner_on_failed", "runner_on_unreachable") and not data.get("ignore_errors"):
            failures.append(str(res.get("msg", event.get("event"))).strip())
        return False

    try:
        with env:
            r = env.run(  # boxed like a job, with an environment built from nothing (nfvo.sandbox)
                project_dir=PLAYBOOKS,
                playbook="check_site.yml",
                inventory=env.inventory([site.name]),
                extravars={"rdcl_mode": "apply"},
                timeout=timeout,
                # a fresh SSH connection: an open ControlPersist master would skip authentication
                envvars={"ANSIBLE_SSH_ARGS": "-o ControlMaster=no -o ControlPath=none"},
                event_handler=on_event,
            )
        ok = r.status == "successful"
        message = "reachable" if ok else ("; ".join(failures) or f"ansible-runner {r.status} (rc {r.rc})")
    except (ssh_agent.AgentError, sandbox.SandboxError) as exc:
        ok, message = False, str(exc)
    result = {
        "status": "ok" if ok else "failed",
        "message": env.secrets.scrub(message)[:2000],
        "checked": timezone.now().isoformat(),
    }
    site.last_check = result
    site.save(update_fields=["last_check"])
    return result
