"""REST API serializers."""
from rest_framework import serializers

from .models import AuditEntry, CatalogueItem, Job, JobEvent, ServiceInstance, Site, Tenant


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
                  "sites", "source", "digest", "published_commit"]


class JobSerializer(serializers.ModelSerializer):
    """A job and its per-site result."""

    class Meta:
        model = Job
        fields = ["id", "instance", "operation", "user", "playbook", "mode", "limit", "status", "repository",
                  "folder", "commit", "inventory", "extra_vars", "result", "message", "timeout", "queue",
                  "retry_of", "cancel_requested", "worker", "heartbeat", "created", "started", "finished"]


class JobEventSerializer(serializers.ModelSerializer):
    """One job event."""

    class Meta:
        model = JobEvent
        fields = ["counter", "event", "play", "task", "host", "status", "changed", "stdout"]


class ServiceInstanceSerializer(serializers.ModelSerializer):
    """A service instance with its state."""

    class Meta:
        model = ServiceInstance
        fields = ["id", "item", "tenant", "name", "state", "parameters", "created"]


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
