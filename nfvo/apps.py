"""App config."""
from django.apps import AppConfig


class NfvoConfig(AppConfig):
    """rdcl-nfvo orchestrator app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "nfvo"
    verbose_name = "NFV orchestrator"

    def ready(self):
        from . import openshift  # noqa: F401  (registers the openshift item kind and its site receiver)
        from django.contrib.auth.signals import user_logged_in
        from django.core.checks import register

        from .sandbox import system_check

        from .access import audit

        user_logged_in.connect(lambda sender, request, user, **kw: audit(request, "login", f"user:{user}"),
                               weak=False, dispatch_uid="nfvo-audit-login")
        register(system_check, "nfvo")  # jobs run boxed: bwrap must work (nfvo.sandbox)
