"""App config."""

from django.apps import AppConfig
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.core.checks import register

from .sandbox import system_check


class NfvoConfig(AppConfig):
    """rdcl-nfvo orchestrator app."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "nfvo"
    verbose_name = "NFV orchestrator"

    def ready(self):
        # Not a cycle: this imports nfvo.models, which Django loads after apps.py (the app registry).
        from .access import audit

        user_logged_in.connect(
            lambda sender, request, user, **kw: audit(request, "login", f"user:{user}"),
            weak=False,
            dispatch_uid="nfvo-audit-login",
        )
        register(system_check, "nfvo")  # jobs run boxed: bwrap must work (nfvo.sandbox)
        user_login_failed.connect(_audit_login_failed, weak=False, dispatch_uid="nfvo-audit-login-failed")


def _audit_login_failed(sender, credentials: dict, request=None, **kw) -> None:
    """A failed login in the audit log: the username tried (never the password) and the
    client address. Django sends ``user_login_failed`` for every backend that refused, and
    for django-axes' lockout refusals too."""
    from .access import audit  # not a cycle: nfvo.models loads after apps.py (the app registry)

    username = str(credentials.get("username", ""))[:150]
    audit(request, "login_failed", f"user:{username}", locked_out=bool(getattr(request, "axes_locked_out", False)))
