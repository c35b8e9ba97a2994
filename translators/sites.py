"""Sites a service can be placed on, as the translators see them: a name and a kind.

The orchestrator (``nfvo``) owns sites with their connections and credentials; the
translators only need which kinds exist, to route each node to a driver and to pick
the default site for nodes the descriptor does not place (:mod:`translators.site_kinds`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import yaml

from . import site_kinds
from .doc import Doc

SITE_NAME = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


@dataclass(frozen=True)
class SiteRef:
    """A site as the translators see it. ``name`` is also its inventory group; ``labels``
    are ``(key, value)`` pairs, sorted (e.g. ``(("role", "edge"),)``)."""

    name: str
    kind: str
    default: bool = False
    labels: tuple[tuple[str, str], ...] = ()

    @property
    def site_kind(self) -> site_kinds.SiteKind:
        """The site's kind (:func:`translators.site_kinds.get` of :attr:`kind`).

        :raises translators.site_kinds.UnknownKind: :attr:`kind` is no registered kind.
        """
        return site_kinds.get(self.kind)

    def matches(self, selector: Doc) -> bool:
        """True when the site has the selector's ``kind`` (if given) and all its ``labels``."""
        mine = dict(self.labels)
        return selector.get("kind", self.kind) == self.kind and all(
            mine.get(str(k)) == str(v) for k, v in (selector.get("labels") or {}).items()
        )


class SiteMap:
    """The registered sites, by name.

    :raises ValueError: a name that is not an Ansible group name
        (``[a-z][a-z0-9_]*``) or an unknown kind.
    """

    def __init__(self, sites: list[SiteRef]):
        for site in sites:
            if not SITE_NAME.match(site.name):
                raise ValueError(f"site name {site.name!r} must match {SITE_NAME.pattern}")
            if site.kind not in site_kinds.names():
                raise ValueError(f"site {site.name!r}: kind {site.kind!r} is not one of {site_kinds.names()}")
        self.sites = {s.name: s for s in sorted(sites, key=lambda s: s.name)}

    @classmethod
    def from_yaml(cls, path: str | Path) -> SiteMap:
        """Read ``sites: [{name, kind, default?}, ...]`` from a YAML file."""
        data = yaml.safe_load(Path(path).read_text()) or {}
        return cls(
            [
                SiteRef(s["name"], s["kind"], bool(s.get("default")), labels_of(s.get("labels")))
                for s in data.get("sites", [])
            ]
        )

    def get(self, name: str) -> SiteRef | None:
        """The site called ``name``, or None."""
        return self.sites.get(name)

    def select(self, selector: Doc, role: str) -> list[SiteRef]:
        """Sites a node of ``role`` may run on that match ``selector`` (``{kind?, labels?}``),
        best first: the default site, then the kinds' order (:func:`translators.site_kinds.for_role`),
        then the name."""
        kinds = site_kinds.for_role(role)
        fits = [s for s in self.sites.values() if s.kind in kinds and s.matches(selector)]
        fits.sort(key=lambda s: (not s.default, kinds.index(s.kind), s.name))
        return fits

    def default_for(self, role: str) -> SiteRef | None:
        """Where a node of ``role`` goes when the descriptor does not place it.

        A site marked ``default`` of a suitable kind wins, then the first suitable kind
        (:func:`translators.site_kinds.for_role`), then the name; None when no site fits.
        """
        kinds = site_kinds.for_role(role)
        fits = [s for s in self.sites.values() if s.kind in kinds]
        fits.sort(key=lambda s: (not s.default, kinds.index(s.kind), s.name))
        return fits[0] if fits else None


def labels_of(labels: Doc | None) -> tuple[tuple[str, str], ...]:
    """A site's labels as :class:`SiteRef` keeps them: sorted ``(key, value)`` strings."""
    return tuple(sorted((str(k), str(v)) for k, v in (labels or {}).items()))


#: Sites of the embedded default (README's first command): one of each kind.
DEMO_SITES = SiteMap(
    [
        SiteRef("core", "openstack", default=True, labels=(("role", "core"),)),
        SiteRef("edge", "kubernetes", default=True, labels=(("role", "edge"),)),
        SiteRef("core_server", "linux", labels=(("role", "core"),)),
        SiteRef("edge_server", "linux", labels=(("role", "edge"),)),
    ]
)
