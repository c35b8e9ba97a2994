"""REST API serializers of the designer: what requests carry and responses show.

Descriptor texts are kept byte for byte (no whitespace trimming). A file in a listing is its
current revision (:class:`FileSerializer`); revisions are numbered per file from 1.
"""

from django.contrib.auth import get_user_model
from rest_framework import serializers

from config.problems import ProblemDetailsSerializer

from .exceptions import Conflict
from .models import GraphLayout, Project, ProjectShare, Revision
from .packaging import name_error
from .services import access_of, current_revisions


def _text(**kwargs) -> serializers.CharField:
    return serializers.CharField(trim_whitespace=False, allow_blank=True, **kwargs)


def _plain_name(value: str) -> None:
    why = name_error(value)
    if why:
        raise serializers.ValidationError(why)


def _name(**kwargs) -> serializers.CharField:
    """A project name: up to 100 characters, no control or format character
    (:func:`rdcl.packaging.name_error`)."""
    return serializers.CharField(max_length=100, validators=[_plain_name], **kwargs)


class ProblemSerializer(serializers.Serializer):
    """One problem: the file, the path in the document (``vnfd.vdu[2].vduParent``), the
    line when known, the rule broken and a message."""

    file = serializers.CharField()
    path = serializers.CharField(allow_blank=True)
    line = serializers.IntegerField(allow_null=True)
    rule = serializers.CharField()
    message = serializers.CharField()


class RefusedSerializer(ProblemDetailsSerializer):
    """A refused change (400, a problem): nothing was stored; ``problems`` lists every problem."""

    problems = ProblemSerializer(many=True)


class ValidationSerializer(serializers.Serializer):
    """The outcome of validating a project."""

    valid = serializers.BooleanField()
    problems = ProblemSerializer(many=True)


class RevisionSerializer(serializers.ModelSerializer):
    """A revision without its text: number, SHA-256 digest, author, time, message."""

    author: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)
    size = serializers.SerializerMethodField()

    class Meta:
        model = Revision
        fields = ["number", "digest", "author", "created", "message", "size"]

    def get_size(self, revision) -> int:
        return len(revision.text.encode("utf-8"))


class RevisionTextSerializer(RevisionSerializer):
    """A revision with its file and text."""

    file = serializers.IntegerField(source="file_id", read_only=True)
    path = serializers.CharField(source="file.path", read_only=True)
    text = _text(read_only=True)

    class Meta(RevisionSerializer.Meta):
        fields = ["file", "path", *RevisionSerializer.Meta.fields, "text"]


class ConflictSerializer(ProblemDetailsSerializer):
    """A save from a stale revision (409, a problem): ``current`` is the current revision
    with its text (null when the file no longer exists)."""

    current = RevisionTextSerializer(allow_null=True)


class FileSerializer(serializers.Serializer):
    """A file as its current revision: ``revision`` is its number (the ``base_revision`` of the next save)."""

    id = serializers.IntegerField(source="file_id")
    path = serializers.CharField(source="file.path")
    revision = serializers.IntegerField(source="number")
    digest = serializers.CharField()
    author = serializers.CharField(source="author.username", allow_null=True, default=None)
    updated = serializers.DateTimeField(source="created")


class FileTextSerializer(FileSerializer):
    """A file with the text of a revision (the current one unless asked)."""

    text = _text()


class FileCreateSerializer(serializers.Serializer):
    """A new file: its path in the project, its text and a message."""

    path = serializers.CharField(max_length=255)
    text = _text()
    message = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class SaveSerializer(serializers.Serializer):
    """A save: the new text and the revision it was edited from."""

    text = _text()
    base_revision = serializers.IntegerField(min_value=1)
    message = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class SaveManyFileSerializer(serializers.Serializer):
    """One file of a save of several: its path, new text and the revision it was edited
    from (0 for a new file)."""

    path = serializers.CharField(max_length=255)
    text = _text()
    base_revision = serializers.IntegerField(min_value=0)


class SaveManySerializer(serializers.Serializer):
    """Several files saved at once: all stored (one new revision each) or none."""

    files = SaveManyFileSerializer(many=True, allow_empty=False)
    message = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class RestoreSerializer(serializers.Serializer):
    """A restore: the file's current revision (as for a save) and a message."""

    base_revision = serializers.IntegerField(min_value=1)
    message = serializers.CharField(max_length=500, required=False, default="", allow_blank=True)


class DiffSerializer(serializers.Serializer):
    """A unified diff between two revisions of a file."""

    file = serializers.IntegerField()
    path = serializers.CharField()
    old = serializers.IntegerField(help_text="revision diffed from")
    new = serializers.IntegerField(help_text="revision diffed to")
    diff = serializers.CharField(allow_blank=True)


class ProjectSerializer(serializers.ModelSerializer):
    """A project; ``access`` is yours: owner, write or read."""

    owner: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)
    access = serializers.SerializerMethodField()

    class Meta:
        model = Project
        fields = ["id", "name", "type", "description", "entry", "owner", "created", "access"]
        read_only_fields = ["type", "entry", "created"]

    def get_access(self, project) -> str | None:
        return access_of(project, self.context["request"].user) if "request" in self.context else None


class ProjectDetailSerializer(ProjectSerializer):
    """A project with its files (their current revisions)."""

    files = serializers.SerializerMethodField()

    class Meta(ProjectSerializer.Meta):
        fields = [*ProjectSerializer.Meta.fields, "files"]

    def get_files(self, project) -> list[dict]:
        # many=True makes a ListSerializer, whose data is a list: the stubs type it as this class's
        return FileSerializer(current_revisions(project).values(), many=True).data  # type: ignore[return-value]  # see above


class ProjectCreateSerializer(serializers.Serializer):
    """A new project: empty, with ``files`` (``{path: text}``), or from the type's
    ``example`` (an example's name, or ``all`` for every example of the type)."""

    name = _name()
    type = serializers.CharField(max_length=64)
    description = serializers.CharField(required=False, default="", allow_blank=True)
    example = serializers.CharField(required=False, default="")
    files = serializers.DictField(child=_text(), required=False, default=dict)

    def validate(self, attrs):
        if attrs["example"] and attrs["files"]:
            raise serializers.ValidationError("give an example or files, not both")
        return attrs


class ProjectUpdateSerializer(serializers.Serializer):
    """What may change on a project: name, description, and the main template (``entry``) of a TOSCA one."""

    name = _name(required=False)
    description = serializers.CharField(required=False, allow_blank=True)
    entry = serializers.CharField(max_length=255, required=False, allow_blank=True)


class ImportSerializer(serializers.Serializer):
    """An upload: a zip or CSAR of descriptor files, an RDCL 3D project JSON or one
    descriptor; ``type`` is detected when not given, ``name`` defaults to the file's stem."""

    file = serializers.FileField()
    name = _name(required=False, default="", allow_blank=True)
    type = serializers.CharField(max_length=64, required=False, default="", allow_blank=True)


class ImportedSerializer(ProjectDetailSerializer):
    """An imported project and what the upload was (``csar``, ``zip``, ``project``, ``file``)."""

    imported_from = serializers.SerializerMethodField()

    class Meta(ProjectDetailSerializer.Meta):
        fields = [*ProjectDetailSerializer.Meta.fields, "imported_from"]

    def get_imported_from(self, project) -> str:
        return self.context.get("kind", "")


class ValidateRequestSerializer(serializers.Serializer):
    """Changes to validate without storing them: ``{path: text}``, null removes a file."""

    files = serializers.DictField(child=_text(allow_null=True), required=False, default=dict)


class ShareSerializer(serializers.ModelSerializer):
    """A user the project is shared with, and how (``read`` or ``write``)."""

    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())

    class Meta:
        model = ProjectShare
        fields = ["user", "mode"]


class PointSerializer(serializers.Serializer):
    """A node position."""

    x = serializers.FloatField()
    y = serializers.FloatField()


class PositionsSerializer(serializers.Serializer):
    """Node positions of a view: ``{node id: {"x", "y"}}`` (at most 10000 nodes)."""

    positions = serializers.DictField(child=PointSerializer())

    def validate_positions(self, value):
        if len(value) > 10000:
            raise serializers.ValidationError("at most 10000 positions")
        if any(len(key) > 500 for key in value):
            raise serializers.ValidationError("node ids have at most 500 characters")
        return value


class LayoutSerializer(serializers.ModelSerializer):
    """Stored node positions of a view."""

    updated_by: serializers.SlugRelatedField = serializers.SlugRelatedField(
        slug_field="username", read_only=True, allow_null=True
    )

    class Meta:
        model = GraphLayout
        fields = ["view", "positions", "updated", "updated_by"]


# Fields named like Field attributes (label, parent, source): DRF's serializer metaclass takes
# declared fields out of the class, so they never shadow Field.label/parent/source; the stubs
# see the class attribute only.


class GraphNodeSerializer(serializers.Serializer):
    """A graph node: ``type`` a node type of the description model, ``parent`` the node it
    is nested in, ``position`` the stored one (or null)."""

    id = serializers.CharField()
    type = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field (see above)
    parent = serializers.CharField(allow_null=True)  # type: ignore[assignment]  # a declared field (see above)
    info = serializers.DictField()
    position = PointSerializer(allow_null=True)


class GraphLinkSerializer(serializers.Serializer):
    """A graph link: ``type`` a link type of the description model."""

    source = serializers.CharField()  # type: ignore[assignment]  # a declared field (see above)
    target = serializers.CharField()
    type = serializers.CharField()
    info = serializers.DictField(required=False)


class GraphSerializer(serializers.Serializer):
    """The graph of one view (from the project type's graph builder)."""

    view = serializers.CharField()
    nodes = GraphNodeSerializer(many=True)
    links = GraphLinkSerializer(many=True)


class CheckLinkSerializer(serializers.Serializer):
    """May a link join a ``source`` node type to a ``target`` node type (of ``link_type``,
    in ``view``, when given)?"""

    source = serializers.CharField()  # type: ignore[assignment]  # a declared field (see above)
    target = serializers.CharField()
    link_type = serializers.CharField(required=False, allow_null=True, default=None)
    view = serializers.CharField(required=False, allow_null=True, default=None)


class LinkCheckSerializer(serializers.Serializer):
    """The answer: allowed with the link type that joins them, or refused with the reason."""

    allowed = serializers.BooleanField()
    link_type = serializers.CharField(allow_null=True)
    reason = serializers.CharField(allow_blank=True)


class ExampleSerializer(serializers.Serializer):
    """An example descriptor of a project type."""

    name = serializers.CharField()
    text = _text()


class ProjectTypeSerializer(serializers.Serializer):
    """A project type: name, label, the types it refines, its description model (node
    types, link types, nesting, constraints, views) and its examples."""

    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]  # a declared field (see above)
    extends = serializers.ListField(child=serializers.CharField())
    csar = serializers.BooleanField(help_text="projects of this type download as a CSAR")
    description_model = serializers.DictField(allow_null=True)
    error = serializers.CharField(allow_blank=True, help_text="why the description model could not be read")
    examples = ExampleSerializer(many=True)


Conflict.render = staticmethod(lambda revision: RevisionTextSerializer(revision).data)
