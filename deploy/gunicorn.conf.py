"""gunicorn settings of the web tier (deploy/rdcl-web.service): address and process count
from the environment file, and prometheus_client's multiprocess clean-up."""

import os

bind = os.environ.get("RDCL_BIND", "127.0.0.1:8000")
workers = int(os.environ.get("RDCL_WEB_WORKERS", "4"))
worker_class = "sync"
timeout = 60
accesslog = "-"
forwarded_allow_ips = os.environ.get("RDCL_TRUSTED_PROXIES", "127.0.0.1") or "127.0.0.1"


def child_exit(server, worker):
    """A dead worker's metric files stop counting as live (gauges); its counters stay summed."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)
