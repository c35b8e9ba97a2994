"""``manage.py reap [--every SECONDS]``: the reaper (:mod:`nfvo.reaper`) as a process of its
own (deploy/rdcl-reaper.service): one pass, or one pass every ``--every`` seconds until
stopped. Every worker also runs it; a separate reaper keeps lost jobs moving when a queue
has no worker left."""

import time

from django.core.management.base import BaseCommand
from django.db import close_old_connections

from nfvo import reaper


class Command(BaseCommand):
    help = "End jobs whose worker died, delete ended jobs' folders, send lost jobs again."

    def add_arguments(self, parser):
        parser.add_argument("--every", type=float, default=0.0, help="repeat every SECONDS (default: one pass)")

    def handle(self, *args, every, **options):
        while True:
            close_old_connections()
            try:
                done = reaper.reap()
                if any(done.values()):
                    self.stdout.write(" ".join(f"{k}={v}" for k, v in done.items()), ending="\n")
                    self.stdout.flush()
            except Exception as exc:  # the database or the broker is away: try again next time
                self.stderr.write(f"reaper pass failed: {type(exc).__name__}: {exc}")
            if not every:
                return
            time.sleep(every)
