"""A designer project to the catalogue: translate, commit, push, publish, on a worker.

RDCL 3D pushed to git inside the web request; here the request only records a
:class:`~nfvo.models.Publication` naming the project's current revisions and queues it
after its transaction commits. A worker then claims it once (``pending`` -> ``running``,
a conditional update, so a redelivered task does nothing), reads the files at exactly
those revisions, parses them with the project type's plugin (the designer's own data
model: no second parser), translates the service, commits and pushes it
(:mod:`translators.git_push`) and creates or updates the catalogue item
(:func:`nfvo.services.publish_item`) for the publishing tenant
(:func:`nfvo.access.publishing_tenant`). A refusal keeps every located problem; a name
another tenant owns ends the publication failed before anything is committed; a failed
push keeps the local commit (publish again to push it).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone

from rdcl import checks, packaging
from rdcl.models import Project, Revision
from rdcl.services import current_revisions
from rdcl.types.base import ProjectType
from rdcl.types.registry import get_type
from translators.errors import DescriptorError, Problem
from translators.git_push import PushError
from translators.translate import Translation

from . import access, dispatch, services, sites
from .exceptions import NameTaken, NothingToPublish, TranslationRefused
from .models import CatalogueItem, Publication
from .pipeline import publish_translation

#: The rule of a publication stopped because it would replace another project's item.
REPLACES_ITEM = "publication.replaces-item"


def request(project: Project, user, tenant=None, replace: bool = False) -> Publication:
    """Record a publication of ``project``'s current revisions for ``tenant`` (None: the
    publisher's, :func:`nfvo.access.publishing_tenant`); it is queued after commit.
    ``replace``: the publisher confirmed replacing an item another project published.

    Access checks (read access to the project, an operator role) are the caller's.
    :raises ValueError: the project has no files.
    """
    revisions = {path: rev.number for path, rev in current_revisions(project).items()}
    if not revisions:
        raise NothingToPublish(f"project {project.name} has no files to publish")
    with transaction.atomic():
        pub = Publication.objects.create(
            project=project,
            project_name=project.name,
            user=user,
            tenant=tenant,
            revisions=revisions,
            replace=replace,
        )
        transaction.on_commit(lambda: dispatch.publication(pub))
    return pub


def run(pub_id: int) -> Publication | None:
    """Carry out publication ``pub_id`` to its end; None when it is not pending (a redelivery)."""
    if not Publication.objects.filter(pk=pub_id, status=Publication.PENDING).update(status=Publication.RUNNING):
        return None
    pub = Publication.objects.select_related("project").get(pk=pub_id)
    try:
        if pub.project is None:
            raise NothingToPublish(f"project {pub.project_name} was deleted before it could be published")
        translation = translate_project(pub.project.type, files_at(pub.project, pub.revisions), pub.project.entry)
        existing = CatalogueItem.objects.filter(name=translation.name).first()
        owner = access.publishing_tenant(pub.user, existing, pub.tenant)
        # a name another tenant owns is refused before anyone is asked to confirm replacing it
        services.claim_name(translation.name, owner, take_over=access.may_take_over(pub.user))
        if existing is not None and not pub.replace and (why := _replaces(existing, pub)):
            return _end(
                pub,
                Publication.FAILED,
                why,
                problems=[{"file": "", "path": "", "line": None, "rule": REPLACES_ITEM, "message": why}],
                report=translation.report,
            )
        published, item = publish_translation(translation, owner, take_over=access.may_take_over(pub.user))
    except TranslationRefused as exc:
        return _end(pub, Publication.FAILED, str(exc), problems=exc.problems)
    except PushError as exc:
        return _end(pub, Publication.FAILED, f"push failed, local commit {exc.commit} kept: {exc}", commit=exc.commit)
    except (ValueError, LookupError, PermissionError) as exc:
        return _end(pub, Publication.FAILED, str(exc))
    except NameTaken as exc:
        return _end(pub, Publication.FAILED, f"{exc}; nothing was committed")
    return _end(
        pub,
        Publication.PUBLISHED,
        f"published {item.name} at {published.commit}",
        item=item,
        commit=published.commit,
        report=translation.report,
    )


def _replaces(item: CatalogueItem, pub: Publication) -> str:
    """Why publishing ``pub`` would replace ``item`` someone else made ("" when the item's
    last publication was from ``pub``'s own project)."""
    last = (
        Publication.objects.filter(item=item, status=Publication.PUBLISHED)
        .exclude(pk=pub.pk)
        .order_by("-finished", "-pk")
        .first()
    )
    if last is not None and last.project_id == pub.project_id:
        return ""
    by = f"project {last.project_name}" if last is not None else "a repository, not a designer project"
    return f"catalogue item {item.name} was published by {by}; publishing would replace it (confirm to replace)"


def _end(pub: Publication, status: str, message: str, **fields) -> Publication:
    for name, value in {"status": status, "message": message, "finished": timezone.now(), **fields}.items():
        setattr(pub, name, value)
    pub.save()
    return pub


def files_at(project: Project, revisions: dict[str, int]) -> dict[str, str]:
    """``{path: text}`` of ``project``'s files at the given revision numbers.

    :raises LookupError: a file or revision is gone (the file was deleted meanwhile).
    """
    rows = Revision.objects.filter(file__project=project, file__path__in=list(revisions)).values_list(
        "file__path", "number", "text"
    )
    found = {path: text for path, number, text in rows if revisions.get(path) == number}
    missing = sorted(set(revisions) - set(found))
    if missing:
        raise LookupError(f"files deleted since the publication was asked for: {', '.join(missing)}")
    return found


def translate_project(type_name: str, files: dict[str, str], entry: str = "") -> Translation:
    """Translate a designer project (``{path: text}``) for the registered sites, from the
    model its project-type plugin parses (the designer's own: nothing is parsed twice), by
    that plugin (:meth:`rdcl.types.base.ProjectType.translate`): a TOSCA type translates
    the main service template (``entry``, or :func:`rdcl.packaging.main_template`), an
    ETSI type its VNFDs/NSDs with their nested descriptors; a type without a translation
    refuses (rule ``translate.type``).

    :raises TranslationRefused: the files do not parse or cannot be translated; each problem names
        its file, its path in the document and the rule.
    """
    plugin = get_type(type_name)
    with checks.on_disk(files) as (sources, root):
        scratch, model = str(root) + "/", None
        try:
            model = plugin.parse(sources)
            return plugin.translate(model, sites.site_map(), packaging.main_template(files, entry))
        except DescriptorError as exc:  # name the project's file, never the scratch folder
            raise TranslationRefused(
                exc.report().replace(scratch, "").splitlines()[0],
                [_problem(exc, p, scratch, plugin, model) for p in exc.problems],
            ) from None


def _problem(exc: DescriptorError, problem: Problem, scratch: str, plugin: ProjectType, model) -> dict:
    """A problem as stored on the publication, in the project file it belongs to: the one
    the plugin finds its path in (:meth:`~rdcl.types.base.ProjectType.file_of`: for ETSI
    descriptors the file of the descriptor its path names), else the error's."""
    found = plugin.file_of(model, problem.path) if model is not None else None
    file = found or exc.file.replace(scratch, "")
    return {
        "file": file,
        "path": problem.path,
        "line": problem.line,
        "rule": problem.rule,
        "message": problem.message.replace(scratch, ""),
        **({"member": problem.member} if problem.member else {}),
    }
