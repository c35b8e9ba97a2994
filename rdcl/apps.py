"""App config."""

from django.apps import AppConfig


class RdclConfig(AppConfig):
    """RDCL designer backend."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "rdcl"
    verbose_name = "Descriptor designer"
