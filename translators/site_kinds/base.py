"""What a site kind is to the translators: the node roles it hosts, the driver role its
plays run, and the hooks that translate a part placed on it, check it, give its
``group_vars`` and say what it leaves out.

One subclass per kind, one module each (:mod:`translators.site_kinds`); a hook's default is
what a kind with nothing special does. The translators a kind drives (``hot``, ``pods``,
``relations``...) never import the registry, which imports every kind module: they read a
part's kind from :attr:`translators.placement.Part.site_kind`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..doc import Doc
from ..errors import Problem

if TYPE_CHECKING:
    from ..model import NodeModel, ServiceModel
    from ..placement import Part
    from ..relations import Relations
    from ..translate import Translation


class SiteKind:
    """A kind of site (``Site.kind`` in the orchestrator, ``SiteRef.kind`` here).

    ``name``: the kind's name; ``roles``: the node roles it hosts
    (:data:`translators.placement.DEPLOYED_ROLES`); for a role, kinds are preferred in
    registry order (:func:`translators.site_kinds.for_role`). ``driver``: the role under
    ``playbooks/roles/`` its plays apply with ``<driver>_state`` (copied into the service
    folder). ``flavour``: the manifest flavour (:data:`translators.kubernetes.FLAVOURS`)
    its containers become pods of; None: its containers are not pods. ``scales``: its
    driver has a ``scale`` task file (``scale.yml`` gets a play for the site).
    """

    name: str = ""
    roles: tuple[str, ...] = ()
    driver: str = ""
    flavour: str | None = None
    scales: bool = True

    @property
    def pods(self) -> bool:
        """True when its containers become pods (it has a manifest flavour)."""
        return self.flavour is not None

    def hosts(self, role: str) -> bool:
        """True when nodes of ``role`` may be placed on it (``stack``: it holds Heat stacks)."""
        return role in self.roles

    def translate_part(
        self, model: ServiceModel, part: Part, result: Translation, rel: Relations, labels: dict[str, Doc]
    ) -> Doc:
        """Write the part's templates into ``result.files`` (``templates/<site>/...``, bytes in
        ``result.blobs``, report lines in ``result.report``) and return what the site got:
        ``{templates: [path], resources: [{name, type}], ...}``, the ``site_files`` of
        :meth:`group_vars`.

        :raises NotImplementedError: the kind translates nothing.
        """
        raise NotImplementedError(f"site kind {self.name!r} has no translation")

    def group_vars(self, model: ServiceModel, part: Part, site_files: Doc) -> Doc:
        """The variables of the part's site (``group_vars/<site>.json``) its driver reads.

        :raises NotImplementedError: the kind gives none.
        """
        raise NotImplementedError(f"site kind {self.name!r} gives no group_vars")

    def tasks(self, part: Part, state: str) -> list[Doc] | None:
        """The tasks of the part's play for ``state`` (``present``/``absent``); None (default):
        the play applies :attr:`driver` with ``<driver>_state``."""
        return None

    def part_problems(self, model: ServiceModel, part: Part) -> list[Problem]:
        """What the part's nodes lack to run on this kind (rules ``container.*``); default none."""
        return []

    def plan_problems(self, text: str, values: Doc, k8s_version: str) -> list[str]:
        """Problems of one of the part's templates (``text``) rendered with the dialog
        ``values``, for the plan job; default none."""
        return []

    def node_report(self, node: NodeModel) -> list[str]:
        """Report lines for a container ``node`` placed on this kind: what of it is not
        translated here; default none."""
        return []


def containers(model: ServiceModel, part: Part) -> list[tuple[str, NodeModel]]:
    """``(name, node)`` of the part's ``container`` nodes, in the part's order: what
    :meth:`SiteKind.part_problems` of a pod or process kind checks."""
    return [(name, model.nodes[name]) for name in part.nodes if model.nodes[name].role == "container"]


def at(node: str, rule: str, message: str) -> Problem:
    """A problem at the node template ``node``."""
    return Problem(f"topology_template.node_templates.{node}", rule, message)
