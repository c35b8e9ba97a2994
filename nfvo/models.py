"""Sites, catalogue items, orders, service instances, jobs and job events.

A job follows AWX's status machine: pending -> running -> successful | failed |
canceled | error. Its events are rows (ansible-runner event data).
"""

from __future__ import annotations

import json

from django.conf import settings
from django.db import models

from translators import site_kinds

from . import credentials, secrets

ROLES = ("admin", "designer", "operator", "user")


class Tenant(models.Model):
    """A group of users (a project) owning service instances; catalogue items are shared with tenants."""

    name = models.SlugField(max_length=63, unique=True)
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's role in a tenant: admin, designer, operator or user."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=16, choices=[(r, r) for r in ROLES], default="user")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "tenant"], name="one_role_per_tenant")]

    def __str__(self):
        return f"{self.user} {self.role} in {self.tenant}"


class AuditEntry(models.Model):
    """Who did what, when, from where."""

    time = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    action = models.CharField(max_length=60)
    target = models.CharField(max_length=200, blank=True)
    detail = models.JSONField(default=dict, blank=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]
        verbose_name_plural = "audit entries"

    def __str__(self):
        return f"{self.time:%Y-%m-%d %H:%M:%S} {self.user} {self.action} {self.target}"


class Site(models.Model):
    """A place a service runs: an OpenStack cloud, a Kubernetes/OpenShift cluster, a Linux host.

    ``connection`` holds the plain inventory host variables (``ansible_host``, ``ansible_port``,
    ``ansible_user``, ``ansible_connection``, ``rdcl_root``, ``os_auth_url``, ``os_cloud``,
    ``k8s_host``...), never a secret (:func:`nfvo.credentials.secret_keys`). Each credential
    of :data:`nfvo.credentials.CREDENTIALS` is its own Fernet-encrypted ``<name>_encrypted``
    column, read only by :meth:`credential` when a run injects it.

    ``tenant`` owns the site: None is a global site (managed by superusers); a tenant's
    site (e.g. a cluster one of its orders registered) is visible to that tenant only, and
    only that tenant's jobs may change it.
    """

    KINDS = [(k, k) for k in site_kinds.names()]
    name = models.SlugField(max_length=63, unique=True)
    kind = models.CharField(max_length=16, choices=KINDS)
    tenant = models.ForeignKey(
        Tenant,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="sites",
        help_text="Owner; none: a global site, managed by superusers.",
    )
    labels = models.JSONField(default=dict, blank=True)
    connection = models.JSONField(default=dict, blank=True)
    is_default = models.BooleanField(default=False, help_text="Default site of its kind for unplaced nodes.")
    queue = models.CharField(
        max_length=100,
        blank=True,
        help_text="Celery queue of the workers that drive this site (AWX's instance groups); blank: the job's queue.",
    )
    ssh_private_key_encrypted = models.TextField(blank=True, default="")
    ssh_password_encrypted = models.TextField(blank=True, default="")
    become_password_encrypted = models.TextField(blank=True, default="")
    os_password_encrypted = models.TextField(blank=True, default="")
    os_application_credential_secret_encrypted = models.TextField(blank=True, default="")
    k8s_api_key_encrypted = models.TextField(blank=True, default="")
    k8s_kubeconfig_encrypted = models.TextField(blank=True, default="")
    secret_vars_encrypted = models.TextField(blank=True, default="", help_text="JSON object, encrypted")
    last_check = models.JSONField(default=dict, blank=True, help_text="{status, message, checked} of the last check")

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return f"{self.name} ({self.kind})"

    def set_credential(self, name: str, value) -> None:
        """Store credential ``name`` (:data:`nfvo.credentials.NAMES`) encrypted; a falsy
        ``value`` clears it. ``secret_vars`` takes a dict.

        :raises KeyError: not a credential name.
        """
        cred = credentials.BY_NAME[name]
        text = json.dumps(value) if cred.is_object and value else (value or "")
        setattr(self, f"{name}_encrypted", secrets.encrypt(text))

    def credential(self, name: str):
        """The decrypted credential ``name`` ('' or ``{}`` when not set)."""
        text = secrets.decrypt(getattr(self, f"{name}_encrypted"))
        if credentials.BY_NAME[name].is_object:
            return json.loads(text) if text else {}
        return text

    def credentials_set(self) -> list[str]:
        """Names of the credentials this site holds (never their values)."""
        return [n for n in credentials.NAMES if getattr(self, f"{n}_encrypted")]

    def set_ssh_private_key(self, key: str) -> None:
        """Store an SSH private key encrypted."""
        self.set_credential("ssh_private_key", key)

    def ssh_private_key(self) -> str:
        """The decrypted SSH private key ('' when none)."""
        return self.credential("ssh_private_key")


class CatalogueItem(models.Model):
    """A service users can order: a git repository, a ref, playbooks and a dialog.

    Its ``name`` belongs to its ``owner`` tenant (None: a system item): only that tenant's
    operators (and superusers) publish under it again or change it (:mod:`nfvo.access`).

    ``dialog`` is a JSON Schema (Draft 2020-12) of the parameters; ``playbooks`` maps
    lifecycle operations (create, delete, scale) to playbook paths inside ``folder``;
    ``operation_dialogs`` the schemas of operations that take parameters of their own.
    """

    name = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(
        max_length=40, default="playbooks", help_text="service (translated), playbooks (any repository), openshift, ..."
    )
    description = models.TextField(blank=True)
    repository = models.CharField(max_length=500)
    ref = models.CharField(max_length=200, default="main")
    folder = models.CharField(max_length=200, blank=True)
    playbooks = models.JSONField(default=dict)
    dialog = models.JSONField(default=dict)
    operation_dialogs = models.JSONField(
        default=dict,
        blank=True,
        help_text="{operation: JSON Schema} of the parameters an operation takes (e.g. scale); "
        "an operation without one takes fields of the item's dialog.",
    )
    sites = models.JSONField(default=list)
    source = models.CharField(max_length=500, blank=True)
    digest = models.CharField(max_length=80, blank=True)
    published_commit = models.CharField(max_length=40, blank=True)
    owner = models.ForeignKey(
        Tenant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="owned_items",
        help_text="The tenant that published it and alone may change it; none: a system item "
        "(superusers, the demo, management commands).",
    )
    tenants = models.ManyToManyField(
        Tenant,
        blank=True,
        related_name="items",
        help_text="Shared with these tenants (always its owner); none: every tenant.",
    )
    timeout = models.PositiveIntegerField(default=3600, help_text="Seconds a job of this item may run.")
    queue = models.CharField(
        max_length=100, blank=True, help_text="Celery queue for its jobs (workers close to its sites); blank: default."
    )
    requires_approval = models.BooleanField(
        default=False, help_text="Orders wait for an operator of the ordering tenant to approve them."
    )
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class ServiceInstance(models.Model):
    """An ordered service; its operations are jobs."""

    STATES = [(s, s) for s in ("new", "active", "failed", "deleted", "needs_attention", "denied")]
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="instances")
    tenant = models.ForeignKey(
        Tenant,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="instances",
        help_text="None: a system order, visible to admins only.",
    )
    name = models.CharField(max_length=100)
    state = models.CharField(max_length=20, choices=STATES, default="new")
    parameters = models.JSONField(default=dict)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return self.name


class Order(models.Model):
    """A user's order of a catalogue item: dialog values and the commit that will run.

    ``status`` is the step the order is at (ManageIQ's service-template provisioning steps):
    ``parse_dialog`` -> ``approve`` (only when the item requires approval) -> ``run_job``
    -> ``done`` | ``failed``; ``denied`` ends an order an approver turned down. Every
    change is an :class:`OrderTransition` row (:mod:`nfvo.orders` makes them).
    """

    PARSE_DIALOG, APPROVE, RUN_JOB, DONE, FAILED, DENIED = (
        "parse_dialog",
        "approve",
        "run_job",
        "done",
        "failed",
        "denied",
    )
    STATUSES = [(s, s) for s in (PARSE_DIALOG, APPROVE, RUN_JOB, DONE, FAILED, DENIED)]
    item = models.ForeignKey(CatalogueItem, on_delete=models.PROTECT, related_name="orders")
    instance = models.ForeignKey(ServiceInstance, on_delete=models.PROTECT, related_name="orders")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    parameters = models.JSONField(default=dict)
    commit = models.CharField(max_length=40)
    mode = models.CharField(max_length=8, default="apply")
    limit = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=20, choices=STATUSES, default=PARSE_DIALOG)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"order {self.pk} {self.item_id} {self.status}"


class OrderTransition(models.Model):
    """One step of an order: from which status to which, when, by whom and why.

    ``user`` is the person who caused it (orderer, approver, retrier); ``actor`` names it
    in words, also for the system (``worker host:pid``, ``reaper``).
    """

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="transitions")
    source = models.CharField(max_length=20, blank=True, help_text="'' for the first transition")
    target = models.CharField(max_length=20)
    time = models.DateTimeField(auto_now_add=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor = models.CharField(max_length=200)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["order", "id"]

    def __str__(self):
        return f"order {self.order_id}: {self.source or '-'} -> {self.target} by {self.actor}"


class Job(models.Model):
    """One playbook run with ansible-runner; ``result`` holds the per-site outcome."""

    PENDING, WAITING, RUNNING, SUCCESSFUL, FAILED, CANCELED, ERROR = (
        "pending",
        "waiting",
        "running",
        "successful",
        "failed",
        "canceled",
        "error",
    )
    STATUSES = [(s, s) for s in (PENDING, WAITING, RUNNING, SUCCESSFUL, FAILED, CANCELED, ERROR)]
    MODES = [("apply", "apply"), ("plan", "plan")]
    order = models.ForeignKey(Order, null=True, blank=True, on_delete=models.SET_NULL, related_name="jobs")
    instance = models.ForeignKey(ServiceInstance, on_delete=models.PROTECT, related_name="jobs")
    operation = models.CharField(max_length=40, default="create")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    playbook = models.CharField(max_length=200)
    mode = models.CharField(max_length=8, choices=MODES, default="apply")
    limit = models.CharField(max_length=500, blank=True)
    status = models.CharField(max_length=12, choices=STATUSES, default=PENDING)
    repository = models.CharField(max_length=500)
    folder = models.CharField(max_length=200, blank=True)
    commit = models.CharField(max_length=40)
    inventory = models.JSONField(default=dict, blank=True)
    extra_vars = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True)
    timeout = models.PositiveIntegerField(default=3600, help_text="seconds")
    queue = models.CharField(max_length=100, blank=True)
    retry_of = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="retries")
    parent = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="parts",
        help_text="the job this is a part of: its sites on one queue (nfvo.parts)",
    )
    part = models.PositiveIntegerField(default=0, help_text="1, 2...: this part's place in its parent's run")
    cancel_requested = models.BooleanField(default=False)
    worker = models.CharField(max_length=200, blank=True, help_text="host:pid of the worker running it")
    heartbeat = models.DateTimeField(null=True, blank=True)
    enqueued = models.DateTimeField(null=True, blank=True, help_text="last time it was sent to the broker")
    created = models.DateTimeField(auto_now_add=True)
    started = models.DateTimeField(null=True, blank=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"job {self.pk} {self.operation} {self.status}"

    @property
    def mutating(self) -> bool:
        """An apply job changes its instance's sites; one at a time per instance."""
        return self.mode == "apply"

    @property
    def done(self) -> bool:
        """True once the job reached a final status."""
        return self.status in (self.SUCCESSFUL, self.FAILED, self.CANCELED, self.ERROR)


class JobEvent(models.Model):
    """One ansible-runner event of a job (``counter`` orders them; ``host`` is the site)."""

    job = models.ForeignKey(Job, on_delete=models.CASCADE, related_name="events")
    counter = models.IntegerField()
    event = models.CharField(max_length=100)
    play = models.CharField(max_length=500, blank=True)
    task = models.CharField(max_length=500, blank=True)
    host = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=20, blank=True)
    changed = models.BooleanField(default=False)
    stdout = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["job", "counter"]
        constraints = [models.UniqueConstraint(fields=["job", "counter"], name="unique_job_event_counter")]


class Publication(models.Model):
    """A designer project sent to the catalogue: translated, committed, pushed and published
    by a worker (never inside the web request), from the revisions it names.

    ``revisions`` is ``{path: revision number}`` as they were when it was asked for;
    ``problems`` the located descriptor problems when translation refused it.
    Without ``replace`` it does not replace an item that another project (or no project)
    published last: it fails with the rule ``publication.replaces-item`` and the publisher
    is asked to confirm.
    """

    PENDING, RUNNING, PUBLISHED, FAILED = "pending", "running", "published", "failed"
    STATUSES = [(s, s) for s in (PENDING, RUNNING, PUBLISHED, FAILED)]
    project = models.ForeignKey("rdcl.Project", null=True, on_delete=models.SET_NULL, related_name="publications")
    project_name = models.CharField(max_length=100)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    tenant = models.ForeignKey(
        Tenant,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The tenant asked to own the item; none: the publisher's (see access)",
    )
    revisions = models.JSONField(default=dict)
    status = models.CharField(max_length=12, choices=STATUSES, default=PENDING)
    item = models.ForeignKey(CatalogueItem, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    commit = models.CharField(max_length=40, blank=True)
    message = models.TextField(blank=True)
    problems = models.JSONField(default=list, blank=True)
    report = models.JSONField(default=list, blank=True, help_text="the translation report: what was skipped and why")
    replace = models.BooleanField(
        default=False,
        help_text="the publisher confirmed replacing a catalogue item that this project did not publish last",
    )
    created = models.DateTimeField(auto_now_add=True)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self):
        return f"publication {self.pk} of {self.project_name} {self.status}"
