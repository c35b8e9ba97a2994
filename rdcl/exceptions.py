"""The designer's errors: one root, :class:`RdclError`, and the kinds the API answers.

Each kind carries its HTTP status, the slug of its stable problem ``type``
(``tag:rdcl-nfvo,2026:problem/<slug>``) and its title; :mod:`config.problems` renders any of
them as RFC 9457 problem details, with the located ``problems`` (``{file, path, line, rule,
message}``) where the kind has them. Kinds that were built-in errors keep that base (a
``InvalidProject`` is still a ``ValueError``, a ``RegistryError`` a ``LookupError``).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, ClassVar

from config.problems import ApiError


class RdclError(ApiError):
    """The root of the designer's errors (400 unless a kind says otherwise)."""

    slug = "rdcl-error"
    title = "The designer refused the request"


class InvalidProject(RdclError, ValueError):
    """400: a change that would leave the project invalid; nothing stored. ``problems``: the
    API's problem dicts (``{file, path, line, rule, message}``)."""

    slug = "descriptor-refused"
    title = "Refused: the project would not be valid"

    def __init__(self, problems: list[dict], detail: str = "", *, status: int | None = None):
        self.problems = problems
        super().__init__(detail or f"refused, nothing stored: {len(problems)} problem(s)", status=status)

    def extra(self) -> dict[str, Any]:
        return {"problems": self.problems}


class Unreadable(RdclError):
    """409: stored files the project type cannot read (only a changed plugin gets here);
    ``problems`` as :class:`InvalidProject`'s."""

    status = 409
    slug = "files-unreadable"
    title = "The project's files cannot be read"

    def __init__(self, detail: str, problems: list[dict]):
        self.problems = problems
        super().__init__(detail)

    def extra(self) -> dict[str, Any]:
        return {"problems": self.problems}


class Conflict(RdclError):
    """409: a save from a revision that is no longer the current one. ``current``: the
    current revision (a ``Revision``), or None when the file does not exist any more; the
    answer carries it as ``current`` (``{number, text, ...}``) to merge with."""

    status = 409
    slug = "stale-revision"
    title = "Not saved from the current revision"

    #: ``render(revision) -> dict``, set by :mod:`rdcl.serializers` (its RevisionTextSerializer),
    #: which imports this module: errors know no serializer.
    render: ClassVar[Callable[[Any], dict[str, Any]] | None] = None

    def __init__(self, detail: str, current: Any = None):
        self.current = current
        super().__init__(detail)

    def extra(self) -> dict[str, Any]:
        if self.current is None:
            return {"current": None}
        render = type(self).render
        return {"current": render(self.current) if render else {"number": self.current.number}}


class Forbidden(RdclError, PermissionError):
    """403: the user sees the project but may not do this (a read-only share writing, a
    non-owner sharing or deleting)."""

    status = 403
    slug = "project-access"
    title = "Your access to the project does not allow this"


class NotTosca(RdclError, ValueError):
    """400: a CSAR asked of a project that is not TOSCA, or whose main template cannot be told."""

    slug = "not-a-csar"
    title = "The project cannot be a CSAR"


class BadBody(RdclError):
    """400 (413 over a size limit): a request body the designer's JSON views cannot use."""

    slug = "bad-body"
    title = "The request body cannot be used"


class RegistryError(RdclError, LookupError):
    """404: unknown project type name; also a plugin folder without its class, or two
    plugins with one name (found at start-up)."""

    status = 404
    slug = "unknown-type"
    title = "No such project type"


class ProjectImportError(RdclError, ValueError):
    """400: not an RDCL 3D project JSON (the message says why)."""

    slug = "not-a-project"
    title = "Not an RDCL 3D project"


class ScaffoldError(RdclError, ValueError):
    """400: a bad type name, an existing folder, or a name already taken (``rdcl_new_type``)."""

    slug = "scaffold-refused"
    title = "The project type cannot be made"


class UnknownView(RdclError, KeyError):
    """404: a view the project type's description model does not define (the message lists
    the views)."""

    status = 404
    slug = "unknown-view"
    title = "The project type has no such view"

    def __str__(self) -> str:  # KeyError quotes its argument
        return self.detail


class ShareRefused(RdclError, ValueError):
    """400: a share that cannot be (with the owner, or an unknown mode); ``field`` names the
    request member at fault."""

    slug = "share-refused"
    title = "The project cannot be shared so"
