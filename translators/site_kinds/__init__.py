"""Site kinds, one module each, found by name: a new kind is a new module with a
:class:`~translators.site_kinds.base.SiteKind` subclass, listed here.

The translators ask the kind of a part (:attr:`translators.placement.Part.site_kind`, which is
:func:`get` of its name) instead of comparing its name:
which roles it hosts (placement), how its part is translated and checked, its driver and
``group_vars`` (playbooks), its report lines and its plan check. Kinds are kept in
registration order, which is the order of preference between kinds hosting one role
(:func:`for_role`): the built-in ones below, then any :func:`register`\\ ed later.
"""

from __future__ import annotations

from . import kubernetes, linux, openshift, openstack
from .base import SiteKind

__all__ = ["SiteKind", "UnknownKind", "for_role", "get", "names", "register", "unregister"]


class UnknownKind(ValueError):
    """No site kind has that name."""


_KINDS: dict[str, SiteKind] = {}


def register(kind: SiteKind) -> SiteKind:
    """Add ``kind`` after the kinds registered so far and return it.

    :raises ValueError: a kind of that name is registered already, or it has no name.
    """
    if not kind.name or kind.name in _KINDS:
        raise ValueError(f"site kind {kind.name!r} is registered already or has no name")
    _KINDS[kind.name] = kind
    return kind


def unregister(name: str) -> None:
    """Remove the kind called ``name`` (a plug-in's or a test's); unknown names are ignored."""
    _KINDS.pop(name, None)


def get(name: str) -> SiteKind:
    """The kind called ``name``.

    :raises UnknownKind: no kind has that name.
    """
    try:
        return _KINDS[name]
    except KeyError:
        raise UnknownKind(f"site kind {name!r} is not one of {names()}") from None


def names() -> tuple[str, ...]:
    """The names of the kinds, in registration order."""
    return tuple(_KINDS)


def for_role(role: str) -> tuple[str, ...]:
    """The kinds that host nodes of ``role``, preferred first (registration order)."""
    return tuple(k.name for k in _KINDS.values() if k.hosts(role))


for _kind in (openstack.KIND, kubernetes.KIND, openshift.KIND, linux.KIND):
    register(_kind)
