"""Project type ``tosca-nfv``: TOSCA NFV profile and ETSI GS NFV-SOL 001 VNFDs/NSDs.

``tosca`` plus: SOL 001 type files imported by their forge.etsi.org URL are mapped to
local files with tosca-parser's ``local_defs`` (:mod:`.sol001`), never fetched; an
unresolved one is a ``sol001.type-file-missing`` problem. The description model adds the
NFV node and relationship types and VNF/NS views.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

from translators.errors import Problem

from ..sources import Loaded, Source
from ..tosca import ToscaType, line_of_import, tosca_document, where_of
from ..tosca.imports import RemoteImport
from . import sol001


class ToscaNfvType(ToscaType):
    """TOSCA NFV / SOL 001 (see module doc). Model: :class:`rdcl.types.tosca.ToscaModel`."""

    name = "tosca-nfv"
    label = "TOSCA NFV profile / ETSI GS NFV-SOL 001 (VNFD, NSD)"
    extends = ("tosca",)

    def __init__(self, sol001_folders: Iterable[str | Path] = ()):
        #: Folders searched for SOL 001 type files, before ``RDCL_SOL001_PATH``.
        self.sol001_folders = list(sol001_folders)

    def claims(self, source: Source, loaded: Loaded | None) -> int:
        """2 for TOSCA that uses NFV types (``tosca.*.nfv.*``, the NFV profile version,
        or SOL 001 imports)."""
        document = tosca_document(source, loaded)
        return 2 if document is not None and mentions_nfv(document) else 0

    def map_remote(self, ref: RemoteImport, path: Path, workdir: Path) -> Path | None:
        """The local SOL 001 type file for a forge.etsi.org URL (:func:`.sol001.find_type_file`)."""
        return sol001.find_type_file(ref.url, path, workdir, self.sol001_folders)

    def remote_problem(self, ref: RemoteImport, main: str, archive: bool = False) -> Problem:
        """``sol001.type-file-missing`` for a SOL 001 URL, else ``import.remote``."""
        known = sol001.well_known(ref.url)
        if known is None or ref.repository:
            return super().remote_problem(ref, main, archive)
        version, name = known
        return Problem(
            f"imports[{ref.index}]",
            "sol001.type-file-missing",
            f"{where_of(ref, main, archive)}SOL 001 type file {name} ({version}) is not "
            f"beside the descriptor, in the package, nor in {sol001.ENV}; it is never downloaded",
            line_of_import(ref, main, archive),
        )


def mentions_nfv(document: Any, depth: int = 0) -> bool:
    """Does a TOSCA document use the NFV profile or SOL 001 (by version, import or type name)?"""
    if depth == 0 and "nfv" in str(document.get("tosca_definitions_version", "")).lower():
        return True
    if depth > 6:
        return False
    if isinstance(document, dict):
        return any(_nfv_word(k) or mentions_nfv(v, depth + 1) for k, v in document.items())
    if isinstance(document, list):
        return any(mentions_nfv(v, depth + 1) for v in document)
    return _nfv_word(document)


def _nfv_word(value: Any) -> bool:
    return isinstance(value, str) and ((value.startswith("tosca.") and ".nfv." in value) or "etsi_nfv_sol001" in value)
