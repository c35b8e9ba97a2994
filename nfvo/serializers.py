"""REST API serializers."""

import json

from django.contrib.auth import get_user_model
from drf_spectacular.utils import extend_schema_field
from jsonschema import Draft202012Validator, SchemaError
from rest_framework import serializers
from rest_framework.fields import empty

from . import access, remotes
from . import credentials as site_credentials
from .dialog import publishable, schema_problems
from .exceptions import DialogError, RemoteRefused
from .models import (
    ROLES,
    AuditEntry,
    CatalogueItem,
    Job,
    JobEvent,
    Membership,
    Order,
    OrderTransition,
    Publication,
    ServiceInstance,
    Site,
    Tenant,
)
from .sites import select


def _credential_field(cred):
    if cred.is_object:
        return serializers.DictField(write_only=True, required=False, allow_null=True, help_text=cred.help)
    return serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        allow_null=True,
        trim_whitespace=False,
        max_length=65536,
        help_text=cred.help,
        style={"input_type": "password"},
    )


class SiteSerializer(serializers.ModelSerializer):
    """A site. Each credential (:data:`nfvo.credentials.CREDENTIALS`) is a write-only field:
    absent leaves it as it is, ``""`` or null clears it; reads list only the names of the
    credentials set (``credentials``, and ``has_ssh_key``). ``connection`` refuses
    secret-looking keys (400 naming them). Readers who may not see the site's details
    (:func:`nfvo.access.may_see_site_details`) get no ``connection`` and only the status
    and time of the last check."""

    tenant = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Tenant.objects.all(),
        required=False,
        allow_null=True,
        help_text="owner; null: a global site",
    )
    credentials = serializers.SerializerMethodField()
    has_ssh_key = serializers.SerializerMethodField()
    ssh_private_key = _credential_field(site_credentials.BY_NAME["ssh_private_key"])
    ssh_password = _credential_field(site_credentials.BY_NAME["ssh_password"])
    become_password = _credential_field(site_credentials.BY_NAME["become_password"])
    os_password = _credential_field(site_credentials.BY_NAME["os_password"])
    os_application_credential_secret = _credential_field(site_credentials.BY_NAME["os_application_credential_secret"])
    k8s_api_key = _credential_field(site_credentials.BY_NAME["k8s_api_key"])
    k8s_kubeconfig = _credential_field(site_credentials.BY_NAME["k8s_kubeconfig"])
    secret_vars = _credential_field(site_credentials.BY_NAME["secret_vars"])

    class Meta:
        model = Site
        fields = [
            "name",
            "kind",
            "tenant",
            "labels",
            "connection",
            "is_default",
            "queue",
            "credentials",
            "has_ssh_key",
            "last_check",
            *site_credentials.NAMES,
        ]
        read_only_fields = ["last_check"]

    def get_credentials(self, site) -> list[str]:
        return site.credentials_set()

    def get_has_ssh_key(self, site) -> bool:
        return bool(site.ssh_private_key_encrypted)

    def validate_connection(self, value):
        if not isinstance(value, dict):
            raise serializers.ValidationError("must be an object of host variables")
        found = site_credentials.secret_keys(value)
        if found:
            raise serializers.ValidationError(
                f"secret-looking keys are not kept in connection: {', '.join(found)}; "
                f"set them as credentials ({', '.join(site_credentials.NAMES)}: secret_vars for any other)"
            )
        return value

    def validate_labels(self, value):
        if not isinstance(value, dict) or not all(isinstance(v, (str, int, float, bool)) for v in value.values()):
            raise serializers.ValidationError("must be an object of label: value (text, number or boolean)")
        return value

    def validate_secret_vars(self, value):
        if value and not all(site_credentials.is_secret_key(str(k)) for k in value):
            plain = sorted(str(k) for k in value if not site_credentials.is_secret_key(str(k)))
            raise serializers.ValidationError(f"not secret variable names (put them in connection): {', '.join(plain)}")
        return value

    def validate(self, attrs):
        kind = attrs.get("kind") or getattr(self.instance, "kind", "")
        errors = {}
        for name in site_credentials.NAMES:
            value = attrs.get(name)
            if not value:
                continue
            if not site_credentials.applies(name, kind):
                errors[name] = f"not a credential of a {kind} site"
            elif isinstance(value, str) and len(value.strip()) < 4:
                errors[name] = "too short: at least 4 characters"
            else:
                try:
                    json.dumps(value, ensure_ascii=False).encode()
                except UnicodeEncodeError:
                    errors[name] = "not valid Unicode text (a lone surrogate?)"
        if errors:
            raise serializers.ValidationError(errors)
        return attrs

    def _save(self, site, given: dict):
        for name, value in given.items():
            site.set_credential(name, value)
        site.save()
        return site

    def create(self, validated_data):
        given = {n: validated_data.pop(n) for n in site_credentials.NAMES if n in validated_data}
        return self._save(Site(**validated_data), given)

    def update(self, instance, validated_data):
        given = {n: validated_data.pop(n) for n in site_credentials.NAMES if n in validated_data}
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self._save(instance, given)

    def to_representation(self, site):
        data = super().to_representation(site)
        request = self.context.get("request")
        if request is not None and not access.may_see_site_details(request.user, site):
            data.pop("connection", None)
            data["last_check"] = {k: v for k, v in (site.last_check or {}).items() if k in ("status", "checked")}
        return data


class CatalogueItemSerializer(serializers.ModelSerializer):
    """A catalogue item with its dialog schema; ``owner`` is the tenant that published it
    (null: a system item)."""

    owner: serializers.SlugRelatedField = serializers.SlugRelatedField(  # null: a system item
        slug_field="name", read_only=True, allow_null=True
    )

    class Meta:
        model = CatalogueItem
        fields = [
            "name",
            "owner",
            "description",
            "repository",
            "ref",
            "folder",
            "playbooks",
            "dialog",
            "operation_dialogs",
            "sites",
            "source",
            "digest",
            "published_commit",
            "requires_approval",
        ]


class KeptBooleanField(serializers.BooleanField):
    """A boolean left unset when a form request leaves it out (DRF reads a missing HTML
    checkbox as False, which would switch an item's approval off on re-publication)."""

    default_empty_html = empty


class PublishRequestSerializer(serializers.Serializer):
    """Publish any git repository of playbooks as a catalogue item (operators).

    ``playbooks`` maps operations to playbook paths inside ``folder`` (``create`` is
    required); ``sites`` lists site names and ``{kind, labels}`` selectors; ``dialog`` is
    a JSON Schema (Draft 2020-12) of an object, closed (``additionalProperties: false``)
    unless it says otherwise, and no field may be named ``ansible_*``, ``rdcl_*``, like an
    Ansible magic variable or a Jinja global (:mod:`translators.varnames`);
    ``operation_dialogs`` maps operations to the schemas of their own parameters (same
    rules; an operation without one takes fields of ``dialog``); ``repository`` an allowed
    remote (:mod:`nfvo.remotes`); ``tenant`` the tenant that will own it (default: yours);
    ``tenants`` the tenants it is shared with (left out: its owner only, or as they were).
    ``description``, ``timeout``, ``queue``, ``requires_approval`` and ``tenants`` left out
    keep an existing item's values.
    """

    name = serializers.SlugField(max_length=100)
    tenant = serializers.CharField(required=False, allow_blank=True, default="")
    description = serializers.CharField(required=False, allow_blank=True)
    repository = serializers.CharField(max_length=500)
    ref = serializers.CharField(max_length=200, default="main")
    folder = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    playbooks = serializers.DictField(child=serializers.CharField(max_length=200))
    sites = serializers.ListField(child=serializers.JSONField(), allow_empty=False)
    dialog = serializers.DictField(required=False, default=dict)
    operation_dialogs = serializers.DictField(child=serializers.DictField(), required=False, default=dict)
    timeout = serializers.IntegerField(min_value=1, max_value=7 * 24 * 3600, required=False)
    queue = serializers.CharField(max_length=100, required=False, allow_blank=True)
    requires_approval = KeptBooleanField(required=False)
    tenants = serializers.SlugRelatedField(slug_field="name", many=True, queryset=Tenant.objects.all(), required=False)

    def validate_repository(self, value):
        try:
            remotes.check(value)
        except RemoteRefused as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value

    @staticmethod
    def path_problem(path: str) -> str:
        """Why ``path`` cannot name a place inside the repository ('' when it can): absolute,
        a ``..`` part, a backslash or a NUL/control character. Links are checked at run time
        (:func:`nfvo.sandbox.inside`)."""
        if path.startswith("/") or "\\" in path or any(ord(c) < 32 for c in path):
            return "must be a relative path with '/' separators and no control characters"
        if ".." in path.split("/"):
            return "must not contain '..'"
        return ""

    def validate_folder(self, value):
        problem = self.path_problem(value)
        if problem:
            raise serializers.ValidationError(f"the folder {value!r} {problem}: it must stay inside the repository")
        return value

    def validate_playbooks(self, value):
        if "create" not in value:
            raise serializers.ValidationError("a 'create' playbook is required")
        bad = [p for p in value.values() if not p or self.path_problem(p)]
        if bad:
            raise serializers.ValidationError(
                f"paths must stay inside the folder (relative, '/' separators, no "
                f"'..', no control characters): {', '.join(map(repr, bad))}"
            )
        return value

    def validate_sites(self, value):
        try:
            select(value)
        except (LookupError, ValueError) as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate_dialog(self, value):
        return _dialog_schema(value)

    def validate_operation_dialogs(self, value):
        playbooks = self.initial_data.get("playbooks") if isinstance(self.initial_data, dict) else None
        unknown = sorted(set(value) - set(playbooks or {})) if isinstance(playbooks, dict) else []
        if unknown:
            raise serializers.ValidationError(f"no playbook for operations: {', '.join(unknown)}")
        out, errors = {}, {}
        for operation, schema in value.items():
            try:
                out[operation] = _dialog_schema(schema)
            except serializers.ValidationError as exc:
                errors[operation] = exc.detail
        if errors:
            raise serializers.ValidationError(errors)
        return out


def _dialog_schema(value: dict) -> dict:
    """A dialog as published: a JSON Schema of an object, every field name allowed, closed
    unless it says otherwise (:func:`nfvo.dialog.publishable`).

    :raises serializers.ValidationError: the message names the place and the rule.
    """
    value = value or {"type": "object", "properties": {}}
    try:
        Draft202012Validator.check_schema(value)
    except SchemaError as exc:
        where = "/".join(str(p) for p in exc.path) or "(root)"
        raise serializers.ValidationError(f"not a JSON Schema at {where}: {exc.message}") from exc
    unsafe = schema_problems(value)  # remote $ref, patterns RE2 cannot run
    if unsafe:
        raise serializers.ValidationError(unsafe)
    if value.get("type") != "object":
        raise serializers.ValidationError("the dialog must be a schema of type 'object'")
    try:
        return publishable(value)
    except DialogError as exc:
        raise serializers.ValidationError([f"{where}: {why}" for where, why in exc.errors.items()]) from exc


class CatalogueSettingsSerializer(serializers.ModelSerializer):
    """What an operator may change on a published item without publishing it again."""

    tenants = serializers.SlugRelatedField(slug_field="name", many=True, queryset=Tenant.objects.all(), required=False)

    class Meta:
        model = CatalogueItem
        fields = ["description", "requires_approval", "timeout", "queue", "tenants"]
        extra_kwargs = {"timeout": {"min_value": 1, "max_value": 7 * 24 * 3600}}


class JobSerializer(serializers.ModelSerializer):
    """A job and its per-site result."""

    class Meta:
        model = Job
        fields = [
            "id",
            "instance",
            "operation",
            "user",
            "playbook",
            "mode",
            "limit",
            "status",
            "repository",
            "folder",
            "commit",
            "inventory",
            "extra_vars",
            "result",
            "message",
            "timeout",
            "queue",
            "retry_of",
            "cancel_requested",
            "worker",
            "heartbeat",
            "created",
            "started",
            "finished",
        ]


class JobSummarySerializer(serializers.ModelSerializer):
    """A job in a list: what it is and how it went; the detail page adds the inventory,
    extra vars and per-site result (rows in a list stay small)."""

    class Meta:
        model = Job
        fields = [
            "id",
            "instance",
            "operation",
            "mode",
            "limit",
            "status",
            "commit",
            "retry_of",
            "created",
            "started",
            "finished",
        ]


class JobEventSerializer(serializers.ModelSerializer):
    """One job event; ``part``: the number of the part that ran it, from the context's
    ``parts`` (``{job id: part number or None}``, :mod:`nfvo.event_stream`), else None."""

    part = serializers.SerializerMethodField()

    class Meta:
        model = JobEvent
        fields = ["counter", "event", "play", "task", "host", "status", "changed", "stdout", "part"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_part(self, event: JobEvent) -> int | None:
        return self.context.get("parts", {}).get(event.job_id)


class ServiceInstanceSerializer(serializers.ModelSerializer):
    """A service instance with its state."""

    item: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="name", read_only=True)
    tenant: serializers.SlugRelatedField = serializers.SlugRelatedField(  # null: a system order
        slug_field="name", read_only=True, allow_null=True
    )

    class Meta:
        model = ServiceInstance
        fields = ["id", "item", "tenant", "name", "state", "parameters", "created"]


class ServiceInstanceDetailSerializer(ServiceInstanceSerializer):
    """A service instance with its orders and its history of operations (jobs, oldest first)."""

    orders: serializers.PrimaryKeyRelatedField = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    operations = serializers.SerializerMethodField()

    class Meta(ServiceInstanceSerializer.Meta):
        fields = ServiceInstanceSerializer.Meta.fields + ["orders", "operations"]

    def get_operations(self, instance) -> list[dict]:
        jobs = instance.jobs.order_by("id").only(*JobSummarySerializer.Meta.fields)
        # many=True makes a ListSerializer, whose data is a list: the stubs type it as this class's
        return JobSummarySerializer(jobs, many=True).data  # type: ignore[return-value]  # see above


class OrderTransitionSerializer(serializers.ModelSerializer):
    """One step of an order: source -> target, when, by whom, why."""

    class Meta:
        model = OrderTransition
        fields = ["source", "target", "time", "actor", "note"]


class OrderSerializer(serializers.ModelSerializer):
    """An order with its current step, its transitions and its latest job (null while it
    waits for approval or after a denial)."""

    item: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="name", read_only=True)
    user: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)
    tenant = serializers.SerializerMethodField()
    transitions = OrderTransitionSerializer(many=True, read_only=True)
    job = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = [
            "id",
            "item",
            "instance",
            "tenant",
            "user",
            "status",
            "commit",
            "mode",
            "limit",
            "parameters",
            "created",
            "transitions",
            "job",
        ]

    def get_tenant(self, order) -> str | None:
        tenant = order.instance.tenant
        return tenant.name if tenant else None

    def get_job(self, order) -> dict | None:
        jobs = sorted(order.jobs.all(), key=lambda j: j.pk)  # prefetched in lists
        return JobSerializer(jobs[-1]).data if jobs else None


class DecisionSerializer(serializers.Serializer):
    """An approver's decision note."""

    note = serializers.CharField(required=False, allow_blank=True, default="", max_length=1000)


class MembershipSerializer(serializers.ModelSerializer):
    """A user's role in a tenant (``user`` by username)."""

    user = serializers.SlugRelatedField(slug_field="username", queryset=get_user_model().objects.all())
    role = serializers.ChoiceField(choices=list(ROLES))

    class Meta:
        model = Membership
        fields = ["user", "role"]
        validators: list = []  # one role per tenant: a POST for an existing member changes the role


class OrderRequestSerializer(serializers.Serializer):
    """An order: the catalogue item, its dialog values, the mode, a site limit and the name
    of the service instance it makes (default: the item's name)."""

    item = serializers.SlugRelatedField(slug_field="name", queryset=CatalogueItem.objects.all())
    name = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    tenant = serializers.CharField(required=False, allow_blank=True, default="")
    parameters = serializers.DictField(required=False, default=dict)
    mode = serializers.ChoiceField(choices=["apply", "plan"], default="apply")
    limit = serializers.CharField(required=False, allow_blank=True, default="")


class OperationRequestSerializer(serializers.Serializer):
    """A lifecycle operation on a service instance."""

    operation = serializers.CharField()
    parameters = serializers.DictField(required=False, default=dict)
    mode = serializers.ChoiceField(choices=["apply", "plan"], default="apply")
    limit = serializers.CharField(required=False, allow_blank=True, default="")


class TenantSerializer(serializers.ModelSerializer):
    """A tenant."""

    class Meta:
        model = Tenant
        fields = ["name", "description"]


class AuditEntrySerializer(serializers.ModelSerializer):
    """One audit log entry."""

    user: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["time", "user", "action", "target", "detail", "remote_addr"]


class PublicationSerializer(serializers.ModelSerializer):
    """A designer project's way to the catalogue: status, the revisions it took, the item
    and commit it made, or the located problems that stopped it."""

    item: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="name", read_only=True)
    user: serializers.SlugRelatedField = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id",
            "project",
            "project_name",
            "user",
            "revisions",
            "status",
            "item",
            "commit",
            "message",
            "problems",
            "report",
            "replace",
            "created",
            "finished",
        ]
        read_only_fields = fields


class PublicationRequestSerializer(serializers.Serializer):
    """Publish a designer project (by id) to the catalogue for ``tenant`` (default: yours)."""

    project = serializers.IntegerField()
    tenant = serializers.CharField(required=False, allow_blank=True, default="")
    replace = serializers.BooleanField(
        required=False,
        default=False,
        help_text="confirm replacing a catalogue item that another project (or a repository) published",
    )
