"""Which names a dialog field (a TOSCA input, an extra var) may have.

Dialog values reach Ansible as extra variables, the highest precedence there is, so a field
named like a connection variable (``ansible_host``, ``ansible_ssh_common_args``...), a magic
variable (``hostvars``, ``inventory_hostname``...), a name Ansible's templating defines
(``lookup``, ``query``, ``omit``...) or one of the product's own variables (``rdcl_mode``,
``rdcl_root``...) would change how a job connects or what its playbooks mean. Such names are
refused, by rule:

* ``name.identifier``: not a Python identifier of ASCII letters, digits and ``_`` (Ansible's
  ``INVALID_VARIABLE_NAMES``; the translators also write the name inside ``{{ }}``);
* ``name.ansible-prefix``: starts with ``ansible_`` (every connection and magic variable that
  Ansible sets, ``ansible.constants.MAGIC_VARIABLE_MAPPING``, ``COMMON_CONNECTION_VARS``);
* ``name.rdcl-prefix``: starts with ``rdcl_`` (the orchestrator's own variables);
* ``name.magic``: one of Ansible's magic variables (``ansible.constants.INTERNAL_STATIC_VARS``)
  or ``environment``/``vars``;
* ``name.template-global``: a name Ansible's templating defines (the part of
  ``ansible.vars.reserved.get_reserved_names()`` that is not a playbook keyword).

Playbook keywords (``name``, ``port``, ``timeout``...) stay allowed: Ansible only warns about
them, and as variables they change nothing about the connection.
"""

from __future__ import annotations

import functools
import re

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
PREFIXES = {"ansible_": "name.ansible-prefix", "rdcl_": "name.rdcl-prefix"}


@functools.lru_cache(maxsize=1)
def _reserved() -> dict[str, str]:
    """``{name: rule}`` of the names refused outright (computed from Ansible once)."""
    import ansible.constants as C
    from ansible.playbook import Play
    from ansible.playbook.block import Block
    from ansible.playbook.role import Role
    from ansible.playbook.task import Task
    from ansible.vars.reserved import get_reserved_names

    keywords = {n for cls in (Play, Role, Block, Task) for n in cls.fattributes} | {"local_action", "with_"}
    out = {n: "name.template-global" for n in get_reserved_names() - keywords}
    magic = set(C.INTERNAL_STATIC_VARS) | set(C.COMMON_CONNECTION_VARS) | {"environment", "vars"}
    magic |= {n for names in C.MAGIC_VARIABLE_MAPPING.values() for n in names}
    out.update({n: "name.magic" for n in magic})
    return out


def refusal(name: object) -> tuple[str, str] | None:
    """``(rule, message)`` when ``name`` may not be a dialog field or extra var, else None.

    The message names the rule in words, e.g. ``("name.ansible-prefix", "names starting with
    'ansible_' are Ansible's connection and magic variables")``.
    """
    if not isinstance(name, str) or not IDENTIFIER.match(name):
        return "name.identifier", "a field name must be an identifier (ASCII letters, digits, '_'; no leading digit)"
    for prefix, rule in PREFIXES.items():
        if name.lower().startswith(prefix):
            owner = "Ansible's connection and magic variables" if prefix == "ansible_" else "rdcl-nfvo's own variables"
            return rule, f"names starting with {prefix!r} are reserved for {owner}"
    reserved = _reserved().get(name)
    if reserved == "name.magic":
        return reserved, f"{name!r} is an Ansible magic or connection variable"
    if reserved:
        return reserved, f"{name!r} is a name Ansible's templating defines (a Jinja global)"
    return None
