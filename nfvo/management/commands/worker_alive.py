"""``manage.py worker_alive FILE [--max-age SECONDS]``: exit 0 when a worker's heartbeat file
(:func:`nfvo.health.heartbeat_file`) was written within ``--max-age`` seconds (default 60),
1 otherwise, with a line saying why."""

from django.core.management.base import BaseCommand, CommandError

from nfvo.health import heartbeat_age


class Command(BaseCommand):
    help = "Exit 0 when a Celery worker's heartbeat file is fresh, 1 when it is stale or missing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="the worker's heartbeat file (RDCL_WORKER_HEARTBEAT_FILE)")
        parser.add_argument("--max-age", type=float, default=60.0, help="seconds (default 60)")

    def handle(self, *args, file, max_age, **options):
        age = heartbeat_age(file)
        if age is None:
            raise CommandError(f"{file}: no heartbeat (the worker never started, or writes elsewhere)")
        if age > max_age:
            raise CommandError(f"{file}: last heartbeat {age:.0f} s ago (more than {max_age:.0f} s): worker not alive")
        self.stdout.write(f"alive: last heartbeat {age:.1f} s ago")
