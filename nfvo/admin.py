"""Admin pages (operators register sites and inspect jobs here)."""

from django import forms
from django.contrib import admin

from . import credentials
from .models import (
    AuditEntry,
    CatalogueItem,
    Job,
    JobEvent,
    Membership,
    Order,
    OrderTransition,
    ServiceInstance,
    Site,
    Tenant,
)


class SiteForm(forms.ModelForm):
    """A site with one password-style input per credential: the stored value is never
    rendered (``render_value=False``), a blank input keeps it, ``clear`` removes the ones
    ticked. ``connection`` refuses secret-looking keys, naming them."""

    clear = forms.MultipleChoiceField(
        choices=[(n, n) for n in credentials.NAMES],
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="credentials to remove",
    )

    class Meta:
        model = Site
        exclude = [f"{n}_encrypted" for n in credentials.NAMES]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        held = set(self.instance.credentials_set()) if self.instance.pk else set()
        for cred in credentials.CREDENTIALS:
            state = "set; blank keeps it" if cred.name in held else "not set"
            self.fields[cred.name].help_text = f"{cred.help} ({state})"

    def clean_connection(self):
        value = self.cleaned_data.get("connection") or {}
        found = credentials.secret_keys(value) if isinstance(value, dict) else []
        if found:
            raise forms.ValidationError(
                f"secret-looking keys are not kept in connection: {', '.join(found)}; use the credential fields"
            )
        return value

    def save(self, commit=True):
        site = super().save(commit=False)
        for name in self.cleaned_data.get("clear") or []:
            site.set_credential(name, "")
        for cred in credentials.CREDENTIALS:
            value = self.cleaned_data.get(cred.name)
            if value:
                site.set_credential(cred.name, value)
        if commit:
            site.save()
        return site


def _credential_input(cred) -> forms.Field:
    widget = forms.PasswordInput(render_value=False)  # the stored value is never sent to the browser
    if cred.is_object:
        return forms.JSONField(required=False, widget=widget)
    return forms.CharField(required=False, strip=False, widget=widget)


for _cred in credentials.CREDENTIALS:  # declared fields, so the admin's fieldsets show them
    SiteForm.base_fields[_cred.name] = SiteForm.declared_fields[_cred.name] = _credential_input(_cred)


@admin.register(Site)
class SiteAdmin(admin.ModelAdmin):
    """Sites (superusers); credentials are write-only inputs, never shown."""

    form = SiteForm
    list_display = ("name", "kind", "tenant", "is_default", "credentials_set")


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
