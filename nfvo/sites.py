"""Register sites from a YAML file, and give the translators the sites they may use."""
from __future__ import annotations

from pathlib import Path

import yaml
from django.conf import settings
from django.db import transaction

from translators.sites import SiteMap, SiteRef

from .models import Site


@transaction.atomic
def load(path: str | Path) -> list[Site]:
    """Create or update the sites listed in ``path`` (``sites: [{name, kind, ...}]``).

    A relative ``connection.rdcl_root`` is taken relative to ``RDCL_VAR``;
    ``ssh_private_key_file`` is read and stored encrypted, never kept as a path.
    """
    data = yaml.safe_load(Path(path).read_text()) or {}
    out = []
    for entry in data.get("sites", []):
        connection = dict(entry.get("connection") or {})
        root = connection.get("rdcl_root")
        if root and not Path(root).is_absolute():
            connection["rdcl_root"] = str(settings.VAR_DIR / root)
        key_file = connection.pop("ssh_private_key_file", None)
        site, _ = Site.objects.update_or_create(name=entry["name"], defaults={
            "kind": entry["kind"], "labels": entry.get("labels") or {}, "connection": connection,
            "is_default": bool(entry.get("default"))})
        if key_file:
            site.set_ssh_private_key(Path(key_file).read_text())
            site.save(update_fields=["ssh_private_key_encrypted"])
        out.append(site)
    return out


def site_map() -> SiteMap:
    """The registered sites as the translators see them."""
    return SiteMap([SiteRef(s.name, s.kind, s.is_default) for s in Site.objects.all()])
