"""The project-type plugin interface.

A project type is a folder ``rdcl/types/<folder>/`` (or in an extra plugin path, see
:mod:`rdcl.types.registry`) holding an ``__init__.py`` that defines one
:class:`ProjectType` subclass, a ``description.yaml`` (:mod:`rdcl.types.description`) and
an ``examples/`` folder of descriptors a user can start from. Plugins are pure Python: no
Django.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

import yaml

from translators.errors import Problem, TranslationError

from .description import DescriptionModel, LinkCheck
from .problems import FileProblem
from .sources import Loaded, Source

if TYPE_CHECKING:
    from translators.sites import SiteMap
    from translators.translate import Translation

#: The rule of a project whose type has no translation.
NO_TRANSLATION = "translate.type"


class ProjectType:
    """Base class of project types. Subclasses set ``name`` and implement the hooks.

    Hooks: :meth:`claims` (detection), :meth:`parse`, :meth:`validate`,
    :meth:`build_graph`, and optionally :meth:`validate_and_parse` (one reading for the
    gate and the graph), :meth:`translate` (a type whose projects deploy) and :meth:`file_of`
    (which file a problem is in). The rest (description model, examples, views, link
    checks) comes from the plugin folder.
    """

    #: Type name used by ``--type`` and the registry (``tosca-nfv``).
    name: ClassVar[str] = ""
    #: Human name.
    label: ClassVar[str] = ""
    #: Names of the types this one refines (its validator accepts their files too);
    #: detection prefers the refinement when a folder holds files of both.
    extends: ClassVar[tuple[str, ...]] = ()
    #: ``find_type(name) -> ProjectType``: how a type whose ``description.yaml`` extends a
    #: type it does not derive from finds that type. :mod:`rdcl.types.registry` sets it to
    #: its ``get_type`` when it is imported (``rdcl.types`` imports it), so this module does
    #: not import the registry. ``None``: no registry loaded (the lookup raises LookupError).
    find_type: ClassVar[Callable[[str], ProjectType] | None] = None

    @classmethod
    def folder(cls) -> Path:
        """The plugin folder: where the class's module lives."""
        file = sys.modules[cls.__module__].__file__
        if file is None:  # a namespace package; a plugin folder has an __init__.py
            raise LookupError(f"{cls.__module__}: a project type's module has no file")
        return Path(file).resolve().parent

    # -- hooks ---------------------------------------------------------------------------

    def claims(self, source: Source, loaded: Loaded | None) -> int:
        """How surely ``source`` is of this type: 0 no, 1 yes, 2+ more specific.

        ``loaded`` is the parsed document for YAML/JSON sources (``None`` for archives).
        """
        return 0

    def parse(self, files: Any) -> Any:
        """Read ``files`` (any form :func:`rdcl.types.sources.as_sources` takes) into this
        type's data model.

        :raises translators.errors.DescriptorError: a file that cannot be read into the model.
        """
        raise NotImplementedError

    def validate(self, files: Any) -> list[FileProblem]:
        """Every problem in ``files`` (read as one project), each with file, path, rule
        and line where known; ``[]`` when all are valid.
        """
        raise NotImplementedError

    def validate_and_parse(self, files: Any) -> tuple[list[FileProblem], Any | None]:
        """:meth:`validate`'s problems and, when there are none, the model :meth:`parse`
        would return, read once: a save is validated and its graph built from one reading
        (:func:`rdcl.checks.validate_and_graph`).

        The model is ``None`` when there are problems, or when the type does not say: this
        default only validates (the graph is then read with :meth:`parse` when asked).
        Types whose validation reads the model override it.
        """
        return self.validate(files), None

    def build_graph(self, model: Any) -> dict:
        """The full graph of ``model``: ``{"nodes": [...], "links": [...]}``.

        Node: ``{"id", "type", "label", "parent", "info"}`` (``type`` a node type of the
        description model, ``parent`` the id of the node it is nested in or ``None``);
        link: ``{"source", "target", "type"}`` (a link type of the description model).
        """
        raise NotImplementedError

    def document_kind(self, data: Any) -> str | None:
        """The kind of descriptor a parsed document is (``vnfd``, ``nsd``, ``tosca``...):
        the value the description model's node types name as their ``document``, so the
        designer adds a node to a file of the right kind. None: not one this type edits.
        """
        return None

    def translate(self, model: Any, sites: SiteMap, main: str | None = None) -> Translation:
        """The deployable service of ``model`` (what :meth:`parse` returned) for ``sites``:
        HOT templates, manifests and playbooks (:class:`translators.translate.Translation`).

        ``main``: the project's main service template (:func:`rdcl.packaging.main_template`,
        None when it has none), for types that translate one document of several (TOSCA);
        others ignore it.

        :raises translators.errors.TranslationError: the model cannot be translated, each
            problem located; here (a type without a translation) one problem, rule
            ``translate.type``.
        """
        raise TranslationError("(project)", [Problem("", NO_TRANSLATION, f"{self.name} projects have no translation")])

    def file_of(self, model: Any, path: str) -> str | None:
        """The project file that holds document path ``path`` (a problem's) of ``model``,
        when the model knows better than the error (a project file holding several
        descriptors); None: the file the error names."""
        return None

    # -- from the plugin folder ----------------------------------------------------------

    @cached_property
    def _description(self) -> DescriptionModel:
        path = self.folder() / "description.yaml"
        extends = _extends_of(path)
        base = None
        if extends:
            parent = next((c for c in type(self).__mro__[1:] if issubclass(c, ProjectType) and c.name == extends), None)
            if parent is not None:
                base = parent().description_model()
            elif ProjectType.find_type is not None:  # a type this class does not derive from
                base = ProjectType.find_type(extends).description_model()
            else:
                raise LookupError(f"{path}: extends {extends!r}, and no type registry is loaded to find it")
        return DescriptionModel.from_file(path, base)

    def description_model(self) -> DescriptionModel:
        """The plugin folder's ``description.yaml``, checked (see :mod:`rdcl.types.description`).

        :raises rdcl.types.description.DescriptionError: an invalid description model.
        """
        return self._description

    def examples(self) -> list[Path]:
        """Example descriptor files in the plugin's ``examples/`` folder, sorted."""
        folder = self.folder() / "examples"
        return sorted(p for p in folder.rglob("*") if p.is_file()) if folder.is_dir() else []

    def starter(self) -> dict[str, str]:
        """``{path: text}`` a new empty project of this type starts with: the files of the
        plugin's ``starter/`` folder (paths relative to it), else its first example."""
        folder = self.folder() / "starter"
        if folder.is_dir():
            found = sorted(p for p in folder.rglob("*") if p.is_file())
            return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in found}
        first = self.examples()[:1]
        return {p.name: p.read_text(encoding="utf-8") for p in first}

    def graph(self, model: Any, view: str) -> dict:
        """The graph of ``model`` that ``view`` shows: ``{"view", "nodes", "links"}``.

        :raises KeyError: a view the description model does not define.
        """
        return self.description_model().view_graph(self.build_graph(model), view)

    def check_link(
        self, source_type: str, target_type: str, link_type: str | None = None, view: str | None = None
    ) -> LinkCheck:
        """May a link join these node types? See :meth:`DescriptionModel.check_link`."""
        return self.description_model().check_link(source_type, target_type, link_type, view)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name!r} at {self.folder()}>"


def _extends_of(path: Path) -> str | None:
    try:
        raw = yaml.safe_load(path.read_text()) or {}
    except (OSError, yaml.YAMLError):
        return None
    return raw.get("extends") if isinstance(raw, dict) else None
