"""A job's extra vars as a file Ansible reads as data: ``env/extravars``, never the command line.

Dialog and operation values are what users typed. ansible-runner's ``extravars=`` argument
puts them on the ansible-playbook command line (``-e {...}``: visible in ``ps`` to every
local user, and templated by Ansible like any trusted string, so ``{{ lookup('pipe', ...) }}``
ran on the controller). Here they are written to the private data directory's
``env/extravars`` (mode 0600; ansible-runner passes it as ``-e @env/extravars``) as YAML in
which every user-supplied string, keys included and at any depth, carries Ansible's
``!unsafe`` tag (Ansible's "unsafe or raw strings": never templated; the way AWX's
``safe_dump`` writes a job's extra vars), the empty string excepted (nothing to template,
and ansible-core 2.19 would load ``!unsafe ''`` as None). Only the orchestrator's own variables
(:data:`OWN`: ``rdcl_mode``, ``rdcl_operation``, ``rdcl_instance``: the service instance's id,
which names its Heat stacks) are written plain.
"""

from __future__ import annotations

import os
from pathlib import Path

import yaml

from .dialog import name_errors

OWN = frozenset({"rdcl_mode", "rdcl_operation", "rdcl_instance"})
UNSAFE_TAG = "!unsafe"


class _Unsafe(str):
    """A string Ansible must never template (written with the ``!unsafe`` tag)."""


class _Dumper(yaml.SafeDumper):
    """SafeDumper that writes :class:`_Unsafe` strings as ``!unsafe`` scalars, no aliases."""

    def ignore_aliases(self, data):
        return True


_Dumper.add_representer(_Unsafe, lambda dumper, data: dumper.represent_scalar(UNSAFE_TAG, str(data)))


def _unsafe(value):
    """``value`` with every string in it (map keys too) marked :class:`_Unsafe`; the empty
    string stays plain (ansible-core 2.19 loads ``!unsafe ''`` as None, and '' templates to '')."""
    if isinstance(value, str):
        return _Unsafe(value) if value else value
    if isinstance(value, dict):
        return {_unsafe(k): _unsafe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_unsafe(v) for v in value]
    return value  # numbers, booleans, None: nothing to template


def dumps(values: dict, own: dict | None = None) -> str:
    """YAML text of ``values`` (user data: every string ``!unsafe``) and ``own`` (the
    orchestrator's variables, names in :data:`OWN`, written plain).

    A user value named like an Ansible variable (:func:`nfvo.dialog.name_errors`) is refused
    here too: unsafe text is still a value, and ``ansible_ssh_common_args`` would still be
    used by ssh. Orders and operations refuse such names; this catches values stored before
    they did (a retry of an old job).

    :raises ValueError: ``own`` names a variable that is not in :data:`OWN`, or a user value
        has a reserved name (the message names it and the rule).
    """
    own = own or {}
    stray = sorted(set(own) - OWN)
    if stray:
        raise ValueError(f"not the orchestrator's own variables: {', '.join(stray)}")
    refused = name_errors(k for k in values if k not in own)
    if refused:
        raise ValueError("extra vars refused: " + "; ".join(f"{k}: {v}" for k, v in refused.items()))
    data = {**_unsafe({k: v for k, v in values.items() if k not in own}), **own}
    return yaml.dump(data, Dumper=_Dumper, default_flow_style=False, allow_unicode=True, sort_keys=True)


def write(data_dir: str | Path, values: dict, own: dict | None = None) -> Path:
    """Write ``env/extravars`` under a job's private data directory (the folder 0700, the
    file 0600, created with that mode: never readable by others, even for a moment);
    returns its path. See :func:`dumps`."""
    env = Path(data_dir) / "env"
    env.mkdir(mode=0o700, parents=True, exist_ok=True)
    os.chmod(env, 0o700)
    path = env / "extravars"
    text = dumps(values, own)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as out:
        out.write(text)
    os.chmod(path, 0o600)
    return path
