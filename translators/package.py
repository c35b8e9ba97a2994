"""SOL 004 VNF/NS packages, zipped (``.zip``/``.csar``) or as a folder: one reader for the
designer import, ``rdcl_validate`` and ``translate``.

ETSI GS NFV-SOL 004 (v2.6.1 .. v4.x) §4.1-§4.3, TOSCA Simple Profile in YAML 1.3 §3.10:

* **Entry** (§4.2 "CSAR with TOSCA-Metadata directory"): ``TOSCA-Metadata/TOSCA.meta``
  block 0 names it with ``Entry-Definitions``; its ``ETSI-Entry-Manifest``,
  ``ETSI-Entry-Change-Log``, ``ETSI-Entry-Licenses``, ``ETSI-Entry-Certificate``,
  ``ETSI-Entry-Tests`` (and any other keys) are kept in :attr:`Package.meta`, in order.
  Without ``TOSCA-Metadata`` (§4.3), the entry is the single YAML file at the root, and
  the manifest the ``.mf`` file of the same stem beside it; a TOSCA 1.0 entry needs
  ``TOSCA.meta`` (a root-level entry is TOSCA 1.1 and later, YAML 1.3 §3.10; as tosca-parser).
* **Descriptors**: YAML files that are TOSCA (a ``tosca_definitions_version`` key).
  Everything else (``Files/``, ``Scripts/``, ``BaseHOT/``, Kubernetes manifests, Helm
  charts, images, licences...) is an :class:`Artifact`, never parsed as a descriptor.
* **Manifest** (§4.3.3): each ``Source:`` entry with ``Algorithm:`` (SHA-224/256/384/512)
  and ``Hash:`` is checked against the file's bytes; a file that does not match is
  refused by name (rule ``package.digest``), as are an unknown algorithm and a listed
  file the package lacks. Signatures and certificates are not checked (§5 security
  options are not implemented); an external (URI) source is not fetched.

Limits (environment variables, read at import; defaults in brackets), checked on the sizes
a zip declares before anything is inflated, and again while inflating:

``RDCL_PACKAGE_MAX_FILES`` [10,000] files in one package;
``RDCL_PACKAGE_MAX_FILE_BYTES`` [1 GiB] bytes of one file (an image is one file);
``RDCL_PACKAGE_MAX_BYTES`` [2 GiB] bytes of all files together.

Member paths are relative, ``/``-separated, without ``..``; a symbolic link in a zip, or
one leaving a folder package, is refused (``package.path``).

Use::

    with open_package("vnf.csar") as pkg:     # PackageError: the package is refused
        pkg.entry, pkg.root / pkg.entry       # the entry, on disk (a zip is extracted)
        pkg.artifacts                         # [Artifact(path, kind, size)]
        pkg.read("Files/kubernetes/a.yaml")   # bytes, also after the block ends

Pure Python.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import posixpath
import re
import stat
import tempfile
import zipfile
from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from . import limits
from .errors import DescriptorError, Problem
from .imports import parsed_once
from .limits import DEFAULT


def _env_int(name: str, default: int) -> int:
    try:
        return int(os.environ.get(name, "") or default)
    except ValueError:
        return default


MAX_FILES = _env_int("RDCL_PACKAGE_MAX_FILES", 10_000)
MAX_FILE_BYTES = _env_int("RDCL_PACKAGE_MAX_FILE_BYTES", 1024**3)
MAX_BYTES = _env_int("RDCL_PACKAGE_MAX_BYTES", 2 * 1024**3)

TOSCA_META = "TOSCA-Metadata/TOSCA.meta"
ARCHIVE_SUFFIXES = (".zip", ".csar")
YAML_SUFFIXES = (".yaml", ".yml")
#: Manifest digest algorithms (SOL 004 §4.3.3 names SHA-256, SHA-384, SHA-512) -> hashlib names.
ALGORITHMS = {"SHA-224": "sha224", "SHA-256": "sha256", "SHA-384": "sha384", "SHA-512": "sha512"}
#: :attr:`Artifact.kind` values.
KINDS = ("kubernetes", "helm-chart", "image", "script", "hot", "metadata", "other")
_JUNK = re.compile(r"(^|/)(__MACOSX/|\.DS_Store$|Thumbs\.db$)")
_TOSCA = re.compile(rb"^tosca_definitions_version\s*:", re.MULTILINE)
#: A TOSCA Simple Profile 1.0 document (tosca-parser refuses such a CSAR without TOSCA.meta too).
_TOSCA_1_0 = re.compile(
    rb"^(\xef\xbb\xbf)?tosca_definitions_version\s*:\s*['\"]?tosca_simple_yaml_1_0['\"]?\s*$", re.MULTILINE
)
_K8S_API = re.compile(rb"^\s*apiVersion\s*:", re.MULTILINE)
_K8S_KIND = re.compile(rb"^\s*kind\s*:", re.MULTILINE)
_META_KEY = re.compile(r"^([A-Za-z][A-Za-z0-9-]*)\s*:\s*(.*?)\s*$")
_IMAGE_SUFFIXES = (".img", ".qcow2", ".qcow", ".iso", ".raw", ".vmdk", ".vhd", ".vdi", ".ova", ".ami", ".aki", ".ari")


class PackageError(DescriptorError):
    """A package that cannot be read: ``file`` is the package (or the member at fault,
    ``vnf.csar/TOSCA-Metadata/TOSCA.meta``), each problem's ``rule`` a ``package.*`` one."""


@dataclass(frozen=True)
class Artifact:
    """A file of a package that is not a TOSCA descriptor.

    ``path``: package-relative, ``/``-separated; ``kind``: one of :data:`KINDS` --
    ``kubernetes`` (a YAML/JSON file with ``apiVersion`` and ``kind``; may hold several
    documents), ``helm-chart`` (a ``.tgz`` chart, or a file of a folder holding
    ``Chart.yaml``), ``image`` (under ``Files/images/`` or a disk-image suffix),
    ``script`` (under ``Scripts/``), ``hot`` (under ``BaseHOT/``), ``metadata``
    (``TOSCA-Metadata/``, the manifest, change log, licences, certificates named by
    ``TOSCA.meta``), ``other``; ``size``: bytes.
    """

    path: str
    kind: str
    size: int


@dataclass
class Package:
    """A SOL 004 package (see module doc).

    ``name``: what problems show (the path given); ``source``: the zip or folder;
    ``root``: a folder holding the files while :func:`open_package`'s block runs (the
    folder itself, or the zip extracted); ``entry``: the main service template
    (package-relative); ``meta``: ``TOSCA.meta`` block 0 (``{}`` without it);
    ``manifest``: the manifest's path or ``""``; ``files``: path -> size of every file;
    ``descriptors``: paths of the TOSCA YAML files; ``artifacts``: every other file;
    ``digest``: ``sha256:<hex>`` of the zip's bytes, or of a folder's sorted
    ``path\\0sha256`` lines.
    """

    name: str
    source: Path
    root: Path
    entry: str
    meta: dict[str, str] = field(default_factory=dict)
    manifest: str = ""
    files: dict[str, int] = field(default_factory=dict)
    descriptors: list[str] = field(default_factory=list)
    artifacts: list[Artifact] = field(default_factory=list)
    digest: str = ""

    @property
    def archive(self) -> bool:
        """The package is a zip (not a folder)."""
        return self.source.is_file()

    def artifacts_of(self, kind: str) -> list[Artifact]:
        """The artifacts of one :data:`KINDS` kind, in path order."""
        return [a for a in self.artifacts if a.kind == kind]

    def read(self, path: str) -> bytes:
        """The bytes of one file, from the zip or folder itself (works after the block).

        :raises KeyError: not a file of the package.
        """
        if path not in self.files:
            raise KeyError(path)
        if self.archive:
            with zipfile.ZipFile(self.source) as archive:
                return archive.read(path)
        return (self.source / path).read_bytes()

    def label(self, path: str) -> str:
        """How problems name a file of the package: ``<package>/<path>``."""
        return f"{self.name}/{path}"


def is_package(path: str | Path) -> bool:
    """A zip/CSAR, or a folder laid out as a SOL 004 package: ``TOSCA-Metadata/TOSCA.meta``,
    or exactly one YAML file at its root that is TOSCA (``tosca_definitions_version``)
    beside its manifest (``<stem>.mf``, §4.3) or package folders (``Definitions/``,
    ``Files/``, ``Scripts/``...: a plain folder of templates is not a package)."""
    path = Path(path)
    if path.is_file():
        return path.suffix.lower() in ARCHIVE_SUFFIXES and zipfile.is_zipfile(path)
    if not path.is_dir():
        return False
    if (path / TOSCA_META).is_file():
        return True
    roots = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() in YAML_SUFFIXES]
    if len(roots) != 1 or not _is_tosca(roots[0].read_bytes()[:65536]):
        return False
    laid_out = any((path / d).is_dir() for d in ("Definitions", *ARTIFACT_FOLDERS))
    return laid_out or roots[0].with_suffix(".mf").is_file()


@contextlib.contextmanager
def open_package(path: str | Path, name: str | None = None) -> Iterator[Package]:
    """Read the package at ``path`` (zip or folder); inside the block ``root`` holds its
    files (a zip is extracted to a private temporary folder, removed afterwards).

    :raises PackageError: every problem found (meta, entry, paths, limits, digests, files
        the descriptors name but the package lacks: :func:`reference_problems`), each
        naming the member; ``FileNotFoundError``: no such path.
    """
    path = Path(path)
    label = name or str(path)
    if path.is_dir():
        files, problems = _folder_files(path, label)
        _check(files, problems, label)
        pkg = _package(label, path, path, files, lambda p: (path / p).read_bytes())
        _check_references(pkg)
        yield pkg
        return
    if not path.is_file():
        raise FileNotFoundError(str(path))
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise PackageError(label, [Problem("", "package.zip", f"not a readable zip archive: {exc}")]) from None
    with archive, tempfile.TemporaryDirectory(prefix="rdcl-pkg-") as tmp:
        infos, problems = _zip_files(archive, label)
        files = {n: i.file_size for n, i in infos.items()}
        _check(files, problems, label)
        root = Path(tmp)
        _extract(archive, infos, root, label)
        pkg = _package(label, path, root, files, lambda p: (root / p).read_bytes(), _file_digest(path))
        _check_references(pkg)
        yield pkg


def _package(
    label: str, source: Path, root: Path, files: dict[str, int], reader: Callable[[str], bytes], digest: str = ""
) -> Package:
    problems: list[tuple[str, Problem]] = []
    meta: dict[str, str] = {}
    if TOSCA_META in files:
        meta, meta_problems = parse_meta(reader(TOSCA_META).decode("utf-8", "replace"))
        problems += [(TOSCA_META, p) for p in meta_problems]
        entry = meta.get("Entry-Definitions", "")
        if entry and entry not in files:
            problems.append(
                (TOSCA_META, Problem("Entry-Definitions", "package.entry-missing", f"{entry} is not in the package"))
            )
        manifest = meta.get("ETSI-Entry-Manifest", "")
        if manifest and manifest not in files:
            problems.append(
                (
                    TOSCA_META,
                    Problem("ETSI-Entry-Manifest", "package.entry-missing", f"{manifest} is not in the package"),
                )
            )
            manifest = ""
    else:
        roots = sorted(p for p in files if "/" not in p and p.lower().endswith(YAML_SUFFIXES))
        entry = roots[0] if len(roots) == 1 else ""
        if not entry:
            why = "none" if not roots else f"{len(roots)} ({', '.join(roots)})"
            problems.append(
                (
                    "",
                    Problem(
                        "",
                        "package.entry",
                        f"no {TOSCA_META} and {why} YAML files at the root: SOL 004 §4.3 wants exactly one",
                    ),
                )
            )
        elif version := _TOSCA_1_0.search(head := reader(entry)[:65536]):
            problems.append(
                (
                    entry,
                    Problem(
                        "tosca_definitions_version",
                        "package.entry",
                        f"no {TOSCA_META}, and the root-level entry {entry} is TOSCA Simple Profile 1.0, "
                        "whose CSARs need one (a root-level entry without it is TOSCA 1.1 and later, §3.10)",
                        head.count(b"\n", 0, version.start()) + 1,
                    ),
                )
            )
        stem = posixpath.splitext(entry)[0]
        manifest = f"{stem}.mf" if entry and f"{stem}.mf" in files else ""
    if problems:
        raise _error(label, problems)
    if manifest:
        problems += [(manifest, p) for p in check_manifest(reader(manifest).decode("utf-8", "replace"), files, reader)]
    if problems:
        raise _error(label, problems)
    pkg = Package(label, source, root, entry, meta, manifest, dict(sorted(files.items())), digest=digest)
    named = {v for k, v in meta.items() if k.startswith("ETSI-Entry-") and k != "ETSI-Entry-Definitions"}
    charts = {posixpath.dirname(p) for p in files if posixpath.basename(p) == "Chart.yaml"}
    for p, size in pkg.files.items():
        textual = p.lower().endswith(YAML_SUFFIXES + (".json",)) and size <= limits_head()
        head = reader(p)[:65536] if textual else b""
        if p.lower().endswith(YAML_SUFFIXES) and _is_tosca(head):
            pkg.descriptors.append(p)
        else:
            pkg.artifacts.append(Artifact(p, _kind(p, head, named | {manifest}, charts), size))
    if not pkg.digest:
        pkg.digest = (
            "sha256:"
            + hashlib.sha256(
                "".join(f"{p}\0{hashlib.sha256(reader(p)).hexdigest()}\n" for p in pkg.files).encode()
            ).hexdigest()
        )
    return pkg


def limits_head() -> int:
    """Files larger than this (bytes) are never read to tell a descriptor from an artifact
    (a TOSCA or Kubernetes YAML file is far smaller): the parser limit ``RDCL_PARSE_MAX_BYTES``."""
    return DEFAULT.bytes


def _is_tosca(head: bytes) -> bool:
    return bool(_TOSCA.search(head))


#: Top-level folders of a package that hold artifacts only (SOL 004 §4.1, and Tacker's
#: ``BaseHOT``/``UserData`` layout).
ARTIFACT_FOLDERS = ("Files", "Scripts", "BaseHOT", "UserData", "Licenses", "TOSCA-Metadata", "Artifacts")


def artifact_kind(path: str, head: bytes = b"") -> str | None:
    """What a file at ``path`` is when a project or folder is read as a package: None
    for a possible descriptor (a YAML/JSON file that is TOSCA by its first bytes ``head``,
    or that lies outside :data:`ARTIFACT_FOLDERS` and is not a Kubernetes manifest), else
    its :attr:`Artifact.kind`. Used by the designer to leave artifacts out of validation."""
    is_document = path.lower().endswith(YAML_SUFFIXES + (".json",))
    if is_document and _is_tosca(head):
        return None
    kind = _kind(path, head, set(), set())
    if kind in ("kubernetes", "helm-chart") or not is_document or path.split("/", 1)[0] in ARTIFACT_FOLDERS:
        return kind
    return None


def _kind(path: str, head: bytes, named: set[str], charts: set[str]) -> str:
    lower = path.lower()
    top = path.split("/", 1)[0]
    if path.startswith("TOSCA-Metadata/") or path in named or any(path.startswith(n + "/") for n in named if n):
        return "metadata"
    if lower.endswith((".tgz", ".tar.gz")) and ("chart" in lower or "helm" in lower or top == "Files"):
        return "helm-chart"
    if any(c == "" or path.startswith(c + "/") for c in charts):
        return "helm-chart"
    if top == "Scripts":
        return "script"
    if top == "BaseHOT":
        return "hot"
    if lower.startswith("files/images/") or lower.endswith(_IMAGE_SUFFIXES):
        return "image"
    if lower.endswith(YAML_SUFFIXES + (".json",)) and _K8S_API.search(head) and _K8S_KIND.search(head):
        return "kubernetes"
    return "other"


def parse_meta(text: str) -> tuple[dict[str, str], list[Problem]]:
    """Block 0 of ``TOSCA.meta`` (``Key: value`` lines up to the first blank line; TOSCA
    1.3 §3.10.2.1) and its problems: ``package.meta`` for a line that is not ``Key: value``
    or a missing ``Entry-Definitions``. Each problem's path is the key, its line 1-based."""
    meta: dict[str, str] = {}
    problems: list[Problem] = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            break
        match = _META_KEY.match(line)
        if match is None:
            problems.append(Problem("", "package.meta", f"not a 'Key: value' line: {line[:80]!r}", number))
            continue
        meta[match[1]] = match[2]
    if not meta.get("Entry-Definitions"):
        problems.append(Problem("Entry-Definitions", "package.meta", "TOSCA.meta has no Entry-Definitions"))
    return meta, problems


def check_manifest(text: str, files: dict[str, int], reader: Callable[[str], bytes]) -> list[Problem]:
    """Problems of the manifest ``text`` (SOL 004 §4.3.3) against the package's files:
    ``package.digest`` (the file's bytes do not have the listed hash), ``package.algorithm``
    (an algorithm not in :data:`ALGORITHMS`), ``package.manifest-missing`` (a listed file
    the package lacks). Path ``Source: <file>``, line of that ``Source`` line; an entry
    without ``Hash`` or with a URI source is not checked."""
    problems: list[Problem] = []
    for source, algorithm, digest, line in manifest_entries(text):
        where = f"Source: {source}"
        if re.match(r"^[a-zA-Z][a-zA-Z0-9+.-]*://", source):
            continue
        member = posixpath.normpath(source)
        if member not in files:
            problems.append(
                Problem(where, "package.manifest-missing", f"{source} is listed but not in the package", line)
            )
            continue
        if not digest:
            continue
        name = ALGORITHMS.get(algorithm.upper())
        if name is None:
            problems.append(
                Problem(
                    where,
                    "package.algorithm",
                    f"{source}: unknown algorithm {algorithm!r} ({', '.join(ALGORITHMS)})",
                    line,
                )
            )
            continue
        actual = hashlib.new(name, reader(member)).hexdigest()
        if actual != digest.lower():
            problems.append(
                Problem(
                    where,
                    "package.digest",
                    f"{source} was changed: its {algorithm.upper()} is {actual}, the manifest says {digest.lower()}",
                    line,
                )
            )
    return problems


def manifest_entries(text: str) -> list[tuple[str, str, str, int]]:
    """``(source, algorithm, hash, line)`` of each ``Source:`` entry of a manifest, in
    order (the ``Algorithm``/``Hash`` lines that follow it; ``""`` when absent). A CMS
    signature block (``-----BEGIN``) ends the entries."""
    out: list[list[object]] = []
    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if line.startswith("-----BEGIN"):
            break
        key, sep, value = line.partition(":")
        if not sep:
            continue
        key, value = key.strip(), value.strip()
        if key == "Source":
            out.append([value, "", "", number])
        elif out and key == "Algorithm" and not out[-1][1]:
            out[-1][1] = value
        elif out and key == "Hash" and not out[-1][2]:
            out[-1][2] = value
    return [(str(s), str(a), str(h), int(str(n))) for s, a, h, n in out]


def _error(label: str, problems: list[tuple[str, Problem]]) -> PackageError:
    member = problems[0][0]
    if all(m == member for m, _ in problems):
        return PackageError(f"{label}/{member}" if member else label, [p for _, p in problems])
    return PackageError(
        label, [Problem(p.path, p.rule, f"{m}: {p.message}" if m else p.message, None) for m, p in problems]
    )


def _member_problem(name: str) -> str | None:
    if not name or name.startswith(("/", "\\")) or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return "a package path is relative and '/'-separated"
    if any(part in ("", ".", "..") for part in name.rstrip("/").split("/")):
        return "a package path has no empty, '.' or '..' parts"
    return None


def _zip_files(archive: zipfile.ZipFile, label: str) -> tuple[dict[str, zipfile.ZipInfo], list[Problem]]:
    infos: dict[str, zipfile.ZipInfo] = {}
    problems: list[Problem] = []
    for info in archive.infolist():
        if info.is_dir() or _JUNK.search(info.filename):
            continue
        why = _member_problem(info.filename)
        if why is None and stat.S_ISLNK(info.external_attr >> 16):
            why = "a symbolic link; a package holds regular files only"
        if why is not None:
            problems.append(Problem(info.filename, "package.path", why))
            continue
        infos[info.filename] = info
    return infos, problems


def _folder_files(folder: Path, label: str) -> tuple[dict[str, int], list[Problem]]:
    files: dict[str, int] = {}
    problems: list[Problem] = []
    real_root = os.path.realpath(folder)
    for current, dirs, names in os.walk(folder):
        dirs[:] = sorted(d for d in dirs if not _JUNK.search(d + "/"))
        for entry in sorted(names):
            full = os.path.join(current, entry)
            rel = os.path.relpath(full, folder).replace(os.sep, "/")
            if _JUNK.search(rel):
                continue
            real = os.path.realpath(full)
            if not (real == real_root or real.startswith(real_root.rstrip(os.sep) + os.sep)):
                problems.append(Problem(rel, "package.path", "a symbolic link out of the package"))
                continue
            try:
                info = os.stat(real)
            except OSError:
                continue
            if not stat.S_ISREG(info.st_mode):
                problems.append(Problem(rel, "package.path", "not a regular file"))
                continue
            files[rel] = info.st_size
    return files, problems


def _check(files: dict[str, int], problems: list[Problem], label: str) -> None:
    total = sum(files.values())
    if len(files) > MAX_FILES:
        problems.append(
            Problem("", "package.too-many-files", f"{len(files)} files; at most {MAX_FILES} (RDCL_PACKAGE_MAX_FILES)")
        )
    if total > MAX_BYTES:
        problems.append(
            Problem("", "package.too-large", f"{total} bytes in all; at most {MAX_BYTES} (RDCL_PACKAGE_MAX_BYTES)")
        )
    for name, size in files.items():
        if size > MAX_FILE_BYTES:
            problems.append(
                Problem(
                    name,
                    "package.too-large",
                    f"{name} has {size} bytes; at most {MAX_FILE_BYTES} (RDCL_PACKAGE_MAX_FILE_BYTES)",
                )
            )
    if problems:
        raise PackageError(label, problems)


def _extract(archive: zipfile.ZipFile, infos: dict[str, zipfile.ZipInfo], root: Path, label: str) -> None:
    """Inflate each member under ``root``, never past the size it declared (a lying header)."""
    for name, info in infos.items():
        target = root / name
        target.parent.mkdir(parents=True, exist_ok=True)
        try:
            with archive.open(info) as src, open(target, "wb") as dst:
                left = info.file_size + 1
                while chunk := src.read(min(1 << 20, left)):
                    left -= len(chunk)
                    if left <= 0:
                        raise PackageError(
                            label, [Problem(name, "package.too-large", f"{name} inflates past its declared size")]
                        )
                    dst.write(chunk)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError, EOFError, OSError, ValueError) as exc:
            raise PackageError(label, [Problem(name, "package.zip", f"{name} cannot be read: {exc}")]) from None


def _file_digest(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return "sha256:" + digest.hexdigest()


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def file_references(node: dict[str, Any]) -> Iterator[tuple[list[Any], str]]:
    """``(path parts, file)`` of every file a node template's artifacts and interface
    operations name: an artifact's path or ``file`` (not images: artifact types named
    ``...Image...`` are referenced, not carried), an operation's ``implementation`` (a path,
    or ``primary`` and ``dependencies``) unless it names an artifact of the node."""
    artifacts: dict[str, Any] = _mapping(node.get("artifacts"))
    for key, artifact in artifacts.items():
        if isinstance(artifact, str):
            yield ["artifacts", key], artifact
        elif (
            isinstance(artifact, dict)
            and isinstance(artifact.get("file"), str)
            and "Image" not in str(artifact.get("type", ""))
        ):
            yield ["artifacts", key, "file"], artifact["file"]
    for iface, operations in _mapping(node.get("interfaces")).items():
        if not isinstance(operations, dict):
            continue
        listed = _mapping(operations.get("operations"))
        for prefix, ops in ((["interfaces", iface], operations), (["interfaces", iface, "operations"], listed)):
            for op, spec in ops.items():
                if op in ("type", "inputs", "operations", "notifications"):
                    continue
                for parts, ref in _implementations(spec):
                    if ref not in artifacts:
                        yield [*prefix, op, *parts], ref


def _implementations(spec: Any) -> Iterator[tuple[list[Any], str]]:
    if isinstance(spec, str):
        yield [], spec
        return
    impl = spec.get("implementation") if isinstance(spec, dict) else None
    if isinstance(impl, str):
        yield ["implementation"], impl
    elif isinstance(impl, dict):
        if isinstance(impl.get("primary"), str):
            yield ["implementation", "primary"], impl["primary"]
        deps = impl.get("dependencies")
        for i, dep in enumerate(deps if isinstance(deps, list) else [deps] if isinstance(deps, str) else []):
            if isinstance(dep, str):
                yield ["implementation", "dependencies", i], dep


def missing_file(template: str, ref: str, files: Collection[str], where: str = "project") -> tuple[str, str] | None:
    """``(rule, message)`` when ``ref``, named in ``template`` (both package-relative), is
    not one of ``files``: ``package.outside`` (it leaves the package) or
    ``package.file-missing``; None when it is there, a URL or an absolute path."""
    if not ref or "://" in ref or ref.startswith("/"):
        return None
    target = posixpath.normpath(posixpath.join(posixpath.dirname(template), ref))
    if target == ".." or target.startswith("../"):
        return "package.outside", f"{ref} is outside the {where}: a package cannot carry it"
    if target not in files:
        named = ref if target == ref else f"{ref} ({target} in the {where})"
        return "package.file-missing", f"{named} is not a file of the {where}: add it, or import the package with it"
    return None


def _check_references(pkg: Package) -> None:
    problems = reference_problems(pkg)
    if problems:
        raise _error(pkg.name, problems)


def reference_problems(pkg: Package) -> list[tuple[str, Problem]]:
    """``(descriptor, problem)`` for every file a descriptor's node templates name
    (:func:`file_references`) that the package lacks (:func:`missing_file`); the path is
    ``topology_template.node_templates.<node>.<...>``, the line where it is written."""
    out: list[tuple[str, Problem]] = []
    for name in pkg.descriptors:
        try:
            text = (pkg.root / name).read_text(encoding="utf-8-sig")
            if "node_templates" not in text:
                continue  # type definitions only: nothing names a file
            limits.check_yaml(text)
            cached = parsed_once(text.encode("utf-8"), text)  # tosca-parser's imports then reuse it
            data = cached[1] if cached is not None else limits.load_yaml(text)
        except (OSError, UnicodeDecodeError, yaml.YAMLError, limits.LimitError):
            continue  # the loader reports it
        topology = data.get("topology_template") if isinstance(data, dict) else None
        nodes = topology.get("node_templates") if isinstance(topology, dict) else None
        if not isinstance(nodes, dict):
            continue
        tree = None
        for node_name, node in nodes.items():
            for parts, ref in file_references(node if isinstance(node, dict) else {}):
                why = missing_file(name, ref, pkg.files, "package")
                if why is None:
                    continue
                tree = (
                    tree
                    if tree is not None
                    else yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
                )
                where = ["topology_template", "node_templates", node_name, *parts]
                path = ".".join(f"[{p}]" if isinstance(p, int) else str(p) for p in where).replace(".[", "[")
                out.append((name, Problem(path, why[0], why[1], _line(tree, where))))
    return out


def _line(node: Any, parts: list[Any]) -> int | None:
    line: int | None = None
    for part in parts:
        child = None
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            line = next((k.start_mark.line + 1 for k, _ in node.value if getattr(k, "value", None) == part), line)
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and 0 <= part < len(node.value):
            child = node.value[part]
            line = child.start_mark.line + 1
        if child is None:
            break
        node = child
    return line
