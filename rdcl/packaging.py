"""Project files in and out: uploads (zip, CSAR, RDCL 3D project JSON, one file), project
zips and CSARs. Pure Python (no Django).

Project files are ``{path: text}``: relative ``/``-separated paths (:func:`path_error` says
which are allowed), UTF-8 text. A CSAR follows ETSI GS NFV-SOL 004 §4.1 / TOSCA Simple
Profile in YAML §3.10 (CSAR with a ``TOSCA-Metadata`` directory): the project's files at
their paths plus ``TOSCA-Metadata/TOSCA.meta`` whose ``Entry-Definitions`` names the main
service template. The designer generates ``TOSCA.meta``; an imported one is read for its
``Entry-Definitions`` and its other keys (``ETSI-Entry-Manifest``, ``ETSI-Entry-Licenses``...),
which the download writes back; it is not kept as a file. An imported manifest's digests are
checked (a changed file is refused by name) and rewritten on download; a CSAR's binary members
(images, charts) are artifacts, kept as bytes within size limits. No certificate or signature is
produced (SOL 004 §5 security options are not implemented).
"""

from __future__ import annotations

import hashlib
import io
import json
import posixpath
import re
import unicodedata
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath

import yaml

from rdcl.exceptions import ProjectImportError
from rdcl.project_import import import_project, is_project
from translators import limits, package

from .types.problems import FileProblem
from .types.sources import DOCUMENT_SUFFIXES

TOSCA_META = "TOSCA-Metadata/TOSCA.meta"
#: Limits on what an upload may hold (a zip bomb is refused before it is inflated).
MAX_FILES = 1000
MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_TOTAL_BYTES = 50 * 1024 * 1024
#: Binary artifacts of a CSAR (images, charts): bytes of one, and of all of them together
#: (``RDCL_DESIGNER_MAX_ARTIFACT_BYTES`` [64 MiB], ``RDCL_DESIGNER_MAX_ARTIFACTS_BYTES`` [256 MiB]).
MAX_ARTIFACT_BYTES = package._env_int("RDCL_DESIGNER_MAX_ARTIFACT_BYTES", 64 * 1024 * 1024)
MAX_ARTIFACTS_BYTES = package._env_int("RDCL_DESIGNER_MAX_ARTIFACTS_BYTES", 256 * 1024 * 1024)
#: TOSCA.meta keys the CSAR download writes itself (the others of an import are kept).
OWN_META = ("TOSCA-Meta-File-Version", "CSAR-Version", "Created-By", "Entry-Definitions")
#: Archive members that are packing debris, skipped on import.
JUNK = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$)")
_PART = re.compile(r"^[A-Za-z0-9._@+~-]+( [A-Za-z0-9._@+~-]+)*$")


def path_error(path: str) -> str | None:
    """Why ``path`` cannot name a project file, or None when it can.

    Allowed: up to 255 characters, relative, ``/``-separated parts of letters, digits,
    inner spaces and ``. _ @ + ~ -`` (no ``.``/``..`` parts); ``TOSCA-Metadata/TOSCA.meta``
    is reserved (the CSAR download writes it).
    """
    if not path or len(path) > 255:
        return "a file path has 1 to 255 characters"
    parts = path.split("/")
    if any(p in ("", ".", "..") for p in parts):
        return "a file path is relative, without empty, '.' or '..' parts"
    if not all(_PART.match(p) for p in parts):
        return "a file path uses letters, digits, inner spaces and . _ @ + ~ - between '/'"
    if path == TOSCA_META:
        return f"{TOSCA_META} is written by the CSAR download; set the project's entry instead"
    return None


#: Unicode categories a project name may not hold: control, format, surrogate, line and
#: paragraph separators (a line break in a name would break a download's header).
CONTROL_CATEGORIES = ("Cc", "Cf", "Cs", "Zl", "Zp")


def name_error(name: str) -> str | None:
    """Why ``name`` cannot name a project (a control or format character), or None."""
    bad = sorted({f"U+{ord(c):04X}" for c in name if unicodedata.category(c) in CONTROL_CATEGORIES})
    if bad:
        return f"a project name has no control or format characters (found {', '.join(bad)})"
    return None


def path_errors(paths) -> dict[str, str]:
    """:func:`path_error` of each path, and paths that another path uses as a folder
    (``vnfd`` beside ``vnfd/a.json``)."""
    paths = set(paths)
    out = {p: why for p in paths if (why := path_error(p))}
    for p in paths - set(out):
        parts = p.split("/")
        folder = next(("/".join(parts[:i]) for i in range(1, len(parts)) if "/".join(parts[:i]) in paths), None)
        if folder:
            out[folder] = f"{folder} is a file, and {p} uses it as a folder"
    return dict(sorted(out.items()))


def is_document(path: str) -> bool:
    """A YAML/JSON file (validated by the project type); other files are kept as they are."""
    return PurePosixPath(path).suffix.lower() in DOCUMENT_SUFFIXES


def as_text(value) -> str:
    """A file's text: strings as they are, parsed documents as indented JSON."""
    return value if isinstance(value, str) else json.dumps(value, indent=2) + "\n"


# -- uploads -----------------------------------------------------------------------------


@dataclass
class Upload:
    """What an uploaded file holds.

    ``kind``: ``csar``, ``zip``, ``project`` (RDCL 3D project JSON) or ``file``;
    ``files``: ``{path: text}``; ``entry``: the CSAR's entry definitions (or ``""``);
    ``artifacts``: ``{path: bytes}``, a CSAR's files that are not UTF-8 text (images,
    charts); ``meta``: its ``TOSCA.meta`` keys besides :data:`OWN_META` (``ETSI-Entry-*``);
    ``detect_on``: the documents to detect the project type from (the project JSON itself
    for ``project``, else ``files``); ``problems``: why it cannot be imported.
    """

    kind: str
    files: dict[str, str] = field(default_factory=dict)
    entry: str = ""
    detect_on: dict[str, str] = field(default_factory=dict)
    problems: list[FileProblem] = field(default_factory=list)
    artifacts: dict[str, bytes] = field(default_factory=dict)
    meta: dict[str, str] = field(default_factory=dict)


def read_upload(name: str, data: bytes) -> Upload:
    """Read an uploaded file named ``name`` (see :class:`Upload`).

    A zip is a ``csar`` when it has ``TOSCA-Metadata/`` or ends in ``.csar``; a JSON file
    shaped like an RDCL 3D export (:func:`rdcl.project_import.is_project`) is a
    ``project``; anything else is one ``file`` named by the upload's base name. Problems
    (rules ``upload.*``, ``csar.*``, ``file.encoding``, ``file.path``, ``limit.*`` for a
    project JSON over a parser limit) are collected, not raised; a zip that cannot be
    read (corrupt, encrypted, unknown compression) is ``upload.zip``.
    """
    base = posixpath.basename(name.replace("\\", "/")) or "descriptor.yaml"
    if zipfile.is_zipfile(io.BytesIO(data)):
        try:
            return _read_zip(base, data)
        except (
            zipfile.BadZipFile,
            zipfile.LargeZipFile,
            zlib.error,
            NotImplementedError,
            RuntimeError,
            EOFError,
            OSError,
            ValueError,
        ) as exc:
            return Upload(
                "zip", problems=[FileProblem("", "upload.zip", f"not a readable zip archive: {exc}", None, base)]
            )
    if len(data) > MAX_FILE_BYTES:
        return Upload(
            "file", problems=[FileProblem("", "upload.too-large", f"more than {MAX_FILE_BYTES} bytes", None, base)]
        )
    text = _decode(data)
    if text is None:
        return Upload("file", problems=[FileProblem("", "file.encoding", "not UTF-8 text", None, base)])
    if base.lower().endswith(".json"):
        try:
            parsed = limits.load_json(text)
        except limits.LimitError as exc:
            return Upload("file", problems=[FileProblem("", exc.rule, exc.message, exc.line, base)])
        except json.JSONDecodeError:
            parsed = None
        if is_project(parsed):
            try:
                files = {path: as_text(value) for path, value in import_project(parsed).items()}
            except ProjectImportError as exc:
                return Upload("project", problems=[FileProblem("", "upload.project", str(exc), None, base)])
            upload = Upload("project", files, detect_on={base: text})
            upload.problems = _path_problems(files)
            return upload
    upload = Upload("file", {base: text}, detect_on={base: text})
    upload.problems = _path_problems(upload.files)
    return upload


def _read_zip(base: str, data: bytes) -> Upload:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        members = [i for i in archive.infolist() if not i.is_dir() and not JUNK.search(i.filename)]
        csar = base.lower().endswith(".csar") or any(i.filename.startswith("TOSCA-Metadata/") for i in members)
        upload = Upload("csar" if csar else "zip")
        binary = {i.filename for i in members if csar and not _is_text(archive, i)}
        total = sum(i.file_size for i in members if i.filename not in binary)
        binary_total = sum(i.file_size for i in members if i.filename in binary)
        if binary_total > MAX_ARTIFACTS_BYTES:
            upload.problems.append(
                FileProblem(
                    "",
                    "upload.too-large",
                    f"binary artifacts of {binary_total} bytes; at most {MAX_ARTIFACTS_BYTES} "
                    "(RDCL_DESIGNER_MAX_ARTIFACTS_BYTES)",
                    None,
                    base,
                )
            )
            return upload
        if len(members) > MAX_FILES or total > MAX_TOTAL_BYTES:
            upload.problems.append(
                FileProblem(
                    "",
                    "upload.too-large",
                    f"{len(members)} files, {total} bytes inflated; at most {MAX_FILES} files, {MAX_TOTAL_BYTES} bytes",
                    None,
                    base,
                )
            )
            return upload
        for info in members:
            if info.filename in binary:
                if info.file_size > MAX_ARTIFACT_BYTES:
                    upload.problems.append(
                        FileProblem(
                            "",
                            "upload.too-large",
                            f"a binary artifact over {MAX_ARTIFACT_BYTES} bytes (RDCL_DESIGNER_MAX_ARTIFACT_BYTES)",
                            None,
                            info.filename,
                        )
                    )
                else:
                    upload.artifacts[info.filename] = _read_at_most(archive, info)
                continue
            if info.file_size > MAX_FILE_BYTES:
                upload.problems.append(
                    FileProblem("", "upload.too-large", f"more than {MAX_FILE_BYTES} bytes", None, info.filename)
                )
                continue
            text = _decode(archive.read(info))
            if text is None:
                upload.problems.append(
                    FileProblem(
                        "", "file.encoding", "not UTF-8 text: the designer keeps text files only", None, info.filename
                    )
                )
            else:
                upload.files[info.filename] = text
    meta = upload.files.pop(TOSCA_META, None)
    manifest = ""
    if meta is not None:
        upload.entry = _entry_definitions(meta, upload)
        keys, _ = package.parse_meta(meta)
        upload.meta = {k: v for k, v in keys.items() if k not in OWN_META and k.lower() != "created-by"}
        manifest = upload.meta.get("ETSI-Entry-Manifest", "")
    elif csar:
        roots = [p for p in upload.files if "/" not in p and p.lower().endswith((".yaml", ".yml"))]
        upload.entry = roots[0] if len(roots) == 1 else ""
        stem = posixpath.splitext(upload.entry)[0]
        manifest = f"{stem}.mf" if upload.entry else ""
    if manifest in upload.files and not upload.problems:
        upload.problems += _manifest_problems(manifest, upload, meta)
    upload.problems += _path_problems({**upload.files, **dict.fromkeys(upload.artifacts, "")})
    upload.detect_on = dict(upload.files)
    return upload


def _is_text(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """A member that decodes as UTF-8 (read whole only when small enough to be a text file)."""
    if info.file_size > MAX_FILE_BYTES:
        return False
    return _decode(_read_at_most(archive, info)) is not None


def _read_at_most(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A member's bytes, never more than it declares (a lying header is cut there)."""
    with archive.open(info) as member:
        return member.read(info.file_size)


def _manifest_problems(manifest: str, upload: Upload, meta: str | None) -> list[FileProblem]:
    """The manifest's digests checked (:func:`translators.package.check_manifest`): a
    changed file is refused by name. ``meta``: the ``TOSCA.meta`` text (not a project file)."""
    everything = {**{p: t.encode("utf-8") for p, t in upload.files.items()}, **upload.artifacts}
    if meta is not None:
        everything[TOSCA_META] = meta.encode("utf-8")
    sizes = {p: len(b) for p, b in everything.items()}
    found = package.check_manifest(upload.files[manifest], sizes, everything.__getitem__)
    return [FileProblem(p.path, p.rule, p.message, p.line, manifest) for p in found]


def _entry_definitions(meta: str, upload: Upload) -> str:
    try:
        data = limits.load_yaml(meta)
    except limits.LimitError as exc:
        upload.problems.append(FileProblem("", exc.rule, exc.message, exc.line, TOSCA_META))
        return ""
    except yaml.YAMLError as exc:
        upload.problems.append(FileProblem("", "csar.meta", " ".join(str(exc).split()), None, TOSCA_META))
        return ""
    entry = str(data.get("Entry-Definitions") or "") if isinstance(data, dict) else ""
    if not entry:
        upload.problems.append(
            FileProblem("Entry-Definitions", "csar.meta", "TOSCA.meta has no Entry-Definitions", None, TOSCA_META)
        )
    elif entry not in upload.files:
        upload.problems.append(
            FileProblem("Entry-Definitions", "csar.entry-missing", f"{entry} is not in the archive", None, TOSCA_META)
        )
    return entry


def _path_problems(files: Mapping[str, str]) -> list[FileProblem]:
    return [FileProblem("", "file.path", why, None, path) for path, why in path_errors(files).items()]


def _decode(raw: bytes) -> str | None:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return None


# -- downloads ---------------------------------------------------------------------------


def main_template(files: Mapping[str, str], entry: str = "") -> str | None:
    """The main service template of a TOSCA project: ``entry`` when it is one of ``files``;
    else the only root-level YAML file; else the only YAML file with a ``topology_template``;
    else None."""
    if entry and entry in files:
        return entry
    yamls = sorted(p for p in files if p.lower().endswith((".yaml", ".yml")))
    roots = [p for p in yamls if "/" not in p]
    if len(roots) == 1:
        return roots[0]
    with_topology = [p for p in yamls if re.search(r"^topology_template\s*:", files[p], re.MULTILINE)]
    return with_topology[0] if len(with_topology) == 1 else None


def tosca_meta(entry: str, created_by: str, meta: Mapping[str, str] | None = None) -> str:
    """``TOSCA-Metadata/TOSCA.meta`` (block 0 keys of TOSCA Simple Profile §3.10.2, as SOL 004 §4.1.2 uses them),
    then ``meta``'s other keys (an imported package's ``ETSI-Entry-*``), one line each."""
    author = re.sub(r"[^A-Za-z0-9 ._@+()-]", "_", created_by).strip() or "rdcl-nfvo"
    text = f"TOSCA-Meta-File-Version: 1.0\nCSAR-Version: 1.1\nCreated-By: {author}\nEntry-Definitions: {entry}\n"
    for key, value in (meta or {}).items():
        if key not in OWN_META and re.fullmatch(r"[A-Za-z][A-Za-z0-9-]*", key):
            text += f"{key}: {' '.join(str(value).split())}\n"
    return text


def manifest_with_digests(text: str, contents: Mapping[str, bytes]) -> str:
    """A SOL 004 §4.3.3 manifest whose ``Hash`` lines are the digests of ``contents`` now
    (the project may have changed since the package was imported), each with the entry's
    own algorithm; a CMS signature block is dropped (it would no longer be valid)."""
    lines = text.splitlines()
    out, source, algorithm = [], None, "SHA-256"
    for line in lines:
        if line.strip().startswith("-----BEGIN"):
            break
        key, sep, value = line.partition(":")
        key = key.strip()
        if sep and key == "Source":
            source, algorithm = posixpath.normpath(value.strip()), "SHA-256"
        elif sep and key == "Algorithm":
            algorithm = value.strip()
        elif sep and key == "Hash" and source is not None and source in contents:
            name = package.ALGORITHMS.get(algorithm.upper())
            if name:
                indent = line[: len(line) - len(line.lstrip())]
                line = f"{indent}Hash: {hashlib.new(name, contents[source]).hexdigest()}"
        out.append(line)
    while out and not out[-1].strip():
        out.pop()
    return "\n".join(out) + "\n"


def build_zip(files: Mapping[str, str], artifacts: Mapping[str, bytes] | None = None) -> bytes:
    """A zip of ``files`` (text) and ``artifacts`` (bytes) at their paths (sorted)."""
    buffer = io.BytesIO()
    contents = {**{p: t.encode("utf-8") for p, t in files.items()}, **(artifacts or {})}
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(contents):
            archive.writestr(path, contents[path])
    return buffer.getvalue()


def build_csar(
    files: Mapping[str, str],
    entry: str,
    created_by: str = "rdcl-nfvo",
    meta: Mapping[str, str] | None = None,
    artifacts: Mapping[str, bytes] | None = None,
) -> bytes:
    """A CSAR: ``TOSCA-Metadata/TOSCA.meta`` first (with ``meta``'s ``ETSI-Entry-*`` keys
    whose file is in the package), then ``files`` and ``artifacts`` at their paths; the
    manifest ``ETSI-Entry-Manifest`` names gets the current digests
    (:func:`manifest_with_digests`).

    :raises ValueError: ``entry`` is not one of ``files``.
    """
    if entry not in files:
        raise ValueError(f"entry definitions {entry!r} is not a file of the project")
    contents = {**{p: t.encode("utf-8") for p, t in files.items()}, **(artifacts or {})}
    kept = {
        k: v
        for k, v in (meta or {}).items()
        if not k.startswith("ETSI-Entry-") or v in contents or any(p.startswith(v.rstrip("/") + "/") for p in contents)
    }
    meta_text = tosca_meta(entry, created_by, kept)
    manifest = kept.get("ETSI-Entry-Manifest")
    if manifest is not None and manifest in files:
        listed = {**contents, TOSCA_META: meta_text.encode("utf-8")}
        contents[manifest] = manifest_with_digests(files[manifest], listed).encode("utf-8")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(TOSCA_META, meta_text)
        for path in sorted(contents):
            archive.writestr(path, contents[path])
    return buffer.getvalue()
