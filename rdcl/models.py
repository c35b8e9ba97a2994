"""Designer data: projects, who they are shared with, descriptor files and their revisions,
and graph layouts.

A descriptor file's content lives only in its revisions; the current one is the revision with
the highest ``number``. ``(file, number)`` is unique, so two saves made from the same base
revision cannot both be stored (see :func:`rdcl.services.save_file`).
"""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.db import models
from django.utils import timezone


def digest(text: str) -> str:
    """SHA-256 (hex) of ``text`` encoded as UTF-8: a revision's ``digest``."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Project(models.Model):
    """A set of descriptor files of one project type, owned by one user.

    ``entry`` names the main service template of a TOSCA project (the CSAR's
    ``Entry-Definitions``); empty means "find it" (see :func:`rdcl.packaging.main_template`).
    ``generation`` counts stored changes to any of its files: a save validates the project
    as it was at one generation and is stored only if the project is still at it.
    """

    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rdcl_projects")
    name = models.CharField(max_length=100)
    type = models.CharField(max_length=64)
    description = models.TextField(blank=True, default="")
    entry = models.CharField(max_length=255, blank=True, default="")
    #: ``TOSCA.meta`` keys of an imported SOL 004 package that the CSAR download writes back
    #: (``ETSI-Entry-Manifest``, ``ETSI-Entry-Change-Log``, ``ETSI-Entry-Licenses``...).
    package_meta = models.JSONField(default=dict, blank=True)
    generation = models.PositiveIntegerField(default=0, editable=False)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["owner_id", "name"]
        constraints = [models.UniqueConstraint(fields=["owner", "name"], name="rdcl_project_owner_name")]

    def __str__(self) -> str:
        return f"{self.name} ({self.type}, {self.owner})"


class ProjectShare(models.Model):
    """``user`` may read (``read``) or also change (``write``) ``project``."""

    READ, WRITE = "read", "write"
    MODES = [(READ, "read only"), (WRITE, "read and write")]

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="shares")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="rdcl_shares")
    mode = models.CharField(max_length=5, choices=MODES, default=READ)

    class Meta:
        ordering = ["project_id", "user_id"]
        constraints = [models.UniqueConstraint(fields=["project", "user"], name="rdcl_share_project_user")]

    def __str__(self) -> str:
        return f"{self.project} -> {self.user} ({self.mode})"


class DescriptorFile(models.Model):
    """A file of a project at ``path`` (relative, ``/``-separated: ``vnfd/vnf1.json``)."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="files")
    path = models.CharField(max_length=255)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["project_id", "path"]
        constraints = [models.UniqueConstraint(fields=["project", "path"], name="rdcl_file_project_path")]

    def __str__(self) -> str:
        return f"{self.project.name}:{self.path}"

    def current(self) -> Revision | None:
        """The revision with the highest number (None only while being created)."""
        return self.revisions.order_by("-number").first()


class ProjectArtifact(models.Model):
    """A binary file of an imported SOL 004 package (an image, a Helm chart...), kept as
    it came and written back into the project's zip and CSAR downloads; ``size`` in bytes,
    ``sha256`` hex of ``data``. Not a descriptor: never validated, never edited."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="artifacts")
    path = models.CharField(max_length=255)
    data = models.BinaryField()
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    created = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["project_id", "path"]
        constraints = [models.UniqueConstraint(fields=["project", "path"], name="rdcl_artifact_project_path")]

    def __str__(self) -> str:
        return f"{self.project.name}:{self.path} ({self.size} bytes)"


class Revision(models.Model):
    """One saved content of a file: ``number`` 1, 2, ... with its author, time, message and
    SHA-256 ``digest`` of the text."""

    file = models.ForeignKey(DescriptorFile, on_delete=models.CASCADE, related_name="revisions")
    number = models.PositiveIntegerField()
    text = models.TextField()
    digest = models.CharField(max_length=64)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="rdcl_revisions"
    )
    created = models.DateTimeField(default=timezone.now, editable=False)
    message = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["file_id", "number"]
        constraints = [models.UniqueConstraint(fields=["file", "number"], name="rdcl_revision_file_number")]

    def __str__(self) -> str:
        return f"{self.file}@{self.number}"

    def save(self, *args, **kwargs):
        self.digest = digest(self.text)
        super().save(*args, **kwargs)


class GraphLayout(models.Model):
    """Node positions of one graph view of a project: ``{node id: {"x": float, "y": float}}``."""

    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="layouts")
    view = models.CharField(max_length=64)
    positions = models.JSONField(default=dict)
    updated = models.DateTimeField(default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        ordering = ["project_id", "view"]
        constraints = [models.UniqueConstraint(fields=["project", "view"], name="rdcl_layout_project_view")]

    def __str__(self) -> str:
        return f"{self.project.name}:{self.view}"
