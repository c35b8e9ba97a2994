"""Django settings, URLs and the Celery app of rdcl-nfvo."""

from .celery import app as celery_app

__all__ = ("celery_app",)
