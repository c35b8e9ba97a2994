"""Scaffold a project-type plugin folder (what ``manage.py rdcl_new_type`` writes).

The new type is a :class:`rdcl.types.generic.GraphDocumentType`: its descriptors are
graphs checked against its ``description.yaml``, so it validates and draws as soon as it
exists; replace ``parse``/``validate``/``build_graph`` to read a real descriptor format.
"""

from __future__ import annotations

import re
from pathlib import Path

from .exceptions import ScaffoldError
from .types.registry import BUILTIN, clear_cache, types

NAME = re.compile(r"^[a-z][a-z0-9]*(-[a-z0-9]+)*$")

INIT = '''"""Project type ``{name}``: {label}.

Scaffolded by ``manage.py rdcl_new_type``. Descriptors are graphs (``type: {name}``, ``nodes``,
``links``) checked against ``description.yaml``; override ``parse``, ``validate`` and
``build_graph`` to read another format (see ``rdcl/types/base.py``).
"""
from rdcl.types.generic import GraphDocumentType


class {cls}(GraphDocumentType):
    """{label}"""

    name = "{name}"
    label = "{label}"
'''

DESCRIPTION = """# Description model of the {name} project type (see rdcl/types/description.py).
name: {name}
label: {label}
version: 1

node_types:
  host:
    label: Host
  function:
    label: Function
  network:
    label: Network

link_types:
  attachment:
    label: attached to
    joins: [[host, network], [function, network]]

nesting:
  function: [host]

constraints:
  - id: one-network
    node: function
    link: attachment
    max: 1
    description: a function attaches to one network

views:
  main:
    label: Everything
    nodes: [host, function, network]
    links: [attachment]
"""

EXAMPLE = """# A {name} descriptor to start from.
type: {name}
name: example
nodes:
  - {{id: server, type: host, label: Server}}
  - {{id: app, type: function, label: App, parent: server}}
  - {{id: lan, type: network, label: LAN}}
links:
  - {{source: server, target: lan, type: attachment}}
  - {{source: app, target: lan, type: attachment}}
"""


def scaffold(name: str, dest: str | Path | None = None, label: str | None = None) -> Path:
    """Write ``<dest>/<name with - as _>/`` with ``__init__.py``, ``description.yaml`` and
    ``examples/example.yaml``; returns the folder. ``dest`` defaults to ``rdcl/types``.

    :raises ScaffoldError: ``name`` not lower-case words joined by ``-``, the folder
        exists, or a type of that name is already registered (built-in, ``dest`` or
        ``RDCL_TYPES_PATH``).
    """
    if not NAME.match(name):
        raise ScaffoldError(f"{name!r}: use lower-case letters, digits and '-' (like 'my-type')")
    dest = Path(dest) if dest else BUILTIN
    folder = dest / name.replace("-", "_")
    if folder.exists():
        raise ScaffoldError(f"{folder} already exists")
    extra = [] if dest.resolve() == BUILTIN else [dest]
    if dest.is_dir() and name in types(extra):
        raise ScaffoldError(f"a project type named {name!r} exists already")
    label = label or f"{name} descriptors"
    values = {
        "name": name,
        "label": label.replace('"', "'"),
        "cls": "".join(part.title() for part in re.split(r"[-_]", name)) + "Type",
    }
    (folder / "examples").mkdir(parents=True)
    (folder / "__init__.py").write_text(INIT.format(**values))
    (folder / "description.yaml").write_text(DESCRIPTION.format(**values))
    (folder / "examples" / "example.yaml").write_text(EXAMPLE.format(**values))
    clear_cache()
    return folder
