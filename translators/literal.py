"""Descriptor text as Jinja template text that renders to itself.

Everything the translators generate is a Jinja template at run time: group_vars are
templated by Ansible when a task uses them, manifests (``templates/<site>/<node>.yaml.j2``)
by ``kubernetes.core.k8s`` (its ``template`` option) and by the plan job's sandboxed
:func:`translators.kubernetes.render`. Only the Jinja the translators emit on purpose may
run there: ``{{ input }}`` for ``get_input``, ``{{ x | int }}`` markers, ``{{ rdcl_root }}``.
A property written in a descriptor is text, so :func:`template_text` escapes every Jinja
delimiter in it (``{{``, ``{%``, ``{#``; and a leading ``#jinja2:`` header, which Ansible
reads as template overrides) as :data:`OPEN`, a raw block that renders to ``{``.

A bare variable reference the descriptor writes itself, ``{{ name }}`` with ``name`` one
of ``keep`` (the service's inputs: the same as ``get_input``) or a site variable of the
product (``rdcl_bind_address``, ``rdcl_root``...: names starting ``rdcl_``), stays: it
calls nothing and filters nothing.
"""

from __future__ import annotations

import re
from collections.abc import Container
from typing import Any

#: A bare reference ``{{ name }}`` (group 1: the name), or a ``{`` that opens a Jinja delimiter.
_TOKEN = re.compile(r"\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}|\{(?=[{%#])")
#: Jinja that renders ``{``: a raw block, with no quote or backslash in it, so it survives
#: being written inside a quoted YAML or JSON string (a manifest is YAML text that Jinja
#: renders before YAML parses it).
OPEN = "{% raw %}{{% endraw %}"
HASH = "{% raw %}#{% endraw %}"
HEADER = "#jinja2:"


def template_text(text: str, keep: Container[str] = (), site_vars: bool = True) -> str:
    """``text`` as a Jinja template that renders to ``text``, except for bare references
    ``{{ name }}`` to a name in ``keep`` or, when ``site_vars``, starting with ``rdcl_``
    (kept as they are). ``site_vars=False`` for text that is not a TOSCA descriptor's (a
    Kubernetes manifest, a script's input): every reference in it is text.

    Text without ``{{``, ``{%``, ``{#`` and without a leading ``#jinja2:`` comes back unchanged.
    """
    if "{" not in text and not text.startswith(HEADER):
        return text

    def one(match: re.Match[str]) -> str:
        name, whole = match.group(1), match.group(0)
        if name is not None and (name in keep or (site_vars and name.startswith("rdcl_"))):
            return whole
        if name is not None:  # a reference to anything else: its own '{{' is text
            return OPEN + whole[1:]
        return OPEN

    out = _TOKEN.sub(one, text)
    return HASH + out[1:] if out.startswith(HEADER) else out


def template_data(value: Any) -> Any:
    """``value`` (a string, list, map or scalar from a descriptor: an input's default) with
    every string in it, keys left alone, passed through :func:`template_text`."""
    if isinstance(value, str):
        return template_text(value)
    if isinstance(value, dict):
        return {k: template_data(v) for k, v in value.items()}
    if isinstance(value, list):
        return [template_data(v) for v in value]
    return value


def plain_text(template: str) -> str:
    """The text :func:`template_text` escaped, back (for places nothing templates, such as
    the keys of a map Ansible reads: it renders values, never keys)."""
    text = template.replace(OPEN, "{")
    return "#" + text[len(HASH) :] if text.startswith(HASH + HEADER[1:]) else text
