"""Admin pages (operators register sites and inspect jobs here)."""
from django.contrib import admin

from .models import (AuditEntry, CatalogueItem, Job, JobEvent, Membership, Order, OrderTransition, ServiceInstance,
                     Site, Tenant)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    """Sites; the encrypted key is never shown."""

    list_display = ("name", "kind", "is_default")
    exclude = ("ssh_private_key_encrypted",)


admin.site.register(CatalogueItem)
admin.site.register(ServiceInstance)


class OrderTransitionInline(admin.TabularInline):
    """An order's steps, read-only (they are history)."""

    model = OrderTransition
    extra = 0
    can_delete = False
    readonly_fields = ("source", "target", "time", "user", "actor", "note")


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    """Orders with their steps."""

    list_display = ("id", "item", "user", "status", "created")
    list_filter = ("status",)
    inlines = [OrderTransitionInline]


@admin.register(Job)
class JobAdmin(admin.ModelAdmin):
    """Jobs, newest first."""

    list_display = ("id", "operation", "mode", "status", "instance", "created")


admin.site.register(JobEvent)
admin.site.register(Tenant)
admin.site.register(Membership)


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """The audit log, read-only."""

    list_display = ("time", "user", "action", "target", "remote_addr")

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
