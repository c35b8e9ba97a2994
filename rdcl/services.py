"""What the designer does with projects, whoever asks (REST API, admin, commands).

* Who sees what: :func:`visible_projects`, :func:`access_of`, :func:`require`. A project is
  its owner's; shares give other users ``read`` or ``write``; superusers may do anything.
* Every change (create, import, save, restore, delete, entry) validates the whole project
  as it would be after the change (:func:`rdcl.checks.validate`) and is refused with every
  problem (:class:`InvalidProject`); nothing is stored then.
* Saves name the revision they started from (``base_revision``, 0 for a new file); when it
  is not the current one the save is a :class:`Conflict`, never an overwrite. The check
  and the insert are one transaction, guarded twice: the project's ``generation`` must not
  have moved since the files were read and validated, and ``(file, number)`` is unique.
* The graph of what a change stores is built from the model its validation read and
  cached under the new revisions' digests (:func:`keep_graph`): opening the project next
  does not parse it again.
"""

from __future__ import annotations

import difflib
import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import cast

from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils import timezone

from . import checks, packaging
from .exceptions import Conflict, Forbidden, InvalidProject, NotTosca, RegistryError, ShareRefused, UnknownView
from .models import DescriptorFile, GraphLayout, Project, ProjectArtifact, ProjectShare, Revision, digest
from .types.registry import get_type

OWNER, WRITE, READ = "owner", ProjectShare.WRITE, ProjectShare.READ
_RANK = {READ: 1, WRITE: 2, OWNER: 3}
#: How many times a save is validated again when another file of the project changed meanwhile.
ATTEMPTS = 5


# -- access ------------------------------------------------------------------------------


def visible_projects(user) -> QuerySet:
    """Projects ``user`` may see: own, shared with them; all for superusers."""
    if not (user and user.is_authenticated):
        return Project.objects.none()
    if user.is_superuser:
        return Project.objects.all()
    shared = ProjectShare.objects.filter(user=user).values("project")
    return Project.objects.filter(Q(owner=user) | Q(pk__in=shared))


def access_of(project: Project, user) -> str | None:
    """``owner`` (also superusers), ``write``, ``read`` or None."""
    if not (user and user.is_authenticated):
        return None
    if user.is_superuser or project.owner_id == user.pk:
        return OWNER
    return ProjectShare.objects.filter(project=project, user=user).values_list("mode", flat=True).first()


def require(project: Project, user, level: str) -> str:
    """The user's access, if it is at least ``level`` (``read``, ``write``, ``owner``).

    :raises Forbidden: less than that.
    """
    mine = access_of(project, user)
    if mine is None or _RANK.get(mine, 0) < _RANK[level]:
        need = {WRITE: "write access", OWNER: "the owner"}.get(level, "read access")
        raise Forbidden(f"only {need} may do this; you have {mine or 'no'} access")
    return mine


def share(project: Project, user, mode: str) -> ProjectShare:
    """Share ``project`` with ``user`` (``read`` or ``write``; replaces an earlier share).

    :raises ShareRefused: the owner, or an unknown mode.
    """
    if user.pk == project.owner_id:
        raise ShareRefused("the owner has every right already", field="user")
    if mode not in (READ, WRITE):
        raise ShareRefused(f"mode is {READ!r} or {WRITE!r}", field="mode")
    found, _ = ProjectShare.objects.update_or_create(project=project, user=user, defaults={"mode": mode})
    return found


# -- reading -----------------------------------------------------------------------------


def current_revisions(project: Project) -> dict[str, Revision]:
    """The current revision of each file of ``project``, by path (sorted)."""
    latest = Revision.objects.filter(file=OuterRef("file")).order_by("-number").values("number")[:1]
    revisions = (
        Revision.objects.filter(file__project=project, number=Subquery(latest))
        .select_related("file", "author")
        .order_by("file__path")
    )
    return {r.file.path: r for r in revisions}


def current_files(project: Project) -> dict[str, str]:
    """``{path: text}`` of the project's current revisions."""
    return {path: r.text for path, r in current_revisions(project).items()}


def artifact_paths(project: Project) -> list[str]:
    """Paths of the project's binary artifacts (:class:`~rdcl.models.ProjectArtifact`)."""
    return list(ProjectArtifact.objects.filter(project=project).values_list("path", flat=True))


def artifact_bytes(project: Project) -> dict[str, bytes]:
    """``{path: bytes}`` of the project's binary artifacts."""
    return {a.path: bytes(a.data) for a in ProjectArtifact.objects.filter(project=project)}


def validation(project: Project, changes: Mapping[str, str | None] | None = None) -> list[dict]:
    """Problems of the project as stored, or as it would be with ``changes`` (``{path: text}``;
    None deletes the file). Nothing is stored."""
    files = current_files(project)
    for path, text in (changes or {}).items():
        if text is None:
            files.pop(path, None)
        else:
            files[path] = text
    return _problems(project.type, files, artifact_paths(project))


def _problems(type_name: str, files: Mapping[str, str], artifacts: Sequence[str] = ()) -> list[dict]:
    bad = _path_problems(files)
    return bad or [checks.problem_data(p) for p in checks.validate(type_name, files, artifacts)]


def _gate(type_name: str, files: Mapping[str, str], artifacts: Sequence[str] = ()) -> tuple[list[dict], dict | None]:
    """:func:`_problems`, and the full graph from the same reading when there are none
    (:func:`rdcl.checks.validate_and_graph`; None when the type gives no model);
    ``artifacts``: paths of the project's binary artifacts (they exist, unvalidated)."""
    bad = _path_problems({**files, **dict.fromkeys(artifacts, "")})
    if bad:
        return bad, None
    problems, full = checks.validate_and_graph(type_name, files, artifacts)
    return [checks.problem_data(p) for p in problems], full


def _path_problems(files: Mapping[str, str]) -> list[dict]:
    return [
        {"file": path, "path": "", "line": None, "rule": "file.path", "message": why}
        for path, why in packaging.path_errors(files).items()
    ]


def diff(file: DescriptorFile, old: int, new: int) -> str:
    """Unified diff (``difflib``) from revision ``old`` to ``new`` of ``file``, labelled
    ``path@number``; a last line without newline is marked as ``diff`` does.

    :raises Revision.DoesNotExist: either revision number is not one of the file's.
    """
    a, b = file.revisions.get(number=old), file.revisions.get(number=new)
    return "".join(difflib.unified_diff(_lines(a.text), _lines(b.text), f"{file.path}@{old}", f"{file.path}@{new}"))


def _lines(text: str) -> list[str]:
    lines = text.splitlines(keepends=True)
    if lines and not lines[-1].endswith(("\n", "\r")):
        lines[-1] += "\n\\ No newline at end of file\n"
    return lines


# -- creating ----------------------------------------------------------------------------


def create_project(
    owner,
    name: str,
    type_name: str,
    files: Mapping[str, str] | None = None,
    *,
    entry: str = "",
    description: str = "",
    message: str = "created",
    artifacts: Mapping[str, bytes] | None = None,
    package_meta: Mapping[str, str] | None = None,
) -> Project:
    """A new project of ``type_name`` with ``files`` (each at revision 1 by ``owner``),
    binary ``artifacts`` (``{path: bytes}``, kept as they are) and ``package_meta`` (an
    imported package's ``TOSCA.meta`` keys the CSAR download writes back).

    :raises Refused: unknown type, a name ``owner`` already uses, or invalid files.
    """
    files = dict(files or {})
    try:
        plugin = get_type(type_name)
    except RegistryError as exc:
        raise InvalidProject([], str(exc)) from None
    if Project.objects.filter(owner=owner, name=name).exists():
        raise InvalidProject([], f"you have a project named {name!r} already")
    entry = entry if checks.is_tosca(plugin) and entry in files else ""
    artifacts = dict(artifacts or {})
    problems, full = _gate(type_name, files, sorted(artifacts))
    if problems:
        raise InvalidProject(problems)
    try:
        with transaction.atomic():
            project = Project.objects.create(
                owner=owner,
                name=name,
                type=type_name,
                entry=entry,
                description=description,
                generation=1 if files else 0,
                package_meta=dict(package_meta or {}) if checks.is_tosca(plugin) else {},
            )
            for path in sorted(artifacts):
                data = artifacts[path]
                ProjectArtifact.objects.create(
                    project=project, path=path, data=data, size=len(data), sha256=hashlib.sha256(data).hexdigest()
                )
            for path in sorted(files):
                stored = DescriptorFile.objects.create(project=project, path=path)
                Revision.objects.create(file=stored, number=1, text=files[path], author=owner, message=message[:500])
    except IntegrityError:
        raise InvalidProject([], f"you have a project named {name!r} already") from None
    keep_graph(type_name, files, full)
    return project


def create_from_example(owner, name: str, type_name: str, example: str = "all", description: str = "") -> Project:
    """A project holding one of the type's examples (its name relative to ``examples/``),
    or all of them (``all``): the examples of a type are meant to go together.

    :raises Refused: unknown type or example, or an example that is not valid alone.
    """
    try:
        found = examples(type_name)
    except RegistryError as exc:
        raise InvalidProject([], str(exc)) from None
    if example != "all":
        if example not in found:
            raise InvalidProject([], f"{type_name} has no example {example!r}; examples: {', '.join(found)}")
        found = {example: found[example]}
    return create_project(
        owner, name, type_name, found, description=description, message=f"from the {type_name} example"
    )


def create_from_starter(owner, name: str, type_name: str, description: str = "") -> Project:
    """A new, nearly empty project: the type's starter files (:meth:`ProjectType.starter`).

    :raises Refused: unknown type, a name ``owner`` already uses, or an invalid starter.
    """
    try:
        files = get_type(type_name).starter()
    except RegistryError as exc:
        raise InvalidProject([], str(exc)) from None
    return create_project(owner, name, type_name, files, description=description, message="new project")


def examples(type_name: str) -> dict[str, str]:
    """``{name: text}`` of a type's examples (names relative to its ``examples/`` folder)."""
    plugin = get_type(type_name)
    folder = plugin.folder() / "examples"
    return {p.relative_to(folder).as_posix(): p.read_text(encoding="utf-8") for p in plugin.examples()}


@dataclass
class Imported:
    """An import's outcome: the project, and what the upload was (``csar``, ``zip``,
    ``project``, ``file``)."""

    project: Project
    kind: str


def import_upload(owner, upload_name: str, data: bytes, *, name: str = "", type_name: str = "") -> Imported:
    """A project from an uploaded zip, CSAR, RDCL 3D project JSON or single file
    (:func:`rdcl.packaging.read_upload`); the type is detected unless given, the name
    defaults to the upload's stem. Validated as a whole: a refused import stores nothing.

    :raises Refused: unreadable upload, undetectable type, invalid files.
    """
    upload = packaging.read_upload(upload_name, data)
    if upload.problems:
        raise InvalidProject([checks.problem_data(p) for p in upload.problems])
    if not upload.files:
        raise InvalidProject([], "the upload holds no file")
    if not type_name:
        detected, claims = checks.detect(upload.detect_on)
        if detected is None:
            said = "; ".join(f"{path}: {claim or 'no type'}" for path, claim in claims.items()) or "no YAML/JSON file"
            raise InvalidProject([], f"cannot tell the project type ({said}); give type")
        type_name = detected
    name = name or _stem(upload_name)
    project = create_project(
        owner,
        name,
        type_name,
        upload.files,
        entry=upload.entry,
        message=f"imported from {upload_name}",
        artifacts=upload.artifacts,
        package_meta=upload.meta,
    )
    return Imported(project, upload.kind)


def _stem(name: str) -> str:
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    base = "".join("_" if packaging.name_error(c) else c for c in base)  # no control character in a name
    return (base.rsplit(".", 1)[0] if "." in base else base)[:100] or "imported"


# -- changing ----------------------------------------------------------------------------


def save_file(project: Project, path: str, text: str, base_revision: int, author, message: str = "") -> Revision:
    """Store ``text`` as the next revision of ``path`` (a new file when ``base_revision`` is 0).

    :raises Conflict: ``base_revision`` is not the file's current revision (0 for an existing file).
    :raises Refused: the project would be invalid.
    """
    saved = _commit(project, {path: text}, {path: base_revision}, author, message)[path]
    return cast(Revision, saved)  # a text: not a deletion (None)


def save_files(project: Project, files: list[dict], author, message: str = "") -> dict[str, Revision]:
    """Store several files at once (``[{"path", "text", "base_revision"}]``, 0 for a new
    file): the project is validated with all of them, then all are stored in one
    transaction or none is, so a change that spans files (an NSD naming a new VNFD
    external CP) is saved whole. Returns the new revisions by path.

    :raises Conflict: a ``base_revision`` is not that file's current revision.
    :raises Refused: a path given twice, or the project would be invalid.
    """
    paths = [f["path"] for f in files]
    if len(set(paths)) != len(paths):
        twice = sorted({p for p in paths if paths.count(p) > 1})
        raise InvalidProject([], f"a save names each file once; given twice: {', '.join(twice)}")
    changes = {f["path"]: f["text"] for f in files}
    bases = {f["path"]: f["base_revision"] for f in files}
    return cast(dict[str, Revision], _commit(project, changes, bases, author, message))  # texts: no deletion (None)


def restore(file: DescriptorFile, number: int, base_revision: int, author, message: str = "") -> Revision:
    """A new revision of ``file`` with the text of revision ``number`` (validated like a save).

    :raises Revision.DoesNotExist: no such revision. :raises Conflict, Refused: as :func:`save_file`.
    """
    old = file.revisions.get(number=number)
    return save_file(file.project, file.path, old.text, base_revision, author, message or f"restored revision {number}")


def delete_file(project: Project, path: str, base_revision: int, author) -> None:
    """Remove a file and its history, if the project stays valid without it.

    :raises Conflict, Refused: as :func:`save_file`.
    """
    _commit(project, {path: None}, {path: base_revision}, author, "")


def set_entry(project: Project, entry: str) -> Project:
    """Make ``entry`` the main template of a TOSCA project (``""``: find it).

    :raises Refused: not a TOSCA project, or not one of its YAML files.
    """
    if entry and not checks.is_tosca(get_type(project.type)):
        raise InvalidProject([], f"a {project.type} project has no entry (main template): only TOSCA projects do")
    if entry and (
        not entry.lower().endswith((".yaml", ".yml"))
        or not DescriptorFile.objects.filter(project=project, path=entry).exists()
    ):
        raise InvalidProject([], f"entry {entry!r} is not a YAML file of the project")
    project.entry = entry
    project.save(update_fields=["entry"])
    return project


def _commit(
    project: Project, changes: Mapping[str, str | None], bases: Mapping[str, int], author, message: str
) -> dict[str, Revision | None]:
    """Apply ``changes`` (``{path: text}``, None deletes) made from ``bases`` (``{path:
    revision number}``): validate the whole project with them, then store them in one
    transaction if nothing moved meanwhile. Returns the new revisions by path."""
    for path in changes:
        if why := packaging.path_error(path):
            raise InvalidProject([{"file": path, "path": "", "line": None, "rule": "file.path", "message": why}])
    for _ in range(ATTEMPTS):
        generation, entry = Project.objects.values_list("generation", "entry").get(pk=project.pk)
        stored = current_revisions(project)
        for path, base in bases.items():
            current = stored.get(path)
            if (current.number if current else 0) != base or (current is None and changes[path] is None):
                raise _conflict(path, base, current)
        files = {path: r.text for path, r in stored.items()}
        for path, text in changes.items():
            if text is None:
                files.pop(path)
            else:
                files[path] = text
        entry = entry if entry in files else ""
        problems, full = _gate(project.type, files, artifact_paths(project))
        if problems:
            raise InvalidProject(problems)
        try:
            with transaction.atomic():
                moved = not Project.objects.filter(pk=project.pk, generation=generation).update(
                    generation=F("generation") + 1, entry=entry
                )
                if moved:
                    continue  # another change was stored since we read: validate again
                revisions = _store(project, changes, bases, author, message)
            keep_graph(project.type, files, full)
            return revisions
        except IntegrityError:  # the unique (file, number): someone else stored that revision
            pass
    path = next(iter(changes))
    current = current_revisions(project).get(path)
    raise _conflict(path, bases[path], current)


def _store(project, changes, bases, author, message) -> dict[str, Revision | None]:
    out: dict[str, Revision | None] = {}
    for path, text in changes.items():
        if text is None:
            DescriptorFile.objects.filter(project=project, path=path).delete()
            out[path] = None
            continue
        stored, _ = DescriptorFile.objects.get_or_create(project=project, path=path)
        out[path] = Revision.objects.create(
            file=stored, number=bases[path] + 1, text=text, author=author, message=message
        )
    project.refresh_from_db(fields=["generation", "entry"])
    return out


def _conflict(path: str, base: int, current: Revision | None) -> Conflict:
    if current is None:
        return Conflict(f"{path} does not exist (any more); save it as a new file (base revision 0)")
    if base == 0:
        return Conflict(f"{path} exists already (revision {current.number}); save from that revision", current)
    return Conflict(
        f"{path} is at revision {current.number}, not {base}: someone saved it meanwhile; "
        "merge with the current text and save from it",
        current,
    )


# -- graph -------------------------------------------------------------------------------


def graph(project: Project, view: str) -> dict:
    """The ``view`` graph of the project; each node carries its stored ``position`` (or None).

    :raises UnknownView: unknown view (message lists the views).
    """
    revisions = current_revisions(project)
    data = cached_graph(
        project.type,
        {path: r.text for path, r in revisions.items()},
        view,
        {path: r.digest for path, r in revisions.items()},
    )
    layout = GraphLayout.objects.filter(project=project, view=view).first()
    positions = layout.positions if layout else {}
    for node in data["nodes"]:
        node["position"] = positions.get(node["id"])
    return data


#: Bump when graph builders change what they return for the same files.
GRAPH_CACHE_VERSION = 1
GRAPH_CACHE_SECONDS = 24 * 3600


def cached_graph(type_name: str, files: Mapping[str, str], view: str, digests: Mapping[str, str] | None = None) -> dict:
    """:func:`rdcl.checks.graph`, with the whole graph kept in Django's cache under the
    files' digests (a revision's ``digest``; computed for unsaved ``files``): opening a
    project whose files did not change does not parse them again (tosca-parser takes
    ~0.25 s for 500 node templates), and a graph is never stale (changed files, new key).
    A save or an import has put the graph of what it stored there already
    (:func:`keep_graph`), so a miss parses only for files stored otherwise, or evicted.

    :raises UnknownView: unknown view. :raises translators.errors.DescriptorError: unreadable files.
    """
    checks.check_view(type_name, view)
    key = graph_key(type_name, files, digests)
    full = cache.get(key)
    if full is None:
        full = checks.full_graph(type_name, files)
        cache.set(key, full, GRAPH_CACHE_SECONDS)
    return checks.view_graph(type_name, full, view)


def graph_key(type_name: str, files: Mapping[str, str], digests: Mapping[str, str] | None = None) -> str:
    """The cache key of the full graph of ``files``: the type and each path with its text's
    digest (``digests`` when given, a revision's ``digest``; computed from the texts else)."""
    digests = digests or {path: digest(text) for path, text in files.items()}
    key = hashlib.sha256("\0".join([type_name, *(f"{p}\0{digests[p]}" for p in sorted(files))]).encode()).hexdigest()
    return f"rdcl:graph:{GRAPH_CACHE_VERSION}:{key}"


def keep_graph(type_name: str, files: Mapping[str, str], full: dict | None) -> None:
    """Cache ``full``, the full graph of ``files`` just stored (built from the model their
    validation read, see :func:`_gate`), under the key :func:`cached_graph` will look for:
    the first open after a save or an import does not parse again. Nothing when ``full``
    is None (the type gives no model: the graph is read when asked). The key names the
    texts, so a graph kept for a change that another one overtook is simply never asked."""
    if full is not None:
        cache.set(graph_key(type_name, files), full, GRAPH_CACHE_SECONDS)


def set_positions(project: Project, view: str, positions: dict, user) -> GraphLayout:
    """Store the node positions of a view (replacing the earlier ones).

    :raises UnknownView: unknown view.
    """
    views = get_type(project.type).description_model().views
    if view not in views:
        raise UnknownView(f"unknown view {view!r} of {project.type}; views: {', '.join(views)}")
    layout, _ = GraphLayout.objects.update_or_create(
        project=project, view=view, defaults={"positions": positions, "updated_by": user, "updated": timezone.now()}
    )
    return layout


# -- downloads ---------------------------------------------------------------------------


def project_zip(project: Project) -> bytes:
    """The project's current files in a zip."""
    return packaging.build_zip(current_files(project), artifact_bytes(project))


def project_csar(project: Project) -> tuple[bytes, str]:
    """``(CSAR bytes, entry)`` of a TOSCA project (see :mod:`rdcl.packaging`).

    :raises NotTosca: not a TOSCA project, or no main template can be told.
    """
    if not checks.is_tosca(get_type(project.type)):
        raise NotTosca(f"a {project.type} project has no CSAR: CSARs are for TOSCA projects")
    files = current_files(project)
    entry = packaging.main_template(files, project.entry)
    if entry is None:
        raise NotTosca("no main template: set the project's entry to the service template to use")
    data = packaging.build_csar(
        files, entry, f"rdcl-nfvo ({project.owner.get_username()})", project.package_meta, artifact_bytes(project)
    )
    return data, entry
