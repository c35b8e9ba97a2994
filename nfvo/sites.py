"""Register sites from a YAML file, select sites for a catalogue item, and give the
translators the sites they may use."""

from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction
from django.db.models import Q

from translators.sites import SiteMap, SiteRef, labels_of

from . import credentials
from .models import Site


@transaction.atomic
def load(path: str | Path) -> list[Site]:
    """Create or update the sites listed in ``path`` (``sites: [{name, kind, ...}]``): global
    sites (no tenant).

    A relative ``connection.rdcl_root`` is taken relative to ``RDCL_VAR``;
    ``queue`` names the Celery queue of the workers near the site (:mod:`nfvo.parts`).
    ``ssh_private_key_file`` is read and stored encrypted, never kept as a path. Secret
    keys of ``connection`` (``ansible_password``, ``os_password``, ``k8s_api_key``...: see
    :func:`nfvo.credentials.split_connection`) and an optional ``credentials: {name: value}``
    mapping are stored as encrypted credentials, never in ``connection``.

    :raises ValueError: ``credentials`` names something that is not a credential.
    """
    data = yaml.safe_load(Path(path).read_text()) or {}
    out = []
    for entry in data.get("sites", []):
        connection = dict(entry.get("connection") or {})
        root = connection.get("rdcl_root")
        if root and not Path(root).is_absolute():
            connection["rdcl_root"] = str(settings.VAR_DIR / root)
        key_file = connection.pop("ssh_private_key_file", None)
        connection, found = credentials.split_connection(connection)
        found.update(entry.get("credentials") or {})
        unknown = sorted(set(found) - set(credentials.NAMES))
        if unknown:
            raise ValueError(
                f"site {entry['name']}: not credentials: {', '.join(unknown)} (known: {', '.join(credentials.NAMES)})"
            )
        if key_file:
            found["ssh_private_key"] = Path(key_file).read_text()
        site, _ = Site.objects.update_or_create(
            name=entry["name"],
            defaults={
                "kind": entry["kind"],
                "labels": entry.get("labels") or {},
                "connection": connection,
                "is_default": bool(entry.get("default")),
                "queue": str(entry.get("queue") or ""),  # workers near the site (nfvo.parts)
            },
        )
        for name, value in found.items():
            site.set_credential(name, value)
        if found:
            site.save(update_fields=[f"{name}_encrypted" for name in found])
        out.append(site)
    return out


ALL_TENANTS = None


def site_map(tenant_id: int | None = ALL_TENANTS) -> SiteMap:
    """The registered sites as the translators see them; with ``tenant_id``, only the
    global sites and that tenant's."""
    rows = Site.objects.all()
    if tenant_id is not ALL_TENANTS:
        rows = rows.filter(Q(tenant__isnull=True) | Q(tenant_id=tenant_id))
    return SiteMap([SiteRef(s.name, s.kind, s.is_default, labels_of(s.labels)) for s in rows])


def select(entries: list, tenant_id: int | None = ALL_TENANTS) -> list[str]:
    """Site names for a catalogue item's ``sites``, in order, each once, among the sites
    of :func:`site_map` (``tenant_id``: a tenant's job sees global sites and its own).

    An entry is a site name (``"core"``) or a selector ``{"kind": "linux", "labels":
    {"role": "edge"}}`` (both keys optional; every given label must match, as
    :meth:`translators.sites.SiteRef.matches` decides) that stands for every registered
    site it matches, by name.

    :raises LookupError: a named site is not registered, or a selector matches no site.
    :raises ValueError: an entry is neither a name nor a selector of ``kind``/``labels``.
    """
    registered = site_map(tenant_id).sites  # by name, sorted
    out: list[str] = []
    for entry in entries:
        if isinstance(entry, str):
            if entry not in registered:
                raise LookupError(f"site {entry!r} is not registered")
            found = [entry]
        elif (
            isinstance(entry, dict)
            and entry
            and set(entry) <= {"kind", "labels"}
            and isinstance(entry.get("labels", {}), dict)
        ):
            found = [name for name, site in registered.items() if site.matches(entry)]
            if not found:
                raise LookupError(f"site selector {entry} matches no registered site")
        else:
            raise ValueError(f"sites entry {entry!r} is neither a site name nor a {{kind, labels}} selector")
        out += [name for name in found if name not in out]
    return out
