"""The orchestrator's errors: one root, :class:`NfvoError`, and the kinds the API answers.

Each kind carries its HTTP status, the slug of its stable problem ``type``
(``tag:rdcl-nfvo,2026:problem/<slug>``) and its title; :mod:`config.problems` renders any of
them as RFC 9457 problem details. Kinds that were built-in errors before keep that base too
(a ``DialogError`` is still a ``ValueError``), so callers that caught those still do.
Modules raise the kinds where they find the fault (:mod:`nfvo.dialog`, :mod:`nfvo.remotes`,
:mod:`nfvo.services`, :mod:`nfvo.orders`, :mod:`nfvo.access`); the API views raise, never
build error bodies.
"""

from __future__ import annotations

from typing import Any

from config.problems import ApiError


class NfvoError(ApiError):
    """The root of the orchestrator's errors (400 unless a kind says otherwise)."""

    slug = "nfvo-error"
    title = "The orchestrator refused the request"


class Forbidden(NfvoError, PermissionError):
    """403: the user sees the object but their role does not allow this (:mod:`nfvo.access`)."""

    status = 403
    slug = "forbidden"
    title = "Your role does not allow this"


class NameTaken(NfvoError):
    """409: the catalogue item of that name belongs to another tenant or is a system item
    (a designer publication ends failed). Nothing was changed."""

    status = 409
    slug = "name-taken"
    title = "The name belongs to another owner"
    field = "name"


class RemoteRefused(NfvoError, ValueError):
    """400: a git remote the settings do not allow; ``rule`` names the rule broken
    (``git.remote.syntax|transport|scheme|host|local``). ``str()`` ends with the rule."""

    slug = "remote-refused"
    title = "The repository is not an allowed remote"
    field = "repository"

    def __init__(self, rule: str, message: str):
        super().__init__(f"{message} (rule {rule})")
        self.rule = rule

    def extra(self) -> dict[str, Any]:
        return {**super().extra(), "rule": self.rule}


class RepositoryUnreadable(NfvoError, LookupError):
    """400: git could not read the repository (unreachable, not a repository, timed out)."""

    slug = "repository-unreadable"
    title = "The repository cannot be read"
    field = "repository"


class RefNotFound(NfvoError, LookupError):
    """400: the repository has no such ref (branch, tag or commit)."""

    slug = "ref-not-found"
    title = "The repository has no such ref"
    field = "ref"


class ItemOutdated(NfvoError):
    """409: a published item's repository or ref no longer resolves (the ref is gone, the
    remote is no longer allowed or cannot be read); ``field`` is the item's field at fault,
    ``rule`` the remote rule broken (:class:`RemoteRefused`), when one is."""

    status = 409
    slug = "item-outdated"
    title = "The item's repository or ref no longer resolves"

    def __init__(self, detail: str, *, field: str | None = None, rule: str | None = None):
        super().__init__(detail, field=field)
        self.rule = rule

    def extra(self) -> dict[str, Any]:
        return {**super().extra(), **({"rule": self.rule} if self.rule else {})}


class DialogError(NfvoError, ValueError):
    """400: dialog values (or a dialog schema) that break the rules; ``errors`` maps
    field -> message. ``field`` (the request member they are in: ``parameters``, ``dialog``)
    nests them in the answer's ``errors``; None puts them at its top level. ``top``: the
    errors name request fields themselves (``mode``, ``limit``), never nested."""

    slug = "invalid-parameters"
    title = "The values break the dialog"

    def __init__(self, errors: dict[str, str], field: str | None = None, *, top: bool = False):
        self.errors = errors
        self.top = top
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()), field=field)

    def within(self, field: str) -> DialogError:
        """The same errors nested under the request member ``field`` (unchanged when ``top``)."""
        return self if self.top else DialogError(self.errors, field)

    def extra(self) -> dict[str, Any]:
        messages = {k: [v] for k, v in self.errors.items()}
        return {"errors": {self.field: messages} if self.field else messages}


class UnknownOperation(NfvoError, KeyError):
    """400: the item has no playbook for the operation."""

    slug = "unknown-operation"
    title = "The item has no such operation"
    field = "operation"

    def __str__(self) -> str:  # KeyError quotes its argument
        return self.detail


class TransitionError(NfvoError):
    """409: an order cannot move to the asked status (wrong step, or another actor moved it
    first); ``current``: its status."""

    status = 409
    slug = "order-transition"
    title = "The order is not at a step that allows this"
    field = "status"

    def __init__(self, order: Any, target: str, current: str):
        super().__init__(f"order {order.pk} is at {current!r}; it cannot move to {target!r}")
        self.current = current


class JobNotFinished(NfvoError, ValueError):
    """409: only a finished job can be retried."""

    status = 409
    slug = "job-not-finished"
    title = "The job has not finished"
    field = "status"


class InUse(NfvoError):
    """409: the object is still referenced (a tenant owning instances or items)."""

    status = 409
    slug = "in-use"
    title = "Still in use"


class NothingToPublish(NfvoError, ValueError):
    """400: a designer project with nothing to publish (no files, or deleted)."""

    slug = "nothing-to-publish"
    title = "The project has nothing to publish"
    field = "project"


class TranslationRefused(NfvoError):
    """400: the translators refused a designer project; ``problems`` are ``{file, path,
    line, rule, message}`` dicts, each naming the project file it is in."""

    slug = "translation-refused"
    title = "The project cannot be translated"

    def __init__(self, message: str, problems: list[dict]):
        super().__init__(message)
        self.problems = problems

    def extra(self) -> dict[str, Any]:
        return {"problems": self.problems}
