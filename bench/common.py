"""Set-up shared by the job benchmarks: a private state folder, Django, a bare repository
holding a one-task playbook, local linux sites and a catalogue item for it."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLAYBOOK = """\
- name: One task
  hosts: "{{ target | default('all') }}"
  gather_facts: false
  tasks:
    - name: Say hello
      ansible.builtin.debug:
        msg: hello
"""


def django_setup() -> Path:
    """Point the settings at a fresh state folder, set Django up, migrate; returns the folder."""
    sys.path.insert(0, str(ROOT))
    os.environ["RDCL_VAR"] = tempfile.mkdtemp(prefix="rdcl-bench-")
    os.environ["RDCL_GIT_ALLOWED_REMOTES"] = os.environ["RDCL_VAR"]  # bench.git lives there
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    return settings.VAR_DIR


def one_task_item(var: Path, sites: list[str], queue: str = ""):
    """A catalogue item whose create playbook runs one debug task on ``sites``."""
    from nfvo import services
    from nfvo.models import Site
    from translators.git_push import AUTHOR, init_remote, working_clone

    remote = init_remote(var / "bench.git")
    work = working_clone(remote, var / "bench-work")
    (var / "bench-work" / "one_task").mkdir(exist_ok=True)
    (var / "bench-work" / "one_task" / "site.yml").write_text(PLAYBOOK)
    work.git.add("-A")
    work.index.commit("one task", author=AUTHOR, committer=AUTHOR)
    work.remote("origin").push("HEAD:refs/heads/main").raise_if_error()
    for name in sites:
        Site.objects.get_or_create(name=name, kind="linux", connection={"rdcl_root": str(var / name)})
    return services.publish_repository(
        "bench",
        remote,
        "main",
        "one_task",
        {"create": "site.yml"},
        sites,
        {"type": "object", "properties": {"target": {"type": "string"}}},
        queue=queue,
    )


def bare_command(var: Path, sites: list[str]) -> list[str]:
    """``ansible-playbook`` on the same playbook and an equivalent inventory."""
    from nfvo.inventory import build

    inventory = var / "inventory.json"
    inventory.write_text(json.dumps(build(sites, None)))
    return [
        str(Path(sys.executable).parent / "ansible-playbook"),
        "-i",
        str(inventory),
        str(var / "bench-work" / "one_task" / "site.yml"),
    ]


def bare_env() -> dict:
    """The environment for bare runs: this venv's tools first on PATH."""
    return {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}"}
