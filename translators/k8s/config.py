"""A container's ``files`` as a ConfigMap mounted into its pod (core/v1 ConfigMap,
``PodSpec.volumes[].configMap`` with ``items``, ``Container.volumeMounts``).

Each file is one ConfigMap key (the path with characters a key may not hold turned
into ``_``, and ``-2``, ``-3``... on a clash), mapped back to its relative path under
``files_path`` (default :data:`DEFAULT_PATH`). With a ``command`` the container also
works in that folder, as the process does on a linux site. A ConfigMap holds at most
:data:`MAX_BYTES`; paths must be relative and stay inside the folder.
"""

from __future__ import annotations

import hashlib
import posixpath
import re

from ..doc import Doc
from ..model import NodeModel, ServiceModel
from .common import dns_name, metadata

DEFAULT_PATH = "/etc/rdcl/files"
VOLUME = "rdcl-files"
MAX_BYTES = 1024 * 1024
CHECKSUM_ANNOTATION = "nfvo.rdcl.io/files-sha256"


def file_problems(node: NodeModel) -> list[str]:
    """Why ``node``'s ``files``/``files_path`` cannot be mounted (empty when they can)."""
    files = node.properties.get("files") or {}
    problems = [
        f"file {path!r} must be a relative path inside the folder"
        for path in sorted(files)
        if not path or path.startswith("/") or ".." in path.split("/")
    ]
    total = sum(len(str(k).encode()) + len(str(v).encode()) for k, v in files.items())
    if total > MAX_BYTES:
        problems.append(f"files total {total} bytes; a ConfigMap holds at most {MAX_BYTES}")
    mount = node.properties.get("files_path")
    if mount is not None and not str(mount).startswith("/"):
        problems.append(f"files_path {mount!r} must be an absolute path")
    return problems


def config_name(node: NodeModel) -> str:
    """Name of the ConfigMap holding ``node``'s files."""
    return dns_name(f"{node.name}-files")


def _keys(paths: list[str]) -> dict[str, str]:
    keys, used = {}, set()
    for path in paths:
        base = re.sub(r"[^-._a-zA-Z0-9]+", "_", posixpath.normpath(path)).strip("_")[:240] or "file"
        key, i = base, 1
        while key in used:
            i += 1
            key = f"{base}-{i}"
        used.add(key)
        keys[path] = key
    return keys


def configmap(model: ServiceModel, node: NodeModel) -> tuple[Doc | None, Doc]:
    """The ConfigMap of ``node``'s files and what the pod needs to mount it.

    Returns ``(configmap, mount)``; ``mount`` has ``volume`` (a PodSpec volume),
    ``mount`` (a Container volumeMount), ``path`` and ``checksum`` (sha256 of the files,
    a pod template annotation so a change rolls the pods). ``(None, {})`` without files.
    """
    files = node.properties.get("files") or {}
    if not files:
        return None, {}
    paths = sorted(files)
    keys = _keys(paths)
    name = config_name(node)
    doc = {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": metadata(model.name, node.name, name),
        "data": {keys[p]: str(files[p]) for p in paths},
    }
    digest = hashlib.sha256("\0".join(f"{p}\0{files[p]}" for p in paths).encode()).hexdigest()
    path = str(node.properties.get("files_path") or DEFAULT_PATH)
    return doc, {
        "volume": {
            "name": VOLUME,
            "configMap": {"name": name, "items": [{"key": keys[p], "path": posixpath.normpath(p)} for p in paths]},
        },
        "mount": {"name": VOLUME, "mountPath": path, "readOnly": True},
        "path": path,
        "checksum": digest,
    }
