"""App config."""
from django.apps import AppConfig


class NfvoConfig(AppConfig):
    """rdcl-nfvo orchestrator app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "nfvo"
    verbose_name = "NFV orchestrator"
