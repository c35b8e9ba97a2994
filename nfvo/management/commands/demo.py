"""``python manage.py demo``: the main job, end to end, on one machine.

Registers the sites of ``inventories/local.yml``, translates the descriptor (default:
``examples/epc_cran_mec.yaml``), commits and pushes it to the bare repository, publishes
the catalogue item and the OpenShift-on-OpenStack item (:mod:`nfvo.openshift`), orders
the service in plan mode across all sites, then applies it on the linux sites (the only
ones a machine without clouds can host), with a real Celery worker running the
playbooks through ansible-runner.
"""

from __future__ import annotations

import os
import secrets
import urllib.request
from pathlib import Path

import yaml
from django.conf import settings
from django.contrib.auth.models import User
from django.core.management.base import BaseCommand, CommandError

from nfvo import dialog, pipeline, services, sites
from nfvo.exceptions import DialogError, NameTaken
from nfvo.openshift import catalogue as openshift_catalogue
from nfvo.worker import celery_worker, wait_for_job
from translators.errors import DescriptorError
from translators.git_push import PushError

BASE_DIR = Path(settings.BASE_DIR)


class Command(BaseCommand):
    help = "Translate, publish, order and run a network service (plan everywhere, apply on linux sites)."

    def add_arguments(self, parser):
        parser.add_argument("--descriptor", default=str(BASE_DIR / "examples" / "epc_cran_mec.yaml"))
        parser.add_argument("--sites", default=str(BASE_DIR / "inventories" / "local.yml"))
        parser.add_argument("--no-apply", action="store_true", help="plan only")
        parser.add_argument("--delete", action="store_true", help="delete what was applied at the end")
        parser.add_argument("--timeout", type=float, default=900, help="seconds to wait for each job")
        parser.add_argument(
            "--param",
            action="append",
            default=[],
            metavar="NAME=VALUE",
            help="a dialog value (TOSCA input); YAML-typed, repeatable",
        )

    def handle(self, *args, **opts):
        say = self.stdout.write
        registered = sites.load(opts["sites"])
        say(f"sites: {', '.join(f'{s.name} ({s.kind})' for s in registered)}")
        try:
            translation, published, item = pipeline.publish_descriptor(opts["descriptor"])
        except DescriptorError as exc:
            raise CommandError(f"descriptor rejected, nothing committed:\n{exc.report()}") from None
        except NameTaken as exc:
            raise CommandError(str(exc)) from None
        except PushError as exc:
            raise CommandError(f"{exc}\nRun the same command again to push it.") from None
        say(f"descriptor: {opts['descriptor']} ({translation.model.digest})")
        for line in translation.report:
            say(f"  report: {line}")
        say(
            f"git: {published.remote} {published.branch} {published.commit} folder {published.folder}/"
            f"{'' if published.changed else ' (unchanged)'}"
        )
        say(f"catalogue item: {item.name}; order: {', '.join(item.sites)} in this order")
        try:
            cluster_item = openshift_catalogue.publish_item(published.remote, settings.RDCL_GIT_WORKDIR)
        except NameTaken as exc:
            raise CommandError(str(exc)) from None
        except PushError as exc:
            raise CommandError(f"{exc}\nRun the same command again to push it.") from None
        say(
            f"catalogue item: {cluster_item.name} (kind openshift: OpenShift clusters on an openstack site; "
            f"commit {cluster_item.published_commit[:12]})"
        )
        params = self._params(opts["param"])
        try:
            dialog.check(item.dialog, params)
        except DialogError as exc:
            raise CommandError(
                "the order's dialog is not valid:\n"
                + "\n".join(f"  {field}: {msg}" for field, msg in exc.errors.items())
                + "\nGive values with --param NAME=VALUE."
            ) from None
        broker = "redis " + settings.REDIS_URL if settings.REDIS_URL else "embedded (kombu filesystem)"
        log_file = settings.VAR_DIR / "worker.log"
        with celery_worker(log_file=log_file, name="demo") as proc:
            say(f"worker: celery, broker {broker}, log {log_file}")
            plan = self._run(services.order(item, params, mode="plan"), opts, proc)
            linux = [s.name for s in registered if s.kind == "linux" and s.name in item.sites]
            if opts["no_apply"] or not linux:
                return self._gui(plan)
            applied = self._run(services.order(item, params, mode="apply", limit=",".join(linux)), opts, proc)
            self._check_ports(applied)
            if opts["delete"]:
                self._run(services.operate(applied.instance, "delete", limit=",".join(linux)), opts, proc)
        self._gui(applied)
        if applied.status != "successful":
            raise CommandError(f"job {applied.pk} {applied.status}")

    @staticmethod
    def _params(pairs: list[str]) -> dict:
        out = {}
        for pair in pairs:
            name, sep, value = pair.partition("=")
            if not sep:
                raise CommandError(f"--param {pair!r}: expected NAME=VALUE")
            out[name] = yaml.safe_load(value) if value else ""
        return out

    def _run(self, job, opts, proc):
        say = self.stdout.write
        say(f"job {job.pk}: {job.operation} mode={job.mode} limit={job.limit or 'all sites'} commit {job.commit[:12]}")
        job = wait_for_job(job.pk, opts["timeout"], proc)
        say(f"job {job.pk}: {job.status}")
        for site, r in (job.result.get("sites") or {}).items():
            creates = ", ".join(f"{c['type']} {c['name']}" for c in r.get("creates", []))
            message = f"  {r['message']}" if r["message"] else ""
            creates = f"  would create: {creates}" if job.mode == "plan" and creates else ""
            say(
                f"  {site:<12} {r['status']:<11} ok={r['ok']} changed={r['changed']} failed={r['failures']}"
                f"{message}{creates}"
            )
        if job.status != "successful" and job.message:
            say(f"  {job.message}")
        return job

    def _check_ports(self, job):
        for name, value in sorted(job.extra_vars.items()):
            if name.endswith("_port") and isinstance(value, int):
                try:
                    with urllib.request.urlopen(f"http://127.0.0.1:{value}/", timeout=5) as r:
                        self.stdout.write(f"  http://127.0.0.1:{value}/ answers: {r.read().decode().strip()}")
                except OSError as exc:
                    self.stdout.write(f"  http://127.0.0.1:{value}/ does not answer: {exc}")

    def _gui(self, job):
        login = self._admin_login()
        self.stdout.write(
            f"GUI: .venv/bin/python manage.py runserver, then open http://127.0.0.1:8000/jobs/{job.pk}/ "
            f"(catalogue at http://127.0.0.1:8000/, API at http://127.0.0.1:8000/api/); {login}"
        )

    @staticmethod
    def _admin_login() -> str:
        """An admin to log in with: created once, its password in a 0600 file, never printed."""
        if User.objects.filter(is_superuser=True).exists():
            return "log in as an existing admin (manage.py createsuperuser makes another)"
        path = settings.VAR_DIR / "admin-password"
        password = secrets.token_urlsafe(16)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w") as f:
            f.write(password + "\n")
        User.objects.create_superuser("admin", password=password)
        return f"log in as admin, password in {path}"
