"""Discovery of project-type plugins: adding a type is adding a folder.

A plugin folder holds ``__init__.py`` (defining one :class:`~rdcl.types.base.ProjectType`
subclass with a ``name``) and ``description.yaml``. Folders are looked for in
``rdcl/types/`` and then in each extra path: the ``extra`` argument, then the
``RDCL_TYPES_PATH`` environment variable (folders separated by ``os.pathsep``). Each path
is a folder *of* plugin folders.
"""

from __future__ import annotations

import hashlib
import importlib
import importlib.util
import inspect
import os
import sys
from collections.abc import Iterable
from pathlib import Path

from ..exceptions import RegistryError
from .base import ProjectType

BUILTIN = Path(__file__).resolve().parent
ENV = "RDCL_TYPES_PATH"

_cache: dict[tuple[Path, ...], dict[str, ProjectType]] = {}


def plugin_paths(extra: Iterable[str | Path] = ()) -> list[Path]:
    """Folders searched for plugin folders: built-in, ``extra``, then ``RDCL_TYPES_PATH``."""
    env = [p for p in os.environ.get(ENV, "").split(os.pathsep) if p]
    return [BUILTIN, *(Path(p).resolve() for p in [*extra, *env])]


def is_plugin_folder(folder: Path) -> bool:
    """A folder with ``__init__.py`` and ``description.yaml``."""
    return (folder / "__init__.py").is_file() and (folder / "description.yaml").is_file()


def types(extra: Iterable[str | Path] = ()) -> dict[str, ProjectType]:
    """All project types by name, in discovery order (cached per set of paths).

    :raises RegistryError: two plugins with one name, or a plugin folder without a
        ``ProjectType`` subclass.
    """
    paths = tuple(plugin_paths(extra))
    if paths not in _cache:
        found: dict[str, ProjectType] = {}
        for path in paths:
            for folder in sorted(p for p in path.iterdir() if p.is_dir()) if path.is_dir() else []:
                if not is_plugin_folder(folder):
                    continue
                plugin = _load(folder, builtin=path == BUILTIN)
                if plugin.name in found:
                    raise RegistryError(
                        f"two project types named {plugin.name!r}: {found[plugin.name].folder()} and {folder}"
                    )
                found[plugin.name] = plugin
        _cache[paths] = found
    return dict(_cache[paths])


def get_type(name: str, extra: Iterable[str | Path] = ()) -> ProjectType:
    """The project type called ``name``.

    :raises RegistryError: no such type (the message lists the known ones).
    """
    found = types(extra)
    if name not in found:
        raise RegistryError(f"unknown project type {name!r}; known: {', '.join(found)}")
    return found[name]


def clear_cache() -> None:
    """Forget discovered plugins (after scaffolding one, or changing ``RDCL_TYPES_PATH``)."""
    _cache.clear()


def _load(folder: Path, builtin: bool) -> ProjectType:
    if builtin:
        module = importlib.import_module(f"{__package__}.{folder.name}")
    else:
        digest = hashlib.sha1(str(folder).encode()).hexdigest()[:8]
        module_name = f"rdcl_type_{folder.name}_{digest}"
        loaded = sys.modules.get(module_name)
        if loaded is None:
            spec = importlib.util.spec_from_file_location(
                module_name, folder / "__init__.py", submodule_search_locations=[str(folder)]
            )
            if spec is None or spec.loader is None:  # never for a .py file
                raise ImportError(f"cannot load {folder / '__init__.py'}")
            loaded = importlib.util.module_from_spec(spec)
            sys.modules[module_name] = loaded
            try:
                spec.loader.exec_module(loaded)
            except Exception:
                del sys.modules[module_name]
                raise
        module = loaded
    classes = [
        c
        for _, c in inspect.getmembers(module, inspect.isclass)
        if issubclass(c, ProjectType) and c.__module__ == module.__name__ and c.name
    ]
    if len(classes) != 1:
        raise RegistryError(
            f"{folder}/__init__.py must define exactly one ProjectType subclass with a name; found {len(classes)}"
        )
    return classes[0]()


# A description model may extend a type its class does not derive from (a plugin outside this
# package extending a built-in one): base finds it through this hook, not by importing us.
ProjectType.find_type = get_type
