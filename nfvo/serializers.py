"""REST API serializers."""
from rest_framework import serializers

from django.contrib.auth import get_user_model

from .dialog import schema_problems
from .models import (AuditEntry, CatalogueItem, Job, JobEvent, Membership, Order, OrderTransition, Publication,
                     ServiceInstance, Site, Tenant)


class SiteSerializer(serializers.ModelSerializer):
    """A site; credentials are never serialised, only whether one is set."""

    has_ssh_key = serializers.SerializerMethodField()

    class Meta:
        model = Site
        fields = ["name", "kind", "labels", "connection", "is_default", "has_ssh_key", "last_check"]

    def get_has_ssh_key(self, site) -> bool:
        return bool(site.ssh_private_key_encrypted)


class CatalogueItemSerializer(serializers.ModelSerializer):
    """A catalogue item with its dialog schema."""

    class Meta:
        model = CatalogueItem
        fields = ["name", "description", "repository", "ref", "folder", "playbooks", "dialog",
                  "sites", "source", "digest", "published_commit", "requires_approval"]


class PublishRequestSerializer(serializers.Serializer):
    """Publish any git repository of playbooks as a catalogue item (operators).

    ``playbooks`` maps operations to playbook paths inside ``folder`` (``create`` is
    required); ``sites`` lists site names and ``{kind, labels}`` selectors; ``dialog`` is
    a JSON Schema (Draft 2020-12) of an object; ``tenants`` the tenants it is shared with.
    """

    name = serializers.SlugField(max_length=100)
    description = serializers.CharField(required=False, allow_blank=True, default="")
    repository = serializers.CharField(max_length=500)
    ref = serializers.CharField(max_length=200, default="main")
    folder = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    playbooks = serializers.DictField(child=serializers.CharField(max_length=200))
    sites = serializers.ListField(child=serializers.JSONField(), allow_empty=False)
    dialog = serializers.DictField(required=False, default=dict)
    timeout = serializers.IntegerField(min_value=1, max_value=7 * 24 * 3600, default=3600)
    queue = serializers.CharField(max_length=100, required=False, allow_blank=True, default="")
    requires_approval = serializers.BooleanField(default=False)
    tenants = serializers.SlugRelatedField(slug_field="name", many=True, queryset=Tenant.objects.all(),
                                           required=False, default=list)

    def validate_playbooks(self, value):
        if "create" not in value:
            raise serializers.ValidationError("a 'create' playbook is required")
        bad = [p for p in value.values() if p.startswith("/") or ".." in p.split("/")]
        if bad:
            raise serializers.ValidationError(f"paths must stay inside the folder: {', '.join(bad)}")
        return value

    def validate_sites(self, value):
        from .sites import select

        try:
            select(value)
        except (LookupError, ValueError) as exc:
            raise serializers.ValidationError(str(exc)) from exc
        return value

    def validate_dialog(self, value):
        from jsonschema import Draft202012Validator, SchemaError

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
        return value


class CatalogueSettingsSerializer(serializers.ModelSerializer):
    """What an operator may change on a published item without publishing it again."""

    tenants = serializers.SlugRelatedField(slug_field="name", many=True, queryset=Tenant.objects.all(),
                                           required=False)

    class Meta:
        model = CatalogueItem
        fields = ["description", "requires_approval", "timeout", "queue", "tenants"]
        extra_kwargs = {"timeout": {"min_value": 1, "max_value": 7 * 24 * 3600}}


class JobSerializer(serializers.ModelSerializer):
    """A job and its per-site result."""

    class Meta:
        model = Job
        fields = ["id", "instance", "operation", "user", "playbook", "mode", "limit", "status", "repository",
                  "folder", "commit", "inventory", "extra_vars", "result", "message", "timeout", "queue",
                  "retry_of", "cancel_requested", "worker", "heartbeat", "created", "started", "finished"]


class JobSummarySerializer(serializers.ModelSerializer):
    """A job in a list: what it is and how it went; the detail page adds the inventory,
    extra vars and per-site result (rows in a list stay small)."""

    class Meta:
        model = Job
        fields = ["id", "instance", "operation", "mode", "limit", "status", "commit", "retry_of", "created",
                  "started", "finished"]


class JobEventSerializer(serializers.ModelSerializer):
    """One job event."""

    class Meta:
        model = JobEvent
        fields = ["counter", "event", "play", "task", "host", "status", "changed", "stdout"]


class ServiceInstanceSerializer(serializers.ModelSerializer):
    """A service instance with its state."""

    item = serializers.SlugRelatedField(slug_field="name", read_only=True)
    tenant = serializers.SlugRelatedField(slug_field="name", read_only=True)

    class Meta:
        model = ServiceInstance
        fields = ["id", "item", "tenant", "name", "state", "parameters", "created"]


class ServiceInstanceDetailSerializer(ServiceInstanceSerializer):
    """A service instance with its orders and its history of operations (jobs, oldest first)."""

    orders = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    operations = serializers.SerializerMethodField()

    class Meta(ServiceInstanceSerializer.Meta):
        fields = ServiceInstanceSerializer.Meta.fields + ["orders", "operations"]

    def get_operations(self, instance) -> list[dict]:
        jobs = instance.jobs.order_by("id").only(*JobSummarySerializer.Meta.fields)
        return JobSummarySerializer(jobs, many=True).data


class OrderTransitionSerializer(serializers.ModelSerializer):
    """One step of an order: source -> target, when, by whom, why."""

    class Meta:
        model = OrderTransition
        fields = ["source", "target", "time", "actor", "note"]


class OrderSerializer(serializers.ModelSerializer):
    """An order with its current step, its transitions and its latest job (null while it
    waits for approval or after a denial)."""

    item = serializers.SlugRelatedField(slug_field="name", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)
    tenant = serializers.SerializerMethodField()
    transitions = OrderTransitionSerializer(many=True, read_only=True)
    job = serializers.SerializerMethodField()

    class Meta:
        model = Order
        fields = ["id", "item", "instance", "tenant", "user", "status", "commit", "mode", "limit", "parameters",
                  "created", "transitions", "job"]

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
    role = serializers.ChoiceField(choices=[c for c, _ in Membership._meta.get_field("role").choices])

    class Meta:
        model = Membership
        fields = ["user", "role"]
        validators = []  # one role per tenant: a POST for an existing member changes the role


class OrderRequestSerializer(serializers.Serializer):
    """An order: the catalogue item, its dialog values, the mode and a site limit."""

    item = serializers.SlugRelatedField(slug_field="name", queryset=CatalogueItem.objects.all())
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

    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = AuditEntry
        fields = ["time", "user", "action", "target", "detail", "remote_addr"]


class PublicationSerializer(serializers.ModelSerializer):
    """A designer project's way to the catalogue: status, the revisions it took, the item
    and commit it made, or the located problems that stopped it."""

    item = serializers.SlugRelatedField(slug_field="name", read_only=True)
    user = serializers.SlugRelatedField(slug_field="username", read_only=True)

    class Meta:
        model = Publication
        fields = ["id", "project", "project_name", "user", "revisions", "status", "item", "commit", "message",
                  "problems", "report", "created", "finished"]
        read_only_fields = fields


class PublicationRequestSerializer(serializers.Serializer):
    """Publish a designer project (by id) to the catalogue."""

    project = serializers.IntegerField()
