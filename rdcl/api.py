"""REST API of the descriptor designer (``/api/rdcl/``): project types, projects, files,
revisions, validation, graphs, downloads and shares. The GUI uses it too.

Everything needs a login. Projects you neither own nor have been shared are 404 (their
existence is not leaked); a read-only share that tries to write gets 403. A change that
would make the project invalid is 400 with every problem and stores nothing; a save from a
stale revision is 409 with the current revision. The logic is in :mod:`rdcl.services`, the
access each action needs in :mod:`rdcl.permissions`; errors are raised
(:mod:`rdcl.exceptions`) and answered as RFC 9457 problem details by :mod:`config.problems`.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from translators.errors import DescriptorError

from . import checks, services
from .exceptions import InvalidProject, UnknownView, Unreadable
from .models import DescriptorFile, GraphLayout, ProjectShare
from .packaging import MAX_TOTAL_BYTES
from .permissions import ProjectAccess
from .serializers import (
    CheckLinkSerializer,
    ConflictSerializer,
    DiffSerializer,
    FileCreateSerializer,
    FileSerializer,
    FileTextSerializer,
    GraphSerializer,
    ImportedSerializer,
    ImportSerializer,
    LayoutSerializer,
    LinkCheckSerializer,
    PositionsSerializer,
    ProjectCreateSerializer,
    ProjectDetailSerializer,
    ProjectSerializer,
    ProjectTypeSerializer,
    ProjectUpdateSerializer,
    RefusedSerializer,
    RestoreSerializer,
    RevisionSerializer,
    RevisionTextSerializer,
    SaveManySerializer,
    SaveSerializer,
    ShareSerializer,
    ValidateRequestSerializer,
    ValidationSerializer,
)
from .types.description import DescriptionError
from .types.problems import FileProblem
from .types.registry import get_type, types

#: 400: a problem (:mod:`config.problems`) with every located problem (``problems``), or the
#: request's invalid fields (``errors``: DRF's ``{field: [message, ...]}``); nothing stored.
REFUSED = OpenApiResponse(
    description="refused: every problem listed (or the invalid fields of the request), nothing stored"
)
CONFLICT = OpenApiResponse(ConflictSerializer, description="not saved from the current revision")
FORBIDDEN = OpenApiResponse(description="your access to the project does not allow this")
BINARY = OpenApiTypes.BINARY


def attachment(data: bytes | str, filename: str, content_type: str) -> HttpResponse:
    """A download named ``filename``: a quoted ``filename`` when it is printable ASCII, else
    ``filename*`` percent-encoded (RFC 6266 §4.3 / RFC 5987; Django's
    ``content_disposition_header``), so no name can break the header."""
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


# -- project types -----------------------------------------------------------------------


def type_data(name: str, with_text: bool = True) -> dict:
    """A project type as :class:`ProjectTypeSerializer` shows it."""
    plugin = get_type(name)
    try:
        model, error = plugin.description_model().as_dict(), ""
    except DescriptionError as exc:
        model, error = None, str(exc)
    examples = [{"name": n, "text": t} for n, t in services.examples(name).items()]
    return {
        "name": plugin.name,
        "label": plugin.label,
        "extends": list(plugin.extends),
        "csar": checks.is_tosca(plugin),
        "description_model": model,
        "error": error,
        "examples": examples if with_text else [{"name": e["name"], "text": ""} for e in examples],
    }


class ProjectTypeViewSet(viewsets.ViewSet):
    """Project types (plugins under ``rdcl/types/``) with their description models and examples."""

    lookup_field = "name"
    lookup_value_regex = "[A-Za-z0-9_-]+"
    serializer_class = ProjectTypeSerializer

    def list(self, request):
        """Every project type, with its description model and examples."""
        return Response([type_data(name) for name in types()])

    def retrieve(self, request, name=None):
        """One project type."""
        return Response(type_data(name))

    @extend_schema(request=CheckLinkSerializer, responses=LinkCheckSerializer)
    @action(detail=True, methods=["post"], url_path="check-link")
    def check_link(self, request, name=None):
        """May a link join these node types? ``allowed`` with the link type, or the reason it may not."""
        return _check_link(get_type(name), request)


def _check_link(plugin, request) -> Response:
    req = CheckLinkSerializer(data=request.data)
    req.is_valid(raise_exception=True)
    data = req.validated_data
    answer = plugin.check_link(data["source"], data["target"], data["link_type"], data["view"])
    return Response({"allowed": answer.allowed, "link_type": answer.link_type, "reason": answer.reason})


# -- projects ----------------------------------------------------------------------------


@extend_schema_view(
    list=extend_schema(summary="Projects you own or that are shared with you"),
    retrieve=extend_schema(summary="A project with its files"),
    create=extend_schema(request=ProjectCreateSerializer, responses={201: ProjectDetailSerializer, 400: REFUSED}),
    partial_update=extend_schema(
        request=ProjectUpdateSerializer, responses={200: ProjectDetailSerializer, 400: REFUSED, 403: FORBIDDEN}
    ),
    destroy=extend_schema(responses={204: None, 403: FORBIDDEN}),
)
class ProjectViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Projects: create (empty, with files or from an example), import, rename, delete,
    validate, download (zip, CSAR), graphs and their positions, link checks, shares."""

    serializer_class = ProjectSerializer
    permission_classes = [IsAuthenticated, ProjectAccess]
    #: the access each writing action needs (:class:`rdcl.permissions.ProjectAccess`)
    project_access = {
        "partial_update": services.WRITE,
        "save": services.WRITE,
        "positions": services.WRITE,
        "destroy": services.OWNER,
        "shares": services.OWNER,
        "unshare": services.OWNER,
    }

    def get_queryset(self):
        return services.visible_projects(self.request.user).select_related("owner")

    def get_serializer_class(self):
        return ProjectDetailSerializer if self.action == "retrieve" else ProjectSerializer

    def create(self, request):
        """A new project of a type: empty, with ``files``, or from the type's ``example``."""
        req = ProjectCreateSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        if data["example"]:
            project = services.create_from_example(
                request.user, data["name"], data["type"], data["example"], data["description"]
            )
        else:
            project = services.create_project(
                request.user, data["name"], data["type"], data["files"], description=data["description"]
            )
        return Response(
            ProjectDetailSerializer(project, context={"request": request}).data, status=status.HTTP_201_CREATED
        )

    def partial_update(self, request, pk=None):
        """Rename, describe, or set the main template (``entry``) of a TOSCA project (write access)."""
        project = self.get_object()
        req = ProjectUpdateSerializer(data=request.data, partial=True)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        try:
            with transaction.atomic():
                if "entry" in data:
                    services.set_entry(project, data["entry"])
                for field in ("name", "description"):
                    if field in data:
                        setattr(project, field, data[field])
                project.save(update_fields=["name", "description"])
        except IntegrityError:
            raise ValidationError({"name": [f"the owner has a project named {data['name']!r} already"]}) from None
        return Response(ProjectDetailSerializer(project, context={"request": request}).data)

    def destroy(self, request, pk=None):
        """Delete the project, its files and their history (the owner only)."""
        project = self.get_object()
        project.delete()
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(request={"multipart/form-data": ImportSerializer}, responses={201: ImportedSerializer, 400: REFUSED})
    @action(detail=False, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_(self, request):
        """Import a zip or CSAR of descriptor files, an RDCL 3D project JSON, or one
        descriptor, validated as a whole; a refused import stores nothing."""
        req = ImportSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        upload = data["file"]
        if upload.size > MAX_TOTAL_BYTES:
            raise InvalidProject([], f"refused, nothing stored: more than {MAX_TOTAL_BYTES} bytes")
        imported = services.import_upload(
            request.user, upload.name, upload.read(), name=data["name"], type_name=data["type"]
        )
        return Response(
            ImportedSerializer(imported.project, context={"request": request, "kind": imported.kind}).data,
            status=status.HTTP_201_CREATED,
        )

    @extend_schema(
        request=SaveManySerializer,
        responses={200: FileTextSerializer(many=True), 400: REFUSED, 403: FORBIDDEN, 409: CONFLICT},
    )
    @action(detail=True, methods=["post"])
    def save(self, request, pk=None):
        """Save several files at once, each from the revision it was edited from: the
        project is validated with all of them and all are stored, or none (400 with every
        problem; 409 with the current revision of a file saved meanwhile)."""
        project = self.get_object()
        req = SaveManySerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        revisions = services.save_files(project, data["files"], request.user, data["message"])
        return Response(FileTextSerializer([revisions[p] for p in sorted(revisions)], many=True).data)

    @extend_schema(methods=["GET"], request=None, responses=ValidationSerializer)
    @extend_schema(methods=["POST"], request=ValidateRequestSerializer, responses=ValidationSerializer)
    @action(detail=True, methods=["get", "post"])
    def validate(self, request, pk=None):
        """Validate the project as stored (GET), or as it would be with ``files`` changed (POST; nothing stored)."""
        project = self.get_object()
        changes = {}
        if request.method == "POST":
            req = ValidateRequestSerializer(data=request.data)
            req.is_valid(raise_exception=True)
            changes = req.validated_data["files"]
        problems = services.validation(project, changes)
        return Response({"valid": not problems, "problems": problems})

    @extend_schema(responses={(200, "application/zip"): BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        """The project's current files in a zip."""
        project = self.get_object()
        return attachment(services.project_zip(project), f"{project.name}.zip", "application/zip")

    @extend_schema(
        responses={(200, "application/zip"): BINARY, 400: OpenApiResponse(description="not a TOSCA project")}
    )
    @action(detail=True, methods=["get"])
    def csar(self, request, pk=None):
        """A TOSCA project as a CSAR (ETSI GS NFV-SOL 004): ``TOSCA-Metadata/TOSCA.meta``
        whose ``Entry-Definitions`` is the main template, and the files at their paths."""
        project = self.get_object()
        data, _ = services.project_csar(project)
        return attachment(data, f"{project.name}.csar", "application/zip")

    @extend_schema(
        responses={
            200: GraphSerializer,
            404: OpenApiResponse(description="unknown view"),
            409: OpenApiResponse(RefusedSerializer, description="stored files the type cannot read"),
        }
    )
    @action(detail=True, methods=["get"], url_path=r"graph/(?P<view>[A-Za-z0-9_.-]+)")
    def graph(self, request, pk=None, view=None):
        """The graph of one view (nodes with their stored positions, links), from the project type's graph builder."""
        project = self.get_object()
        try:
            return Response(services.graph(project, view))
        except DescriptorError as exc:  # stored when valid; only a changed plugin gets here
            raise Unreadable(
                f"the project's files cannot be read: {exc.file}",
                [
                    checks.problem_data(FileProblem(p.path, p.rule, p.message, p.line, exc.file, member=p.member))
                    for p in exc.problems
                ],
            ) from None

    @extend_schema(methods=["GET"], request=None, responses=LayoutSerializer)
    @extend_schema(methods=["PUT"], request=PositionsSerializer, responses={200: LayoutSerializer, 403: FORBIDDEN})
    @action(detail=True, methods=["get", "put"], url_path=r"graph/(?P<view>[A-Za-z0-9_.-]+)/positions")
    def positions(self, request, pk=None, view=None):
        """The stored node positions of a view (GET), or store new ones (PUT, write access)."""
        project = self.get_object()
        if request.method == "GET":
            views = get_type(project.type).description_model().views
            if view not in views:
                raise UnknownView(f"unknown view {view!r} of {project.type}; views: {', '.join(views)}")
            layout = GraphLayout.objects.filter(project=project, view=view).first() or GraphLayout(view=view)
            return Response(LayoutSerializer(layout).data)
        req = PositionsSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        layout = services.set_positions(project, view, req.validated_data["positions"], request.user)
        return Response(LayoutSerializer(layout).data)

    @extend_schema(request=CheckLinkSerializer, responses=LinkCheckSerializer)
    @action(detail=True, methods=["post"], url_path="check-link")
    def check_link(self, request, pk=None):
        """May a link join these node types in this project's type? ``allowed``, or the reason."""
        return _check_link(get_type(self.get_object().type), request)

    @extend_schema(methods=["GET"], request=None, responses=ShareSerializer(many=True))
    @extend_schema(methods=["POST"], request=ShareSerializer, responses={200: ShareSerializer, 403: FORBIDDEN})
    @action(detail=True, methods=["get", "post"], pagination_class=None)  # the whole list, as documented
    def shares(self, request, pk=None):
        """Who the project is shared with (GET); share it with a user, read or write (POST, the owner)."""
        project = self.get_object()
        if request.method == "GET":
            return Response(ShareSerializer(project.shares.select_related("user"), many=True).data)
        req = ShareSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        found = services.share(project, req.validated_data["user"], req.validated_data["mode"])
        return Response(ShareSerializer(found).data)

    @extend_schema(request=None, responses={204: None, 403: FORBIDDEN})
    @action(detail=True, methods=["delete"], url_path=r"shares/(?P<username>[^/]+)")
    def unshare(self, request, pk=None, username=None):
        """Stop sharing the project with a user (the owner)."""
        project = self.get_object()
        user = get_object_or_404(get_user_model(), username=username)
        get_object_or_404(ProjectShare, project=project, user=user).delete()
        return Response(status=status.HTTP_204_NO_CONTENT)


# -- files and revisions -----------------------------------------------------------------

BASE = OpenApiParameter("base_revision", int, required=True, description="the file's current revision")
REVISION = OpenApiParameter("revision", int, description="a revision number (default: the current one)")


@extend_schema(parameters=[OpenApiParameter("project_pk", int, OpenApiParameter.PATH)])
class FileViewSet(viewsets.GenericViewSet):
    """Descriptor files of a project, their revisions (history), diffs, restores and downloads.

    Saving needs the revision the text was edited from (``base_revision``): 409 with the
    current revision when someone saved in between.
    """

    serializer_class = FileSerializer
    lookup_value_regex = "[0-9]+"
    permission_classes = [IsAuthenticated, ProjectAccess]
    #: the access each writing action needs (:class:`rdcl.permissions.ProjectAccess`)
    project_access = {
        "create": services.WRITE,
        "update": services.WRITE,
        "destroy": services.WRITE,
        "restore": services.WRITE,
    }

    def project(self):
        """The project in the URL, if the user may see it (else 404)."""
        if not hasattr(self, "_project"):
            self._project = get_object_or_404(
                services.visible_projects(self.request.user), pk=self.kwargs["project_pk"]
            )
        return self._project

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return DescriptorFile.objects.none()
        return DescriptorFile.objects.filter(project=self.project()).select_related("project")

    def _revision(self, file, number: str | int | None):
        if number in (None, ""):
            return file.current()
        try:
            return get_object_or_404(file.revisions.select_related("author", "file"), number=int(number))
        except ValueError:
            raise Http404("a revision is a number") from None

    @extend_schema(
        parameters=[OpenApiParameter("path", str, description="only the file at this path")],
        responses=FileSerializer(many=True),
    )
    def list(self, request, project_pk=None):
        """The files (their current revisions)."""
        current = list(services.current_revisions(self.project()).values())
        if "path" in request.query_params:
            current = [r for r in current if r.file.path == request.query_params["path"]]
        page = self.paginate_queryset(current)
        return self.get_paginated_response(FileSerializer(page, many=True).data)

    @extend_schema(
        request=FileCreateSerializer, responses={201: FileTextSerializer, 400: REFUSED, 403: FORBIDDEN, 409: CONFLICT}
    )
    def create(self, request, project_pk=None):
        """Add a file (revision 1); 409 when the path exists already."""
        req = FileCreateSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        revision = services.save_file(self.project(), data["path"], data["text"], 0, request.user, data["message"])
        return Response(FileTextSerializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(parameters=[REVISION], responses=FileTextSerializer)
    def retrieve(self, request, project_pk=None, pk=None):
        """A file with its text (of ``?revision=``, default the current one)."""
        revision = self._revision(self.get_object(), request.query_params.get("revision"))
        return Response(FileTextSerializer(revision).data)

    @extend_schema(
        request=SaveSerializer, responses={200: FileTextSerializer, 400: REFUSED, 403: FORBIDDEN, 409: CONFLICT}
    )
    def update(self, request, project_pk=None, pk=None):
        """Save a new revision: validated with the whole project (400 with every problem,
        nothing stored); 409 with the current revision when ``base_revision`` is not it."""
        file = self.get_object()
        req = SaveSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        revision = services.save_file(
            self.project(), file.path, data["text"], data["base_revision"], request.user, data["message"]
        )
        return Response(FileTextSerializer(revision).data)

    @extend_schema(parameters=[BASE], responses={204: None, 400: REFUSED, 403: FORBIDDEN, 409: CONFLICT})
    def destroy(self, request, project_pk=None, pk=None):
        """Remove a file and its history, if the project stays valid without it."""
        file = self.get_object()
        try:
            base = int(request.query_params.get("base_revision", ""))
        except ValueError:
            raise ValidationError({"base_revision": ["required: the file's current revision"]}) from None
        services.delete_file(self.project(), file.path, base, request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    @extend_schema(responses=RevisionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def revisions(self, request, project_pk=None, pk=None):
        """The file's history, newest first: number, digest, author, time, message."""
        history = self.get_object().revisions.select_related("author").order_by("-number")
        page = self.paginate_queryset(history)
        return self.get_paginated_response(RevisionSerializer(page, many=True).data)

    @extend_schema(responses=RevisionTextSerializer)
    @action(detail=True, methods=["get"], url_path=r"revisions/(?P<number>[0-9]+)")
    def revision(self, request, project_pk=None, pk=None, number=None):
        """One revision with its text."""
        return Response(RevisionTextSerializer(self._revision(self.get_object(), number)).data)

    @extend_schema(
        request=RestoreSerializer, responses={201: FileTextSerializer, 400: REFUSED, 403: FORBIDDEN, 409: CONFLICT}
    )
    @action(detail=True, methods=["post"], url_path=r"revisions/(?P<number>[0-9]+)/restore")
    def restore(self, request, project_pk=None, pk=None, number=None):
        """Make revision ``number``'s text the current one again: a new revision, validated like a save."""
        file = self.get_object()
        old = self._revision(file, number)
        req = RestoreSerializer(data=request.data)
        req.is_valid(raise_exception=True)
        data = req.validated_data
        revision = services.restore(file, old.number, data["base_revision"], request.user, data["message"])
        return Response(FileTextSerializer(revision).data, status=status.HTTP_201_CREATED)

    @extend_schema(
        parameters=[
            OpenApiParameter("from", int, description="default: the revision before `to`"),
            OpenApiParameter("to", int, description="default: the current revision"),
        ],
        responses=DiffSerializer,
    )
    @action(detail=True, methods=["get"])
    def diff(self, request, project_pk=None, pk=None):
        """Unified diff between two revisions (default: the current one and the one before)."""
        file = self.get_object()
        new = self._revision(file, request.query_params.get("to"))
        old = self._revision(file, request.query_params.get("from") or max(new.number - 1, 1))
        return Response(
            {
                "file": file.pk,
                "path": file.path,
                "old": old.number,
                "new": new.number,
                "diff": services.diff(file, old.number, new.number),
            }
        )

    @extend_schema(parameters=[REVISION], responses={(200, "application/octet-stream"): BINARY})
    @action(detail=True, methods=["get"])
    def download(self, request, project_pk=None, pk=None):
        """The file's text (of ``?revision=``, default the current one) as a download."""
        file = self.get_object()
        revision = self._revision(file, request.query_params.get("revision"))
        kind = {"json": "application/json", "yaml": "application/yaml", "yml": "application/yaml"}.get(
            file.path.rsplit(".", 1)[-1].lower(), "text/plain"
        )
        return attachment(revision.text.encode("utf-8"), file.path.rsplit("/", 1)[-1], f"{kind}; charset=utf-8")
