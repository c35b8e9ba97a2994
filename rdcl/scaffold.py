"""Scaffold a project-type plugin folder (what ``manage.py rdcl_new_type`` writes).

The new type is a :class:`rdcl.types.generic.GraphDocumentType`: its descriptors are
graphs checked against its ``description.yaml``, so it validates and draws as soon as it
exists; replace ``parse``/``validate``/``build_graph`` to read a real descriptor format.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from string import Template

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

#: The description model and the example a new type starts from, with ``$name`` and
#: ``$label`` (a JSON string, which YAML reads) to fill (:class:`string.Template`): plain
#: files, so the frontend's unit tests read the same model (frontend/test-support/models.js).
TEMPLATES = Path(__file__).parent / "scaffold_template"


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
    for template, target in (("description.yaml", "description.yaml"), ("example.yaml", "examples/example.yaml")):
        text = Template((TEMPLATES / template).read_text()).substitute(values, label=json.dumps(label))
        (folder / target).write_text(text)
    clear_cache()
    return folder
